// Step test on raw samples (../shared/docs/qc.md §3, "raw samples" column, marked unsure in the
// design: hence `suspect` only): each reading against the previous usable reading of the same
// sensor and quantity, at most 2 minutes older. Kept in memory: after a restart the first
// reading of each quantity is not step-tested (the one-minute step test, from the store, is).
import { mergeQc, qc, type Observation, type Quantity } from '../../core/index.ts';

export const RAW_STEP_LIMITS: Partial<Record<Quantity, number>> = {
  air_temperature: 2,
  dew_point_temperature: 2,
  relative_humidity: 5,
  air_pressure: 0.3,
  wind_speed: 20,
};
const MAX_GAP_MS = 2 * 60_000;

export class RawStepCheck {
  private readonly last = new Map<string, { ts: number; v: number }>();

  constructor(private readonly limits: Partial<Record<Quantity, number>> = RAW_STEP_LIMITS) {}

  /** The observation with a `suspect`+`step` flag added when it jumps; never edits the value. */
  check(o: Observation): Observation {
    const limit = this.limits[o.quantity];
    if (limit === undefined || o.value === null || o.qc.flag === 'bad' || o.qc.flag === 'missing') return o;
    const key = `${o.sensor}\u0000${o.quantity}`;
    const prev = this.last.get(key);
    this.last.set(key, { ts: o.ts, v: o.value });
    if (!prev || o.ts - prev.ts > MAX_GAP_MS || o.ts < prev.ts) return o;
    return Math.abs(o.value - prev.v) > limit ? { ...o, qc: mergeQc(o.qc, qc('suspect', 'step')) } : o;
  }
}
