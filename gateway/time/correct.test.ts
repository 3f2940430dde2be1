// Readings stored while the time was unknown: held out of every minute, put right exactly at
// sync (a restart within the boot included), another boot's left uncertain.
import { describe, expect, it } from 'vitest';
import { ManualClock, type Clock, type Observation } from '../../core/index.ts';
import { createLogger } from '../log.ts';
import { MinuteCloser } from '../pipeline/minutes.ts';
import { openDatabase, Outbox, RawWriter } from '../store/index.ts';
import { correctUncertain, countUncertain, markTime } from './correct.ts';
import { TimeSync, type SyncEvent } from './sync.ts';

const log = createLogger({ level: 'silent' });
const TRUE_START = Date.UTC(2026, 11, 3, 6, 0, 30);
const WRONG = Date.UTC(1970, 0, 1) - TRUE_START; // the board reads 1970

function reading(ts: number, v: number): Observation {
  return { ts, sensor: 's', quantity: 'air_temperature', value: v, qc: { flag: 'good', reasons: [] } };
}

describe('time-uncertain readings', () => {
  it('held out of minutes until sync; a restart in the same boot is corrected too; another boot stays uncertain', () => {
    const truth = new ManualClock(TRUE_START);
    const board: Clock = { speed: 1, now: () => truth.now() + WRONG, after: (ms, fn) => truth.after(ms, fn), every: (ms, fn) => truth.every(ms, fn), sleep: (ms) => truth.sleep(ms) };
    const monotonic = () => truth.now() - TRUE_START + 5_000_000; // since boot
    const db = openDatabase(':memory:');
    const outbox = new Outbox(db, 'X');
    // A reading of a previous boot that never got its time.
    new RawWriter(db, truth).add([{ ...reading(Date.UTC(1970, 0, 1, 0, 3), 99), qc: { flag: 'suspect', reasons: ['time_uncertain'] }, uncertain: { mono: 1000, boot: 'old-boot', qcFlag: 'good' } }]);

    // First process of this boot: 2 minutes of readings, one every 10 s, then it dies.
    const run = () => {
      const time = new TimeSync({ base: board, systemBacked: false, required: true, monotonic, bootId: 'this-boot', log });
      const raw = new RawWriter(db, time.clock);
      const closer = new MinuteCloser({ db, raw, outbox, clock: time.clock, elevationM: 3, sensors: new Map([['s', ['air_temperature']]]), hold: () => !time.synchronised });
      return { time, raw, closer };
    };
    const a = run();
    for (let i = 0; i < 12; i++) {
      a.raw.add(markTime([reading(a.time.clock.now(), 20 + i / 10)], a.time));
      truth.advance(10_000);
    }
    expect(a.closer.closeDue()).toEqual([]);
    // Second process, same boot, still no time.
    const b = run();
    for (let i = 0; i < 12; i++) {
      b.raw.add(markTime([reading(b.time.clock.now(), 21 + i / 10)], b.time));
      truth.advance(10_000);
    }
    expect(b.closer.closeDue()).toEqual([]);
    b.raw.flush();
    expect(countUncertain(db)).toBe(25);
    expect(db.prepare("SELECT count(*) AS n FROM raw_obs WHERE flag = 'good'").get()).toEqual({ n: 0 });

    // GNSS says the time.
    let sync: SyncEvent | null = null;
    b.time.on('synchronised', (e: SyncEvent) => { sync = e; });
    expect(b.time.offer('gnss', truth.now())).toBe(true);
    const c = correctUncertain(db, 'this-boot', sync!);
    b.closer.timeStepped(sync!.stepMs);
    expect(c).toEqual({ rows: 24, from: TRUE_START, to: TRUE_START + 230_000 });
    expect(countUncertain(db)).toBe(1); // the other boot's
    const rows = db.prepare("SELECT ts, flag, reasons FROM raw_obs WHERE boot = 'this-boot' ORDER BY ts").all() as Array<{ ts: number; flag: string; reasons: string }>;
    expect(rows.map((r) => r.ts - TRUE_START)).toEqual(Array.from({ length: 24 }, (_, i) => i * 10_000));
    expect(new Set(rows.map((r) => `${r.flag}/${r.reasons}`))).toEqual(new Set(['good/time_corrected']));

    truth.advance(5_000);
    const minutes = b.closer.closeDue();
    // Minutes at true times (06:00 partial, 06:01, 06:02, 06:03), none in 1970; the other boot's reading in none.
    expect(minutes.map((m) => new Date(m.ts).toISOString())).toEqual(['2026-12-03T06:00:00.000Z', '2026-12-03T06:01:00.000Z', '2026-12-03T06:02:00.000Z', '2026-12-03T06:03:00.000Z']);
    expect(minutes[1]!.values.air_temperature).toMatchObject({ n: 6, r: ['time_corrected'] });
    expect(minutes.every((m) => m.values.air_temperature!.v !== 99)).toBe(true);
  });
});
