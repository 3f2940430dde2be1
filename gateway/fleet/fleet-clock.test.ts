// FleetClock: the same time as its ScaledClock, every timer on one native interval, in order.
import { describe, expect, it } from 'vitest';
import { ScaledClock } from '../../core/index.ts';
import { parseOutage } from '../cli/fleet.ts';
import { FleetClock } from './fleet-clock.ts';
import { virtualStationId } from './fleet.ts';

describe('FleetClock', () => {
  it('fires after/every timers in clock order, skips cancelled ones, and reads its base clock', async () => {
    const base = new ScaledClock({ speed: 10, origin: 0 }); // 3.5 clock s = 350 real ms
    const clock = new FleetClock(base, 5);
    const fired: string[] = [];
    clock.after(3000, () => fired.push('c'));
    clock.after(1000, () => fired.push('a'));
    clock.after(2000, () => fired.push('b')).cancel();
    let ticks = 0;
    const every = clock.every(500, () => { ticks++; });
    await clock.sleep(3500);
    every.cancel();
    expect(fired).toEqual(['a', 'c']);
    // ≈ 7; fewer on a loaded machine (a late periodic timer skips ahead instead of bursting), never more
    expect(ticks).toBeGreaterThanOrEqual(1);
    expect(ticks).toBeLessThanOrEqual(7);
    expect(Math.abs(clock.now() - base.now())).toBeLessThan(1);
    clock.stop();
  });

  it('serves a thousand timers with one native wake-up per tick', async () => {
    const clock = new FleetClock(new ScaledClock({ speed: 1000 }), 10);
    let n = 0;
    const timers = Array.from({ length: 1000 }, () => clock.every(100, () => { n++; }));
    await new Promise((r) => setTimeout(r, 200));
    timers.forEach((t) => t.cancel());
    clock.stop();
    expect(n).toBeGreaterThan(1000); // each fired at least once (≈ 2 real ms between firings)
    expect(clock.ticks).toBeLessThan(40); // ≈ 200 / 10, not 1000 × anything
  });
});

describe('fleet ids and outage specs', () => {
  it('makes WIGOS-like ids per island', () => {
    expect(virtualStationId('hahajima', 7)).toBe('0-392-9-HAH0007');
  });

  it('parses TARGET@START+DURATION and names what is wrong', () => {
    expect(parseOutage('hahajima@1h+24h', 1000)).toEqual({ target: 'hahajima', from: 1000 + 3_600_000, to: 1000 + 25 * 3_600_000 });
    expect(parseOutage('*@90s+10m', 0)).toEqual({ target: '*', from: 90_000, to: 690_000 });
    expect(() => parseOutage('hahajima+24h', 0)).toThrow(/TARGET@START\+DURATION/);
    expect(() => parseOutage('hahajima@1x+24h', 0)).toThrow(/"1x" is not a duration/);
  });
});
