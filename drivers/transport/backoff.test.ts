import { describe, expect, it } from 'vitest';
import { backoffDelay } from './backoff.ts';

describe('backoffDelay', () => {
  const mid = () => 0.5; // no jitter at the midpoint
  it('doubles from 200 ms and caps at 2000 ms by default', () => {
    expect([0, 1, 2, 3, 4, 5, 50].map((n) => backoffDelay(n, {}, mid))).toEqual([200, 400, 800, 1600, 2000, 2000, 2000]);
  });
  it('jitter stays within ±20 % and applies at the cap too', () => {
    expect(backoffDelay(0, {}, () => 0)).toBe(160);
    expect(backoffDelay(0, {}, () => 0.999999)).toBe(240);
    expect(backoffDelay(10, {}, () => 0)).toBe(1600);
    expect(backoffDelay(10, {}, () => 0.999999)).toBe(2400);
  });
  it('honours custom options and survives absurd failure counts', () => {
    expect(backoffDelay(2, { initialMs: 100, factor: 3, maxMs: 10_000, jitter: 0 })).toBe(900);
    expect(backoffDelay(1e9, { jitter: 0 })).toBe(2000);
  });
});
