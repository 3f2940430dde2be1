// Persistence, the minimum variability of a stuck sensor (../shared/docs/qc.md §4, [Z]):
// when max − min of the last 60 one-minute values is below the limit, the current value is
// `suspect`. The test applies only when each of those 60 minutes holds a usable value
// ([Z]: "≥ 60 values"); before that the value stays as it was (`not_checked` for this test).
import { qc, type Qc, type Quantity } from '../../core/index.ts';

export type PersistenceLimits = Partial<Record<Quantity, number>>;

export const PERSISTENCE_LIMITS: PersistenceLimits = {
  air_temperature: 0.1,
  dew_point_temperature: 0.1,
  relative_humidity: 1,
  air_pressure: 0.1,
  wind_from_direction: 10,
  wind_speed: 0.5,
};

export const PERSISTENCE_WINDOW = 60;

/** Largest angular distance between any two directions, degrees (north-safe). */
function angularSpread(dirs: readonly number[]): number {
  let worst = 0;
  for (let i = 0; i < dirs.length; i++) {
    for (let j = i + 1; j < dirs.length; j++) {
      const d = Math.abs(dirs[i]! - dirs[j]!) % 360;
      worst = Math.max(worst, d > 180 ? 360 - d : d);
    }
  }
  return worst;
}

export interface PersistenceContext {
  /** current RH, %: the RH test applies only while RH < 95 (a saturated probe reads flat) */
  rh?: number | null;
  /** mean speed over the last 10 minutes, m/s: wind tests apply only above 0.1 m/s */
  windMean10?: number | null;
}

/**
 * The verdict for the current value, given the usable values of the last 60 minutes
 * (current included, oldest first), or null when the test does not apply.
 */
export function persistenceVerdict(quantity: Quantity, window: readonly number[], ctx: PersistenceContext, limits: PersistenceLimits = PERSISTENCE_LIMITS): Qc | null {
  const limit = limits[quantity];
  if (limit === undefined || window.length < PERSISTENCE_WINDOW) return null;
  if (quantity === 'relative_humidity' && !(ctx.rh != null && ctx.rh < 95)) return null;
  if ((quantity === 'wind_speed' || quantity === 'wind_from_direction') && !(ctx.windMean10 != null && ctx.windMean10 > 0.1)) return null;
  const spread = quantity === 'wind_from_direction' ? angularSpread(window) : Math.max(...window) - Math.min(...window);
  return spread < limit ? qc('suspect', 'persistence') : qc('good');
}
