// The store side of the nowcast: the station's hourly aggregates merged into one set of values
// per hour (the model's inputs), and the nowcasts made from them (table `nowcasts`, migration 4).
import type { MinuteValue, Quantity } from '../../core/index.ts';
import type { HourValues } from '../../edge-model/from-hourly.ts';
import type { PeriodAggregate } from '../aggregate/period.ts';
import type { Db } from './db.ts';
import { unpackJson } from './record-codec.ts';

const HOUR_MS = 3_600_000;
/** As seriesFromHours reads them: suspect values are gaps for the model. */
const usable = (x: { v: number | null; f: string }) => x.v !== null && (x.f === 'good' || x.f === 'not_checked');

/** What the model reads from an hour (the other statistics of an aggregate are not inputs). */
export const NOWCAST_INPUTS: readonly Quantity[] = [
  'air_temperature', 'dew_point_temperature', 'air_pressure', 'air_pressure_at_mean_sea_level',
  'wind_speed', 'wind_from_direction', 'precipitation_amount',
];

export interface StoredNowcast { ts: number; model: string; made: number; payload: string; sent: number | null }

export class NowcastStore {
  constructor(private readonly db: Db) {}

  /**
   * Hourly aggregates with from ≤ start < to, one entry per hour. A station with several
   * sensors gives each quantity from the first sensor (by id) whose value is usable; when
   * none is, the first value seen is kept with its flag (seriesFromHours reads it as a gap).
   * The station's redundancy choice is made per minute, not per hour, so it is not used here.
   */
  hours(from: number, to: number): HourValues[] {
    const rows = this.db.prepare("SELECT ts, record FROM aggregates WHERE period = '1h' AND sensor <> 'station' AND ts >= ? AND ts < ? ORDER BY ts, sensor")
      .all(from, to) as Array<{ ts: number; record: Buffer | string }>;
    const byHour = new Map<number, HourValues>();
    for (const r of rows) {
      const agg = unpackJson<PeriodAggregate>(r.record);
      let h = byHour.get(r.ts);
      if (!h) byHour.set(r.ts, (h = { ts: r.ts, values: {} }));
      for (const q of NOWCAST_INPUTS) {
        const v = agg.values[q] as MinuteValue | undefined;
        if (!v) continue;
        const had = h.values[q];
        if (!had || (!usable(had) && usable(v))) h.values[q] = { v: v.v, f: v.f };
      }
    }
    return [...byHour.values()];
  }

  /** Start of the newest stored hourly aggregate, or null. */
  newestHour(): number | null {
    const r = this.db.prepare("SELECT MAX(ts) AS ts FROM aggregates WHERE period = '1h'").get() as { ts: number | null };
    return r.ts;
  }

  /** Stores a nowcast once per (ts, model); false when it was already there. */
  save(n: Omit<StoredNowcast, 'sent'>): boolean {
    return this.db.prepare('INSERT OR IGNORE INTO nowcasts (ts, model, made, payload) VALUES (?, ?, ?, ?)').run(n.ts, n.model, n.made, n.payload).changes > 0;
  }

  /** Drops sent nowcasts older than `before` (a nowcast is worth little once its +6 h has passed). Returns rows dropped. */
  prune(before: number): number {
    return this.db.prepare('DELETE FROM nowcasts WHERE ts < ? AND sent IS NOT NULL').run(before).changes;
  }

  has(ts: number, model: string): boolean {
    return this.db.prepare('SELECT 1 FROM nowcasts WHERE ts = ? AND model = ?').get(ts, model) !== undefined;
  }

  /** Not yet sent, newest first (the freshest nowcast is the useful one after an outage). */
  unsent(limit: number): StoredNowcast[] {
    return this.db.prepare('SELECT ts, model, made, payload, sent FROM nowcasts WHERE sent IS NULL ORDER BY ts DESC LIMIT ?').all(limit) as StoredNowcast[];
  }

  markSent(ts: number, model: string, at: number): void {
    this.db.prepare('UPDATE nowcasts SET sent = ? WHERE ts = ? AND model = ?').run(at, ts, model);
  }

  all(): StoredNowcast[] {
    return this.db.prepare('SELECT ts, model, made, payload, sent FROM nowcasts ORDER BY ts, model').all() as StoredNowcast[];
  }
}

export { HOUR_MS };
