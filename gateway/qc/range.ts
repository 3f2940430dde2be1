// QC first cut: gross range checks (../shared/docs/qc.md §2). A value outside the WMO
// general limit is `bad`; outside the station's climatological band it is `suspect`.
// QC only sets flags: the value is never removed or changed (unlike WeeWX StdQC).
import { mergeQc, qc, type Observation, type Qc, type Quantity } from '../../core/index.ts';

type Range = readonly [number, number];

/** WMO general limits: outside is impossible (`bad`). */
export const GROSS_LIMITS: Partial<Record<Quantity, Range>> = {
  air_temperature: [-80, 60],
  dew_point_temperature: [-80, 35],
  // 100–103 % is a known overshoot of wet probes (suspect, below); above 103 is bad.
  relative_humidity: [0, 103],
  air_pressure: [500, 1100],
  air_pressure_at_mean_sea_level: [870, 1085],
  wind_speed: [0, 75],
  wind_speed_of_gust: [0, 113.2],
  wind_from_direction: [0, 360],
  precipitation_amount: [0, 40],
  rainfall_rate: [0, 2400],
  precipitation_amount_since_reset: [0, 100_000],
  // Sea water freezes near −1.9 °C; no ocean surface reaches 40 °C (project limits).
  sea_water_temperature: [-2.5, 40],
  // Camera sky features (gateway/camera/sky-features.ts): outside these they are impossible.
  cloud_area_fraction: [0, 100],
  sky_brightness: [0, 1],
  image_contrast: [0, 1],
  visibility_proxy: [0, 10],
  lens_wet: [0, 1],
  lens_obstructed: [0, 1],
};

/** Suspect bands that hold at any station, before per-station climate limits. */
const ALWAYS_SUSPECT_OUTSIDE: Partial<Record<Quantity, Range>> = {
  relative_humidity: [0, 100],
};

export type ClimateLimits = Partial<Record<Quantity, readonly [number, number]>>;

const outside = (v: number, r: Range | undefined) => r !== undefined && (v < r[0] || v > r[1]);

/** The range test's verdict for one value (without the flag it already carries). */
export function rangeVerdict(quantity: Quantity, value: number | null, climate: ClimateLimits): Qc {
  if (value === null || !Number.isFinite(value)) return qc('missing');
  if (outside(value, GROSS_LIMITS[quantity])) return qc('bad', 'range');
  if (outside(value, ALWAYS_SUSPECT_OUTSIDE[quantity]) || outside(value, climate[quantity])) return qc('suspect', 'range');
  // A quantity with no limits at all (device health) has had no applicable test.
  if (!GROSS_LIMITS[quantity] && !climate[quantity]) return qc('not_checked');
  return qc('good');
}

/** Apply the range test; a flag the driver set (missing, sensor_status) is kept. */
export function checkRange(obs: Observation, climate: ClimateLimits): Observation {
  const verdict = rangeVerdict(obs.quantity, obs.value, climate);
  const carried = obs.qc.flag === 'not_checked' ? verdict : mergeQc(obs.qc, verdict);
  return { ...obs, qc: carried };
}
