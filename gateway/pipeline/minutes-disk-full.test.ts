// A full disk inside the minute closer's timer: a real SQLite SQLITE_FULL (the database's
// max_page_count set to the pages it has), not a mock. The closer must not throw out of its
// timer (that would crash the gateway), must call onDiskFull, commit nothing half-done, and
// close the same minutes at the next tick once there is room.
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock, type Quantity } from '../../core/index.ts';
import { openDatabase, Outbox, RawWriter, type Db, type OutboxRow } from '../store/index.ts';
import { MinuteCloser } from './minutes.ts';

const T0 = Date.UTC(2026, 6, 1, 0, 0);
const dbs: Db[] = [];
afterEach(() => dbs.splice(0).forEach((d) => d.close()));

function rig(onDiskFull?: (err: Error) => void) {
  const db = openDatabase(':memory:');
  dbs.push(db);
  const clock = new ManualClock(T0);
  const raw = new RawWriter(db, clock);
  const outbox = new Outbox(db, 'st');
  // every quantity a WXT gives: the silent ones come out `missing`, and 30 such records need new pages
  const sensors = new Map<string, readonly Quantity[]>([['wxt', ['air_temperature', 'relative_humidity', 'air_pressure', 'wind_speed', 'wind_from_direction', 'wind_speed_of_gust', 'precipitation_amount', 'dew_point_temperature', 'heater_temperature', 'supply_voltage']]]);
  const closer = new MinuteCloser({ db, raw, outbox, clock, elevationM: 3, sensors, onDiskFull });
  // 30 minutes of readings stored but not yet closed (a gateway catching up)
  for (let s = 0; s < 30 * 60; s += 10) {
    raw.add([{ ts: T0 + s * 1000, sensor: 'wxt', quantity: 'air_temperature', value: 20 + (s % 70) / 10, qc: { flag: 'good', reasons: [] } }]);
    clock.advance(10_000);
  }
  raw.flush();
  // The disk is full: not one more page. Closing 30 minutes needs many.
  const pages = Number(db.pragma('page_count', { simple: true }));
  db.pragma(`max_page_count = ${pages}`);
  return { db, clock, outbox, closer, roomAgain: () => db.pragma(`max_page_count = ${pages + 100_000}`) };
}

describe('minute closer on a full disk', () => {
  it('does not crash: calls onDiskFull, commits nothing, and closes the same minutes at the next tick', () => {
    const calls: Error[] = [];
    const r = rig((err) => { calls.push(err); r.roomAgain(); });
    expect(() => r.closer.start()).not.toThrow();
    expect(calls).toHaveLength(1);
    expect(calls[0]!.message).toMatch(/full/);
    expect(r.closer.diskFullEvents).toBe(1);
    // the transaction rolled back whole: no record, no batch, the closer's position unmoved
    expect(r.outbox.committedKeys()).toEqual([]);
    expect(r.outbox.counts().outboxBatches).toBe(0);
    expect(r.outbox.lastAggregatedMinute('wxt')).toBeNull();

    r.clock.advance(65_000); // past the next tick (at 31:02)
    r.closer.stop();
    const minutes = r.outbox.committedKeys().map((k) => k.ts);
    expect(minutes).toEqual(Array.from({ length: 31 }, (_, i) => T0 + i * 60_000));
    // and the 10-min aggregates of those minutes went into the same batch
    const batch = JSON.parse(r.outbox.payloadOf(r.db.prepare('SELECT seq, created, payload FROM outbox').get() as OutboxRow));
    expect(batch.records.filter((x: { period?: string }) => x.period === '10min').map((x: { ts: number }) => x.ts)).toEqual([T0, T0 + 600_000, T0 + 1_200_000]);
  });

  it('keeps failing safely while the disk stays full, one event a tick', () => {
    const calls: Error[] = [];
    const r = rig((err) => calls.push(err));
    r.closer.start();
    r.clock.advance(3 * 60_000); // ticks at 31:02 and 32:02
    r.closer.stop();
    expect(calls).toHaveLength(3);
    expect(r.outbox.committedKeys()).toEqual([]);
  });

  it('without a disk-full handler the error is not swallowed', () => {
    const r = rig();
    expect(() => r.closer.start()).toThrow(/full/);
  });
});
