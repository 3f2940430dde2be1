// The model's inputs and targets, built from one station's own hourly history so that the
// model travels to a station it never saw: changes over the last hours, anomalies against
// the station's own recent window, and the station's own diurnal change (the mean change over
// the same hours of the last 7 days) — never an absolute level or another station's cycle.
// Pure functions of a series and an hour index; the order of FEATURES is the model's input
// order and is written into the manifest.
import { type HourlySeries } from './data.ts';

/** Hours of history one nowcast needs (the diurnal inputs look back 7 days). */
export const WINDOW_HOURS = 7 * 24;
export const HORIZONS = [1, 3, 6] as const;
export type Horizon = (typeof HORIZONS)[number];
/** The three forecast quantities (CF names), their series and their units. */
export const TARGETS = [
  { quantity: 'air_temperature', key: 'temperature', unit: 'degC' },
  { quantity: 'air_pressure_at_mean_sea_level', key: 'pressure', unit: 'hPa' },
  { quantity: 'wind_speed', key: 'windSpeed', unit: 'm s-1' },
] as const;
export type TargetQuantity = (typeof TARGETS)[number]['quantity'];
export const RAIN_HOURS = 3;

type Key = 'temperature' | 'pressure' | 'windSpeed' | 'dewPoint';

const at = (s: HourlySeries, k: Key, i: number) => (i >= 0 && i < s[k].length ? s[k][i]! : NaN);

function mean(s: HourlySeries, k: Key, from: number, to: number): number {
  let sum = 0;
  let n = 0;
  for (let i = Math.max(0, from); i <= to; i++) { const v = s[k][i]!; if (!Number.isNaN(v)) { sum += v; n++; } }
  return n >= (to - from + 1) / 2 ? sum / n : NaN; // at least half the window present
}

/** The station's own diurnal change: mean of x(t−24d+h) − x(t−24d) over d = 1..7 (needs ≥ 4 days). */
export function diurnalChange(s: HourlySeries, k: Key, i: number, h: number): number {
  let sum = 0;
  let n = 0;
  for (let d = 1; d <= 7; d++) {
    const v = at(s, k, i - 24 * d + h) - at(s, k, i - 24 * d);
    if (!Number.isNaN(v)) { sum += v; n++; }
  }
  return n >= 4 ? sum / n : NaN;
}

function wind(s: HourlySeries, i: number): [number, number] {
  const sp = s.windSpeed[i];
  if (sp === undefined || Number.isNaN(sp)) return [NaN, NaN];
  if (sp === 0) return [0, 0];
  const dir = s.windFrom[i]!;
  if (Number.isNaN(dir)) return [NaN, NaN];
  const r = (dir * Math.PI) / 180; // wind FROM dir: the air moves toward dir + 180°
  return [-sp * Math.sin(r), -sp * Math.cos(r)];
}

function rainSum(s: HourlySeries, from: number, to: number): number {
  let sum = 0;
  for (let i = from; i <= to; i++) { const v = s.precip[i]; if (v === undefined || Number.isNaN(v)) return NaN; sum += v; }
  return sum;
}

const d = (k: Key, lag: number) => (s: HourlySeries, i: number) => at(s, k, i) - at(s, k, i - lag);
const anomaly = (k: Key, hours: number) => (s: HourlySeries, i: number) => at(s, k, i) - mean(s, k, i - hours + 1, i);
const diurnal = (k: Key, h: number) => (s: HourlySeries, i: number) => diurnalChange(s, k, i, h);
const TAU = 2 * Math.PI;

/** Input features, in model order: name → value at hour index i (NaN when it cannot be built). */
/** `ifMissing`: the raw value a nowcast may use when this input is missing; the nowcast is then flagged. */
export const FEATURES: { name: string; unit: string; of: (s: HourlySeries, i: number) => number; ifMissing?: number }[] = [
  { name: 'air_temperature_change_1h', unit: 'K', of: d('temperature', 1) },
  { name: 'air_temperature_change_3h', unit: 'K', of: d('temperature', 3) },
  { name: 'air_temperature_change_6h', unit: 'K', of: d('temperature', 6) },
  { name: 'air_temperature_anomaly_24h', unit: 'K', of: anomaly('temperature', 24) },
  { name: 'dew_point_depression', unit: 'K', of: (s, i) => at(s, 'temperature', i) - at(s, 'dewPoint', i) },
  { name: 'dew_point_change_3h', unit: 'K', of: d('dewPoint', 3) },
  { name: 'pressure_change_1h', unit: 'hPa', of: d('pressure', 1) },
  { name: 'pressure_change_3h', unit: 'hPa', of: d('pressure', 3) },
  { name: 'pressure_change_6h', unit: 'hPa', of: d('pressure', 6) },
  { name: 'pressure_anomaly_24h', unit: 'hPa', of: anomaly('pressure', 24) },
  { name: 'wind_speed_change_1h', unit: 'm s-1', of: d('windSpeed', 1) },
  { name: 'wind_speed_change_3h', unit: 'm s-1', of: d('windSpeed', 3) },
  { name: 'wind_speed_anomaly_24h', unit: 'm s-1', of: anomaly('windSpeed', 24) },
  { name: 'wind_speed_anomaly_7d', unit: 'm s-1', of: anomaly('windSpeed', WINDOW_HOURS) },
  { name: 'eastward_wind', unit: 'm s-1', of: (s, i) => wind(s, i)[0] },
  { name: 'northward_wind', unit: 'm s-1', of: (s, i) => wind(s, i)[1] },
  { name: 'eastward_wind_change_3h', unit: 'm s-1', of: (s, i) => wind(s, i)[0] - wind(s, i - 3)[0] },
  { name: 'northward_wind_change_3h', unit: 'm s-1', of: (s, i) => wind(s, i)[1] - wind(s, i - 3)[1] },
  // log(1 + mm). Many stations report no precipitation at all in dry hours (NA, not 0): a
  // nowcast then reads "no rain" and is flagged, rather than being withheld for good.
  { name: 'precipitation_1h', unit: 'mm', of: (s, i) => Math.log1p(rainSum(s, i, i)), ifMissing: 0 },
  { name: 'precipitation_6h', unit: 'mm', of: (s, i) => Math.log1p(rainSum(s, i - 5, i)), ifMissing: 0 },
  ...HORIZONS.flatMap((h) => [
    { name: `air_temperature_diurnal_change_${h}h`, unit: 'K', of: diurnal('temperature', h) },
    { name: `pressure_diurnal_change_${h}h`, unit: 'hPa', of: diurnal('pressure', h) },
    { name: `wind_speed_diurnal_change_${h}h`, unit: 'm s-1', of: diurnal('windSpeed', h) },
  ]),
  { name: 'hour_of_day_sin', unit: '1', of: (s, i) => Math.sin((TAU * s.localHour[i]!) / 24) },
  { name: 'hour_of_day_cos', unit: '1', of: (s, i) => Math.cos((TAU * s.localHour[i]!) / 24) },
  { name: 'day_of_year_sin', unit: '1', of: (s, i) => Math.sin((TAU * dayOfYear(s.start + i * 3_600_000)) / 365.25) },
  { name: 'day_of_year_cos', unit: '1', of: (s, i) => Math.cos((TAU * dayOfYear(s.start + i * 3_600_000)) / 365.25) },
];
export const FEATURE_NAMES = FEATURES.map((f) => f.name);

function dayOfYear(ts: number): number {
  const t = new Date(ts);
  return (ts - Date.UTC(t.getUTCFullYear(), 0, 1)) / 86_400_000;
}

/** The input vector at hour i, or undefined when any input is missing (no NaN reaches a model). */
export function featuresAt(s: HourlySeries, i: number): Float64Array | undefined {
  const x = new Float64Array(FEATURES.length);
  for (let k = 0; k < FEATURES.length; k++) {
    const v = FEATURES[k]!.of(s, i);
    if (!Number.isFinite(v)) return undefined;
    x[k] = v;
  }
  return x;
}

/** Output order of the regression head: quantity-major, horizon-minor (T+1, T+3, T+6, p+1, …). */
export const REGRESSION_OUTPUTS = TARGETS.flatMap((t) => HORIZONS.map((h) => ({ quantity: t.quantity, key: t.key, unit: t.unit, horizon: h })));

/** Truth at hour i: the changes x(i+h) − x(i) per REGRESSION_OUTPUTS (NaN where missing), and rain in (i, i+3]. */
export function targetsAt(s: HourlySeries, i: number): { change: Float64Array; rain: number } {
  const change = Float64Array.from(REGRESSION_OUTPUTS, (o) => at(s, o.key, i + o.horizon) - at(s, o.key, i));
  const r = rainSum(s, i + 1, i + RAIN_HOURS);
  return { change, rain: Number.isNaN(r) ? NaN : r > 0 ? 1 : 0 };
}

/** The current value of a target quantity at hour i (the persistence forecast). */
export const currentValue = (s: HourlySeries, key: Key, i: number) => at(s, key, i);

/**
 * The local mean solar hour (0–24) at a longitude, for a gateway that builds `localHour`
 * itself: the sun, not the clock, sets the diurnal cycle and the pressure tide. (The training
 * CSV's `hour` is the civil local hour, within about an hour of this in New York.)
 */
export function localSolarHour(tsMs: number, longitudeDeg: number): number {
  const utcHours = (((tsMs / 3_600_000) % 24) + 24) % 24;
  return (((utcHours + longitudeDeg / 15) % 24) + 24) % 24;
}
