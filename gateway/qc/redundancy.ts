// Redundant sensors (issue #6): for a quantity measured by two sensors (a WXT530 and a
// WindSonic), a configured primary and backup. Each minute both values are cross-checked —
// disagreement beyond the tolerance makes both `suspect` (consistency: we cannot tell which
// is wrong) — and the station's value is the primary's while it is usable (not bad, not
// missing), else the backup's: failover, and back again when the primary recovers.
import { qc, type MinuteRecord, type MinuteValue, type Quantity } from '../../core/index.ts';
import { flagValue, usableValue } from './flags.ts';

export interface RedundancyRule {
  primary: string;
  backup: string;
  /** largest acceptable difference, in the quantity's unit (degrees for direction) */
  tolerance?: number;
}
export type RedundancyRules = Partial<Record<Quantity, RedundancyRule>>;

/** Default tolerances: a few times the CIMO achievable uncertainty (project). */
export const DEFAULT_TOLERANCE: Partial<Record<Quantity, number>> = {
  wind_speed: 2,
  wind_from_direction: 30,
  wind_speed_of_gust: 5,
  air_temperature: 1,
  dew_point_temperature: 1.5,
  relative_humidity: 10,
  air_pressure: 1,
  air_pressure_at_mean_sea_level: 1,
  precipitation_amount: 1,
};

/** The station's choice for one minute: each quantity's value and the sensor it came from. */
export interface StationMinute {
  ts: number;
  values: Partial<Record<Quantity, MinuteValue>>;
  source: Partial<Record<Quantity, string>>;
}

const angle = (a: number, b: number) => {
  const d = Math.abs(a - b) % 360;
  return d > 180 ? 360 - d : d;
};

/** Check the configured rules on one minute's records (all sensors); returns flagged copies and the choice. */
export function crossCheck(records: readonly MinuteRecord[], rules: RedundancyRules): { records: MinuteRecord[]; station: StationMinute | null } {
  const out = records.map((r) => ({ ...r, values: { ...r.values } }));
  const rec = (id: string) => out.find((r) => r.sensor === id);
  const entries = Object.entries(rules) as Array<[Quantity, RedundancyRule]>;
  if (!entries.length || !out.length) return { records: out, station: null };
  const station: StationMinute = { ts: out[0]!.ts, values: {}, source: {} };
  for (const [q, rule] of entries) {
    const p = rec(rule.primary);
    const b = rec(rule.backup);
    const pv = p?.values[q];
    const bv = b?.values[q];
    if (p && b && usableValue(pv) && usableValue(bv)) {
      const diff = q === 'wind_from_direction' ? angle(pv.v, bv.v) : Math.abs(pv.v - bv.v);
      const tol = rule.tolerance ?? DEFAULT_TOLERANCE[q] ?? Infinity;
      if (diff > tol) {
        p.values[q] = flagValue(pv, qc('suspect', 'consistency'));
        b.values[q] = flagValue(bv, qc('suspect', 'consistency'));
      }
    }
    const usePrimary = usableValue(p?.values[q]) || !usableValue(b?.values[q]);
    const chosen = usePrimary ? p : b;
    const v = chosen?.values[q];
    if (chosen && v) {
      station.values[q] = v;
      station.source[q] = chosen.sensor;
    }
  }
  return { records: out, station };
}
