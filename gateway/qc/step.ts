// Time consistency (step) of one-minute values (../shared/docs/qc.md §3, [Z] 1-min limits):
// the current value against the previous valid one. [305] flags both values; we flag only the
// current one, because the previous minute is already committed and sent (project).
import { qc, type Qc, type Quantity } from '../../core/index.ts';

export interface StepLimit {
  /** a change larger than this is `suspect` */
  suspect: number;
  /** a change larger than this is `bad` (not every quantity has one) */
  bad?: number;
}
export type StepLimits = Partial<Record<Quantity, StepLimit>>;

export const STEP_LIMITS: StepLimits = {
  air_temperature: { suspect: 3 },
  dew_point_temperature: { suspect: 2, bad: 4 },
  relative_humidity: { suspect: 10, bad: 15 },
  air_pressure: { suspect: 0.5, bad: 2 },
  air_pressure_at_mean_sea_level: { suspect: 0.5, bad: 2 },
  wind_speed: { suspect: 10, bad: 20 },
};

/** The previous valid value is compared only when it is at most this old (project). */
export const STEP_MAX_GAP_MS = 5 * 60_000;

/** The step verdict, or null when the test does not apply (no limit, no recent previous value). */
export function stepVerdict(quantity: Quantity, current: number, previous: number | null, limits: StepLimits = STEP_LIMITS): Qc | null {
  const lim = limits[quantity];
  if (!lim || previous === null) return null;
  const d = Math.abs(current - previous);
  if (lim.bad !== undefined && d > lim.bad) return qc('bad', 'step');
  if (d > lim.suspect) return qc('suspect', 'step');
  return qc('good');
}

/**
 * [305] hourly limits (changes over 1 h): used on hourly aggregates against the previous hour,
 * `suspect` only, and by the real-data sanity run (flag-rates.ts) with its 2…12-h columns.
 */
export const HOURLY_STEP_LIMITS: Partial<Record<Quantity, number>> = {
  air_temperature: 4,
  dew_point_temperature: 4,
  air_pressure: 3,
  air_pressure_at_mean_sea_level: 3,
};
