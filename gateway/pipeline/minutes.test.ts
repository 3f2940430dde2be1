// The minute closer over a real (in-memory) SQLite store and a manual clock: minute QC sees
// the stored past, 10-min and hourly aggregates appear at :x0 and :00, rain counters are
// differenced across closes and resets, and a restarted closer carries on where it stopped.
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock, type Observation, type Quantity } from '../../core/index.ts';
import type { PeriodAggregate } from '../aggregate/period.ts';
import { openDatabase, Outbox, RawWriter, unpackRecord, type Db } from '../store/index.ts';
import { MinuteCloser } from './minutes.ts';

/** The station's minute records as stored (deflated JSON), oldest first. */
const storedMinutes = (db: Db) => (db.prepare('SELECT record FROM minute_records ORDER BY ts').all() as Array<{ record: Buffer }>).map((x) => unpackRecord(x.record));

const T0 = Date.UTC(2026, 6, 1, 0, 0);
const dbs: Db[] = [];
afterEach(() => dbs.splice(0).forEach((d) => d.close()));

function rig(db = openDatabase(':memory:'), clock = new ManualClock(T0), everyMinutes?: number) {
  dbs.push(db);
  const raw = new RawWriter(db, clock);
  const outbox = new Outbox(db, 'st');
  const periods: PeriodAggregate[] = [];
  const commits: Array<{ at: number; minutes: number[] }> = [];
  const sensors = new Map<string, readonly Quantity[]>([['wxt', ['wind_speed', 'air_temperature', 'precipitation_amount']]]);
  const closer = new MinuteCloser({ db, raw, outbox, clock, elevationM: 3, sensors, everyMinutes, onAggregates: (a) => periods.push(...a), onCommit: (recs) => commits.push({ at: clock.now(), minutes: recs.map((x) => x.ts) }) });
  return { db, clock, raw, outbox, closer, periods, commits };
}

const ob = (ts: number, quantity: Quantity, value: number | null): Observation => ({ ts, sensor: 'wxt', quantity, value, qc: { flag: 'good', reasons: [] } });

/** One simulated second of a WXT: wind every second, T and the rain counter every 10 s. */
function second(t: number, temp: (t: number) => number, rain: (t: number) => number): Observation[] {
  const s = Math.floor((t - T0) / 1000);
  const out = [ob(t, 'wind_speed', 4 + (s % 7) / 2), ob(t, 'wind_from_direction', 80 + (s % 13))];
  if (s % 10 === 0) out.push(ob(t, 'air_temperature', temp(t)), ob(t, 'precipitation_amount_since_reset', rain(t)));
  return out;
}

function runFor(r: ReturnType<typeof rig>, seconds: number, temp: (t: number) => number, rain: (t: number) => number) {
  r.closer.start();
  for (let i = 0; i < seconds; i++) {
    r.raw.add(second(r.clock.now(), temp, rain));
    r.clock.advance(1000);
  }
  r.closer.stop();
}

describe('minute closer with QC and period aggregates', () => {
  it('2 h of readings: 120 minute records, 12 ten-minute and 2 hourly aggregates; a stuck thermometer turns suspect after 60 min', () => {
    const r = rig();
    runFor(r, 2 * 3600 + 5, () => 24.3, () => 0);
    const minutes = r.outbox.committedKeys();
    expect(minutes.length).toBe(120);
    expect(r.periods.filter((p) => p.period === '10min').map((p) => p.ts)).toEqual(Array.from({ length: 12 }, (_, i) => T0 + i * 600_000));
    expect(r.periods.filter((p) => p.period === '1h').map((p) => p.ts)).toEqual([T0, T0 + 3_600_000]);
    const recs = storedMinutes(r.db);
    expect(recs[58]!.values.air_temperature!.f).toBe('good');
    expect(recs[59]!.values.air_temperature).toMatchObject({ f: 'suspect', r: ['persistence'] });
    // the flag carries into the aggregates built from those minutes
    const h2 = r.periods.find((p) => p.period === '1h' && p.ts === T0 + 3_600_000)!;
    expect(h2.values.air_temperature).toMatchObject({ v: 24.3, f: 'suspect', r: ['persistence'] });
    expect(h2.values.wind_from_direction_sd!.v).toBeGreaterThan(0);
    expect(r.closer.aggregates.read('10min', 'wxt')).toHaveLength(12);
  });

  it('rain: counted once across minutes; across a counter reset (power cycle) nothing is lost, nothing twice, never negative', () => {
    const r = rig();
    // 0.1 mm every 2 minutes; the device power-cycles at 00:31:00 and starts again from 0.
    const counter = (t: number) => {
      const min = (t - T0) / 60_000;
      return min < 31 ? 5 + Math.floor(min / 2) * 0.1 : Math.floor((min - 31) / 2) * 0.1;
    };
    runFor(r, 3600 + 5, (t) => 24 + ((t / 10_000) % 5) / 10, counter);
    const recs = storedMinutes(r.db);
    const rain = recs.map((x) => x.values.precipitation_amount!);
    expect(rain[31]).toMatchObject({ v: 0, f: 'suspect', r: ['sensor_status'] });
    expect(rain.every((x) => x.v === null || x.v >= 0)).toBe(true);
    const total = rain.reduce((a, x) => a + (x.v ?? 0), 0);
    expect(total).toBeCloseTo(1.5 + 1.4, 6); // 15 tips before the reset, 14 after; none twice
    // The hour holds all of it, suspect because the device restarted inside it.
    const hour = r.periods.find((p) => p.period === '1h')!.values.precipitation_amount!;
    expect(hour).toMatchObject({ f: 'suspect', r: ['sensor_status'] });
    expect(hour.v).toBeCloseTo(2.9, 6);
  });

  it('hourly step ([305], 4 °C an hour): a warm front of 6 °C in 10 minutes makes the second hour suspect, no minute step', () => {
    const r = rig();
    const front = (t: number) => 24 + Math.min(6, Math.max(0, (t - T0 - 3_600_000) / 100_000)) + 0.3 * Math.sin(t / 600_000);
    runFor(r, 2 * 3600 + 5, front, () => 0);
    const hours = r.periods.filter((p) => p.period === '1h');
    expect(hours[0]!.values.air_temperature!.f).toBe('good');
    expect(hours[1]!.values.air_temperature).toMatchObject({ f: 'suspect', r: ['step'] });
    const recs = storedMinutes(r.db);
    expect(recs.filter((x) => x.values.air_temperature!.r?.includes('step'))).toEqual([]);
  });

  it('storage.commit_every_min 2: one commit every 2 minutes closes both, nothing lost, at even minutes', () => {
    const r = rig(undefined, undefined, 2);
    runFor(r, 10 * 60 + 5, () => 24.3, () => 0);
    expect(r.commits.map((c) => (c.at - T0) / 60_000)).toEqual([2, 4, 6, 8, 10].map((m) => m + 2000 / 60_000));
    expect(r.commits.map((c) => c.minutes.map((m) => (m - T0) / 60_000))).toEqual([[0, 1], [2, 3], [4, 5], [6, 7], [8, 9]]);
    expect(r.outbox.committedKeys().length).toBe(10);
    // the raw readings went with those commits: none waits in memory past the last one but its 2 s
    expect((r.db.prepare('SELECT sum(n) AS n FROM raw_blocks').get() as { n: number }).n).toBeGreaterThan(10 * 60 * 2);
  });

  it('writes what others hold (alsoWriteIn) inside each commit, and lets them forget it only once committed', () => {
    const r = rig();
    const seen: Array<{ inTransaction: boolean; committed: boolean }> = [];
    r.closer.alsoWriteIn({
      writeLaterIn: () => {
        const s = { inTransaction: r.db.inTransaction, committed: false };
        seen.push(s);
        return () => { s.committed = true; };
      },
    });
    r.raw.add([ob(T0 + 1000, 'wind_speed', 4)]);
    r.clock.advance(62_000);
    r.closer.closeDue();
    expect(seen).toEqual([{ inTransaction: true, committed: true }]);
    // a commit that fails (here: the store is read-only) rolls back: what was held stays held
    r.raw.add([ob(T0 + 63_000, 'wind_speed', 4)]);
    r.clock.advance(60_000);
    r.db.pragma('query_only = 1');
    expect(() => r.closer.closeDue()).toThrow(/readonly/);
    expect(seen[1]).toEqual({ inTransaction: true, committed: false });
  });

  it('a restarted closer (same database) keeps the history: persistence still fires after the restart', () => {
    const a = rig();
    runFor(a, 40 * 60, () => 24.3, () => 0);
    const b = rig(a.db, a.clock); // same store, new closer: as after a gateway restart
    runFor(b, 30 * 60 + 5, () => 24.3, () => 0);
    const last = unpackRecord((a.db.prepare('SELECT record FROM minute_records ORDER BY ts DESC LIMIT 1').get() as { record: Buffer }).record);
    expect(last.values.air_temperature).toMatchObject({ f: 'suspect', r: ['persistence'] });
  });
});
