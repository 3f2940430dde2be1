// Packed raw readings (migration 8): what goes in comes out, compactly, and a damaged block is
// skipped and counted instead of read as numbers.
import { describe, expect, it } from 'vitest';
import { ManualClock, qc, type Observation, type Quantity } from '../../core/index.ts';
import { openDatabase } from './db.ts';
import { packBlocks, unpackBlock } from './raw-block.ts';
import { allRaw, countRaw, damagedRawBlocks, lastRainCounter, minutesWithReadings, RawWriter, readRaw } from './raw.ts';

const T0 = Date.UTC(2026, 10, 25, 6, 0);
const obs = (ts: number, quantity: Quantity, value: number | null, o: Partial<Observation['qc']> = {}): Observation =>
  ({ ts, sensor: 'wxt', quantity, value, qc: { ...qc(value === null ? 'missing' : 'good'), ...o } });

/** A WXT530 at its usual rates: wind every second, PTU every 10 s, rain counter every 10 s. */
function wxtMinutes(minutes: number): Observation[] {
  const out: Observation[] = [];
  for (let s = 0; s < minutes * 60; s++) {
    const t = T0 + s * 1000 + 37;
    out.push(obs(t, 'wind_speed', Math.round((5 + 2 * Math.sin(s / 7) + ((s * 7919) % 13) / 10) * 10) / 10));
    out.push(obs(t, 'wind_from_direction', (80 + ((s * 104729) % 41)) % 360));
    if (s % 10 === 0) {
      out.push(obs(t + 5, 'air_temperature', 22.7 + Math.round(Math.sin(s / 600) * 10) / 10));
      out.push(obs(t + 5, 'relative_humidity', 78.6));
      out.push(obs(t + 5, 'air_pressure', 1014.2 + (s % 3) / 10));
      out.push(obs(t + 5, 'precipitation_amount_since_reset', Math.floor(s / 600) / 10));
    }
  }
  return out;
}

describe('raw blocks', () => {
  it('give back every reading exactly (values, nulls, flags, reasons, order), one block per minute', () => {
    const input = [
      obs(T0 + 59_999, 'air_temperature', 22.5),
      obs(T0 + 1000, 'wind_speed', 4.123456789012345),
      obs(T0 + 1000, 'wind_from_direction', null),
      obs(T0 + 2000, 'wind_speed', 40, { flag: 'bad', reasons: ['range', 'step'] }),
      obs(T0 + 60_000, 'wind_speed', -0.5, { flag: 'suspect', reasons: ['sensor_status'] }),
    ];
    const blocks = packBlocks('wxt', input);
    expect(blocks.map((b) => [b.t0, b.t1, b.n])).toEqual([[T0 + 1000, T0 + 59_999, 4], [T0 + 60_000, T0 + 60_000, 1]]);
    const back = blocks.flatMap((b) => unpackBlock('wxt', b.t0, b.data));
    // time order; readings of the same instant keep the order they came in
    expect(back).toEqual([input[1], input[2], input[3], input[0], input[4]]);
  });

  it('take under 4 bytes a reading for a WXT530 hour, against ~65 for a row and its index entry', () => {
    const hour = wxtMinutes(60);
    const bytes = packBlocks('wxt', hour).reduce((s, b) => s + b.data.length, 0);
    expect(hour.length).toBe(8640);
    expect(bytes / hour.length).toBeLessThan(4);
  });

  it('a damaged block fails to decode: readers skip it, count it and name it', () => {
    const db = openDatabase(':memory:');
    const w = new RawWriter(db, new ManualClock(T0), { maxPending: 1e9 });
    w.add(wxtMinutes(3));
    w.flush();
    const ids = db.prepare('SELECT id, data FROM raw_blocks ORDER BY t0').all() as Array<{ id: number; data: Buffer }>;
    expect(ids.length).toBe(3);
    const bad = Buffer.from(ids[1]!.data);
    bad[Math.floor(bad.length / 2)]! ^= 0xff;
    db.prepare('UPDATE raw_blocks SET data = ? WHERE id = ?').run(bad, ids[1]!.id);
    const before = damagedRawBlocks.count;
    const got = readRaw(db, 'wxt', T0, T0 + 3 * 60_000);
    expect(damagedRawBlocks.count).toBe(before + 1);
    expect(damagedRawBlocks.last).toContain(`raw block ${ids[1]!.id} (wxt, 2026-11-25T06:01`);
    expect(got.length).toBe(2 * 144); // the two good minutes, whole
    expect(got.every((o) => o.ts < T0 + 60_000 || o.ts >= T0 + 120_000)).toBe(true);
  });
});

describe('raw readers over rows and blocks', () => {
  it('read a range across blocks and old rows in time order; minutes with readings; counts', () => {
    const db = openDatabase(':memory:');
    const w = new RawWriter(db, new ManualClock(T0), { maxPending: 1e9 });
    // a row stored by an older version (before blocks), and one whose time is not known yet
    db.prepare("INSERT INTO raw_obs (ts, sensor, quantity, value, flag, reasons) VALUES (?, 'wxt', 'wind_speed', 9.9, 'good', '')").run(T0 + 30_500);
    db.prepare("INSERT INTO raw_obs (ts, sensor, quantity, value, flag, reasons, mono, boot, qc_flag) VALUES (7000, 'wxt', 'wind_speed', 1, 'suspect', 'time_uncertain', 7000, 'b', 'good')").run();
    w.add(wxtMinutes(2).slice(0, 100));
    w.flush();
    w.add(wxtMinutes(2).slice(100)); // the rest of the first minute and the second: another block for minute 1
    w.flush();
    const got = readRaw(db, 'wxt', T0 + 30_000, T0 + 31_000);
    expect(got.map((o) => [o.ts, o.quantity, o.value])).toEqual([
      [T0 + 30_037, 'wind_speed', expect.any(Number)], [T0 + 30_037, 'wind_from_direction', expect.any(Number)],
      [T0 + 30_042, 'air_temperature', expect.any(Number)], [T0 + 30_042, 'relative_humidity', 78.6],
      [T0 + 30_042, 'air_pressure', expect.any(Number)], [T0 + 30_042, 'precipitation_amount_since_reset', 0],
      [T0 + 30_500, 'wind_speed', 9.9],
    ]);
    expect(readRaw(db, 'wxt', T0, T0 + 120_000).length).toBe(288 + 1);
    expect(minutesWithReadings(db, 'wxt', T0, T0 + 120_000)).toEqual([T0, T0 + 60_000]);
    expect(minutesWithReadings(db, 'wxt', T0 + 60_000, T0 + 120_000)).toEqual([T0 + 60_000]);
    expect(countRaw(db)).toEqual(new Map([['wxt', 288 + 2]]));
    expect(countRaw(db, T0 + 60_000)).toEqual(new Map([['wxt', 144]]));
    expect(allRaw(db).length).toBe(290);
  });

  it('the rain counter before a minute: the latest one, from an earlier block or an old row, within the lookback', () => {
    const db = openDatabase(':memory:');
    const w = new RawWriter(db, new ManualClock(T0), { maxPending: 1e9 });
    const rain = (ts: number, v: number | null) => ({ ...obs(ts, 'precipitation_amount_since_reset', v), sensor: 'rg' });
    w.add([rain(T0 + 10_000, 1.2), rain(T0 + 50_000, 1.4), rain(T0 + 55_000, null)]);
    w.flush();
    w.add([rain(T0 + 20_000, 1.3)]); // a later block of the same minute, with an earlier reading
    w.flush();
    w.add([rain(T0 + 5 * 60_000, 2.0)]);
    w.flush();
    expect(lastRainCounter(db, 'rg', T0 + 60_000)).toBe(1.4); // not the null, not the later block's earlier reading
    expect(lastRainCounter(db, 'rg', T0 + 30_000)).toBe(1.3);
    expect(lastRainCounter(db, 'rg', T0 + 6 * 60_000)).toBe(2.0);
    expect(lastRainCounter(db, 'rg', T0 + 10_000)).toBeNull();
    expect(lastRainCounter(db, 'rg', T0 + 86_400_000 + 30_000)).toBe(2.0);
    expect(lastRainCounter(db, 'rg', T0 + 2 * 86_400_000)).toBeNull(); // beyond a day: counted afresh
    // an old row newer than every block wins
    db.prepare("INSERT INTO raw_obs (ts, sensor, quantity, value, flag, reasons) VALUES (?, 'rg', 'precipitation_amount_since_reset', 2.5, 'good', '')").run(T0 + 5 * 60_000 + 1);
    expect(lastRainCounter(db, 'rg', T0 + 6 * 60_000)).toBe(2.5);
  });
});

describe('raw writer commits', () => {
  it('with flushMs null only at flush() (the minute closer) or at maxPending; with a time, after it', () => {
    const db = openDatabase(':memory:');
    const clock = new ManualClock(T0);
    const stored = () => [...countRaw(db).values()].reduce((a, b) => a + b, 0);
    const all = wxtMinutes(5); // 720 readings
    const byCloser = new RawWriter(db, clock, { flushMs: null, maxPending: 300 });
    byCloser.add(all.slice(0, 100));
    clock.advance(10 * 60_000);
    expect(stored()).toBe(0); // no timer of its own
    byCloser.add(all.slice(100, 400));
    expect(stored()).toBe(400); // maxPending reached
    byCloser.add(all.slice(400, 410));
    byCloser.flush();
    expect(stored()).toBe(410);
    const timed = new RawWriter(db, clock, { flushMs: 10_000 });
    timed.add(all.slice(410, 420));
    clock.advance(9_999);
    expect(stored()).toBe(410);
    clock.advance(1);
    expect(stored()).toBe(420);
  });
});
