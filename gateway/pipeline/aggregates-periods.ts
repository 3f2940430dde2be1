// The store side of 10-minute and hourly aggregation: reads what a period needs (its minute
// records, the raw wind samples, the pressure 1.5 h and 3 h ago) and keeps the result in the
// `aggregates` table. Aggregates are built from the store, like minutes, so a restarted
// gateway builds them from what the killed one stored.
import { qc, type MinuteRecord, type MinuteValue, type Observation } from '../../core/index.ts';
import { aggregatePeriod, PERIODS, type PeriodAggregate, type PeriodName } from '../aggregate/period.ts';
import { flagValue, usableValue } from '../qc/flags.ts';
import { HOURLY_STEP_LIMITS } from '../qc/step.ts';
import type { StationMinute } from '../qc/redundancy.ts';
import type { Db } from '../store/db.ts';
import { readRaw } from '../store/raw.ts';
import { packJson, unpackJson, unpackRecord } from '../store/record-codec.ts';

const MINUTE_MS = 60_000;
/** p(t) is the last usable 1-min pressure at most this long before t (project). */
const PRESSURE_LOOKBACK_MS = 10 * MINUTE_MS;

export type AggregatePeriod = PeriodName | '1min';

export class AggregateStore {
  constructor(private readonly db: Db) {}

  /** The sensor's minute records with from ≤ ts < to, oldest first. */
  minutes(sensor: string, from: number, to: number): MinuteRecord[] {
    const rows = this.db.prepare('SELECT record FROM minute_records WHERE sensor = ? AND ts >= ? AND ts < ? ORDER BY ts').all(sensor, from, to) as Array<{ record: Buffer | string }>;
    return rows.map((r) => unpackRecord(r.record));
  }

  /** Latest usable station pressure of a minute that ended at or before t, within the lookback. */
  pressureAt(sensor: string, t: number): MinuteValue | null {
    const recent = this.minutes(sensor, t - PRESSURE_LOOKBACK_MS, t).reverse();
    return recent.map((m) => m.values.air_pressure).find(usableValue) ?? recent.find((m) => m.values.air_pressure)?.values.air_pressure ?? null;
  }

  wind(sensor: string, from: number, to: number): Observation[] {
    return readRaw(this.db, sensor, from, to).filter((o) => o.quantity === 'wind_speed' || o.quantity === 'wind_from_direction');
  }

  save(period: AggregatePeriod, sensor: string, ts: number, record: PeriodAggregate | StationMinute): void {
    this.db.prepare('INSERT OR REPLACE INTO aggregates (period, sensor, ts, record) VALUES (?, ?, ?, ?)').run(period, sensor, ts, packJson(record));
  }

  read(period: AggregatePeriod, sensor?: string): Array<PeriodAggregate | StationMinute> {
    const rows = (sensor === undefined
      ? this.db.prepare('SELECT record FROM aggregates WHERE period = ? ORDER BY ts, sensor').all(period)
      : this.db.prepare('SELECT record FROM aggregates WHERE period = ? AND sensor = ? ORDER BY ts').all(period, sensor)) as Array<{ record: Buffer | string }>;
    return rows.map((r) => unpackJson<PeriodAggregate>(r.record));
  }

  /** [305] hourly step: each hourly mean against the previous hour's, `suspect` only. */
  private hourlyStep(agg: PeriodAggregate): void {
    const row = this.db.prepare("SELECT record FROM aggregates WHERE period = '1h' AND sensor = ? AND ts = ?").get(agg.sensor, agg.ts - 3_600_000) as { record: Buffer | string } | undefined;
    if (!row) return;
    const prev = unpackJson<PeriodAggregate>(row.record);
    for (const [q, limit] of Object.entries(HOURLY_STEP_LIMITS) as Array<[keyof PeriodAggregate['values'], number]>) {
      const a = agg.values[q];
      const b = prev.values[q];
      if (usableValue(a) && usableValue(b) && Math.abs(a.v - b.v) > limit) agg.values[q] = flagValue(a, qc('suspect', 'step'));
    }
  }

  /**
   * Build and store every period of the sensor that ends with the minute starting at
   * `minute` (10-min at :x0, hourly at :00 UTC). Returns what it stored.
   */
  closePeriodsEndingWith(sensor: string, minute: number, elevationM: number): PeriodAggregate[] {
    const end = minute + MINUTE_MS;
    const out: PeriodAggregate[] = [];
    for (const [name, ms] of Object.entries(PERIODS) as Array<[PeriodName, number]>) {
      if (end % ms !== 0) continue;
      const start = end - ms;
      const minutes = this.minutes(sensor, start, end);
      if (!minutes.length) continue;
      const agg = aggregatePeriod({
        period: name, start, sensor, minutes, elevationM,
        wind: this.wind(sensor, start, end),
        pressure: name === '1h' ? { p0: this.pressureAt(sensor, end), p15: this.pressureAt(sensor, end - 90 * MINUTE_MS), p3: this.pressureAt(sensor, end - 180 * MINUTE_MS) } : undefined,
      });
      if (name === '1h') this.hourlyStep(agg);
      this.save(name, sensor, start, agg);
      out.push(agg);
    }
    return out;
  }
}
