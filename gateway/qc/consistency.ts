// Internal consistency between the values of one period (../shared/docs/qc.md §5).
// Each check names the values it flags; none edits or removes a value.
import { qc, type MinuteRecord } from '../../core/index.ts';
import { seaLevelPressure } from '../aggregate/meteo.ts';
import { CALM_MS } from '../aggregate/wind.ts';
import { flagValue, usableValue } from './flags.ts';

type Values = MinuteRecord['values'];

/** Separate T and Td sensors may disagree by this much before Td > T is suspect. */
const DEW_POINT_MARGIN = 0.5;
/** gust − mean at or above 75 kt is not believable (MesoWest). */
const MAX_GUST_EXCESS = 38.6;
/** a device's own SLP against our reduction of its station pressure */
const SLP_TOLERANCE = 0.3;
/** rain while the air is this dry is more likely spray or maintenance (project) */
const DRY_RH = 60;

const SUSPECT = qc('suspect', 'consistency');

export interface ConsistencyContext {
  elevationM: number;
  /** mean RH of the 10 minutes ending with this one, % (rain vs RH); null when unknown */
  rh10?: number | null;
  /** true when the dew point was derived here from T and RH (then Td ≤ T holds by construction) */
  derivedDewPoint?: boolean;
  /** true when the sea-level pressure was derived here (then it agrees by construction) */
  derivedSlp?: boolean;
}

export function checkConsistency(values: Values, ctx: ConsistencyContext): Values {
  const out: Values = { ...values };
  const { air_temperature: t, dew_point_temperature: td, wind_speed: u, wind_speed_of_gust: g, wind_from_direction: d } = out;

  // Dew point ≤ temperature. One probe derives Td from RH ≤ 100 %, so only a separate
  // dew-point sensor can fail it; then both are suspect (we cannot tell which is wrong).
  if (!ctx.derivedDewPoint && usableValue(t) && usableValue(td) && td.v > t.v + DEW_POINT_MARGIN) {
    out.air_temperature = flagValue(t, SUSPECT);
    out.dew_point_temperature = flagValue(td, SUSPECT);
  }

  // Gust ≥ mean speed over the same period; and not absurdly above it.
  if (usableValue(u) && usableValue(g)) {
    if (g.v + 1e-9 < u.v) {
      out.wind_speed = flagValue(u, SUSPECT);
      out.wind_speed_of_gust = flagValue(g, SUSPECT);
    } else if (g.v - u.v >= MAX_GUST_EXCESS) {
      out.wind_speed_of_gust = flagValue(g, SUSPECT);
    }
  }

  // Calm ⇒ no direction; wind ⇒ a direction.
  if (usableValue(u) && d) {
    if (u.v < CALM_MS && d.v !== null) out.wind_from_direction = flagValue(d, SUSPECT);
    else if (u.v >= CALM_MS && d.v === null && d.f !== 'missing' && d.n === 0) {
      out.wind_from_direction = { v: null, f: 'missing', r: [...new Set([...(d.r ?? []), 'consistency' as const])], n: 0 };
    }
  }

  // Sea-level pressure against the reduction of station pressure.
  const p = out.air_pressure;
  const slp = out.air_pressure_at_mean_sea_level;
  const rh = out.relative_humidity;
  if (!ctx.derivedSlp && usableValue(p) && usableValue(slp) && usableValue(t)) {
    const expected = seaLevelPressure(p.v, t.v, usableValue(rh) ? Math.min(rh.v, 100) : 0, ctx.elevationM);
    if (Math.abs(slp.v - expected) > SLP_TOLERANCE) out.air_pressure_at_mean_sea_level = flagValue(slp, SUSPECT);
  }

  // Rain while the air is dry.
  const rain = out.precipitation_amount;
  if (usableValue(rain) && rain.v > 0 && ctx.rh10 != null && ctx.rh10 < DRY_RH) out.precipitation_amount = flagValue(rain, SUSPECT);
  return out;
}
