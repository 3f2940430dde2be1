// QC of a one-minute record against its own past (../shared/docs/qc.md §2–§6): gross range
// of the aggregated and derived values, step against the previous minute, persistence over
// 60 minutes, internal consistency, and availability against the sensor's usual sample count.
// Pure: the record and the sensor's earlier records in, the flagged record out. The history
// comes from the store, so a restarted gateway checks exactly as a running one.
import { type MinuteRecord, type MinuteValue, type Quantity } from '../../core/index.ts';
import { checkConsistency } from './consistency.ts';
import { flagValue, usableValue } from './flags.ts';
import { PERSISTENCE_LIMITS, PERSISTENCE_WINDOW, persistenceVerdict, type PersistenceLimits } from './persistence.ts';
import { rangeVerdict, type ClimateLimits } from './range.ts';
import { STEP_LIMITS, STEP_MAX_GAP_MS, stepVerdict, type StepLimits } from './step.ts';

const MINUTE_MS = 60_000;

export interface QcSettings {
  climate: ClimateLimits;
  step: StepLimits;
  persistence: PersistenceLimits;
  elevationM: number;
}

export function qcSettings(o: { climate?: ClimateLimits; step?: StepLimits; persistence?: PersistenceLimits; elevationM: number }): QcSettings {
  return {
    climate: o.climate ?? {},
    step: { ...STEP_LIMITS, ...o.step },
    persistence: { ...PERSISTENCE_LIMITS, ...o.persistence },
    elevationM: o.elevationM,
  };
}

/** Quantities averaged over the minute: under 2/3 of the usual samples they are `missing`. */
const MEANS: ReadonlySet<Quantity> = new Set(['wind_speed', 'wind_from_direction', 'air_temperature', 'relative_humidity', 'air_pressure']);
/** [Z] (recalled): a 1-min value needs ≥ 66 % of its samples. */
export const MINUTE_AVAILABILITY = 2 / 3;

export interface MinuteQcContext {
  /** values this gateway derived (dew point, sea-level pressure): consistent by construction */
  derived?: ReadonlySet<Quantity>;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/**
 * @param history the same sensor's earlier records, oldest first (the last 60 minutes suffice)
 */
export function qcMinute(record: MinuteRecord, history: readonly MinuteRecord[], s: QcSettings, ctx: MinuteQcContext = {}): MinuteRecord {
  const t = record.ts;
  const recent = history.filter((h) => h.ts < t && h.ts > t - PERSISTENCE_WINDOW * MINUTE_MS);
  const values: MinuteRecord['values'] = {};
  const usableSeries = (q: Quantity, fromTs: number) =>
    recent.filter((h) => h.ts >= fromTs).map((h) => h.values[q]).filter(usableValue).map((x) => x.v);

  const rhNow = record.values.relative_humidity;
  const speedNow = record.values.wind_speed;
  const last10 = (q: Quantity, now: MinuteValue | undefined) => {
    const xs = [...usableSeries(q, t - 9 * MINUTE_MS), ...(usableValue(now) ? [now.v] : [])];
    return xs.length ? mean(xs) : null;
  };
  const windMean10 = last10('wind_speed', speedNow);

  for (const [q, x0] of Object.entries(record.values) as Array<[Quantity, MinuteValue]>) {
    let x = x0;
    if (x.v === null) {
      values[q] = x; // missing, or calm direction: nothing to test
      continue;
    }
    // Availability against the usual count of this sensor (a one-sample minute of a 10-s PTU).
    const usualN = recent.map((h) => h.values[q]?.n ?? 0).filter((n) => n > 0);
    if (MEANS.has(q) && usualN.length >= 5 && x.n < MINUTE_AVAILABILITY * median(usualN)) {
      x = { ...x, f: 'missing', r: [...new Set([...(x.r ?? []), 'incomplete' as const])] };
    }
    x = flagValue(x, rangeVerdict(q, x.v, s.climate));
    const prev = [...recent].reverse().find((h) => h.ts >= t - STEP_MAX_GAP_MS && usableValue(h.values[q]))?.values[q]?.v ?? null;
    x = flagValue(x, stepVerdict(q, x.v as number, prev, s.step));
    if (usableValue(x)) {
      const window = [...usableSeries(q, t - (PERSISTENCE_WINDOW - 1) * MINUTE_MS), x.v];
      x = flagValue(x, persistenceVerdict(q, window, { rh: usableValue(rhNow) ? rhNow.v : null, windMean10 }, s.persistence));
    }
    values[q] = x;
  }
  const derived = ctx.derived ?? new Set();
  const checked = checkConsistency(values, {
    elevationM: s.elevationM,
    rh10: last10('relative_humidity', rhNow),
    derivedDewPoint: derived.has('dew_point_temperature'),
    derivedSlp: derived.has('air_pressure_at_mean_sea_level'),
  });
  return { ts: record.ts, sensor: record.sensor, values: checked };
}
