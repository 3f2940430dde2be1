// Backoff and byte budget: the two policies of a link that drops for hours and costs by the byte.
import { describe, expect, it } from 'vitest';
import { openDatabase, Outbox } from '../store/index.ts';
import { Backoff } from './backoff.ts';
import { ByteBudget, publishBytes } from './budget.ts';

describe('reconnect backoff', () => {
  it('grows exponentially to its cap, with jitter, and starts again after a success', () => {
    const top = new Backoff({ baseMs: 1000, capMs: 60_000, random: () => 1 });
    expect(Array.from({ length: 9 }, () => top.next())).toEqual([1000, 2000, 4000, 8000, 16_000, 32_000, 60_000, 60_000, 60_000]);
    top.reset();
    expect(top.next()).toBe(1000);
    // Full jitter: any delay in [base/2, ceiling]; two stations do not retry in step.
    let r = 0.1;
    const jit = new Backoff({ baseMs: 1000, capMs: 60_000, random: () => (r = (r * 7.3) % 1) });
    const delays = Array.from({ length: 200 }, () => jit.next());
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(500);
    expect(Math.max(...delays)).toBeLessThanOrEqual(60_000);
    expect(new Set(delays.slice(10)).size).toBeGreaterThan(50);
    expect(() => new Backoff({ baseMs: 0, capMs: 1 })).toThrow(/baseMs/);
  });
});

describe('byte budget', () => {
  const HOUR = 3_600_000;
  const T0 = Date.UTC(2026, 6, 1, 5);
  it('holds what does not fit in the hour or the day, frees it at the next window, and survives a restart', () => {
    const db = openDatabase(':memory:');
    const budget = new ByteBudget({ perHour: 1000, perDay: 2500 }, new Outbox(db, 'S'));
    expect(budget.left(T0)).toBe(1000);
    budget.spend(900, T0 + 10);
    expect(budget.left(T0 + 20)).toBe(100);
    // A new gateway process reads the same counts from the store.
    const again = new ByteBudget({ perHour: 1000, perDay: 2500 }, new Outbox(db, 'S'));
    expect(again.left(T0 + 30)).toBe(100);
    expect(again.left(T0 + HOUR)).toBe(1000);
    again.spend(1000, T0 + HOUR);
    expect(again.left(T0 + 2 * HOUR)).toBe(600); // the day's 2500 minus 1900
    expect(again.left(T0 + 24 * HOUR)).toBe(1000); // a new UTC day
    expect(new ByteBudget({}, new Outbox(db, 'S')).left(T0)).toBe(Infinity);
  });

  it('writes its counts to the store at most once a minute (each write is an SD commit), and when a window turns', () => {
    const db = openDatabase(':memory:');
    const store = new Outbox(db, 'S');
    const budget = new ByteBudget({ perHour: 10_000 }, store);
    budget.spend(100, T0 + 10);
    expect(store.getState('budget:hour')).toBe(`${T0}:100`); // the first spend is written
    budget.spend(100, T0 + 20_000);
    expect(store.getState('budget:hour')).toBe(`${T0}:100`); // within the minute: memory only
    expect(budget.left(T0 + 20_000)).toBe(9_800);
    budget.spend(100, T0 + 60_010);
    expect(store.getState('budget:hour')).toBe(`${T0}:300`);
    budget.spend(100, T0 + HOUR - 30_000);
    expect(store.getState('budget:hour')).toBe(`${T0}:400`);
    budget.spend(100, T0 + HOUR); // 30 s later, but a new hour: written at once
    expect(store.getState('budget:hour')).toBe(`${T0 + HOUR}:100`);
    budget.spend(50, T0 + HOUR + 5);
    budget.persist(T0 + HOUR + 6); // on the way out
    expect(store.getState('budget:hour')).toBe(`${T0 + HOUR}:150`);
  });

  it('counts MQTT framing: header, remaining length, topic, packet id, properties', () => {
    expect(publishBytes('a/b', 10, 5)).toBe(1 + 1 + 2 + 3 + 2 + 1 + 10);
    expect(publishBytes('a/b', 10, 4)).toBe(1 + 1 + 2 + 3 + 2 + 10);
    expect(publishBytes('a/b', 200, 5)).toBe(1 + 2 + 2 + 3 + 2 + 1 + 200);
  });
});
