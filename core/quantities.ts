// Quantities by their CF standard names, each fixed to one WMO unit. Drivers convert into
// these units; nothing downstream converts again.

export const QUANTITIES = {
  wind_speed: { unit: 'm s-1', label: 'Wind speed' },
  wind_from_direction: { unit: 'degree', label: 'Wind direction (from, true north)' },
  wind_speed_of_gust: { unit: 'm s-1', label: 'Gust' },
  air_temperature: { unit: 'degC', label: 'Air temperature' },
  dew_point_temperature: { unit: 'degC', label: 'Dew point' },
  relative_humidity: { unit: '%', label: 'Relative humidity' },
  air_pressure: { unit: 'hPa', label: 'Station pressure' },
  air_pressure_at_mean_sea_level: { unit: 'hPa', label: 'Sea-level pressure' },
  precipitation_amount: { unit: 'mm', label: 'Precipitation' },
  rainfall_rate: { unit: 'mm h-1', label: 'Rain intensity' },
  // Harbour and buoy sensors on NMEA (MTW, MDA): the sea beside the station.
  sea_water_temperature: { unit: 'degC', label: 'Sea water temperature' },
  // Not CF: a device's running rain counter (WXT `Rc`, RG-15 `TotalAcc`). The aggregator
  // turns it into precipitation_amount by difference against the last stored counter, so a
  // gateway restart neither loses nor double-counts rain.
  precipitation_amount_since_reset: { unit: 'mm', label: 'Rain counter' },
  // Device health, not weather (WXT supervisor message `aR5`).
  heater_temperature: { unit: 'degC', label: 'Heater temperature' },
  heating_voltage: { unit: 'V', label: 'Heating voltage' },
  supply_voltage: { unit: 'V', label: 'Supply voltage' },
  // Sky features of a station camera's frame (gateway/camera/sky-features.ts, docs/cameras.md).
  // cloud_area_fraction is the CF name (in %); the others are image measures, not CF: a
  // forecaster reads them as "how bright / how contrasted / how far one sees", per camera.
  cloud_area_fraction: { unit: '%', label: 'Cloud cover (camera)' },
  sky_brightness: { unit: '1', label: 'Sky brightness (camera, 0–1)' },
  image_contrast: { unit: '1', label: 'Image contrast (camera, RMS 0–0.5)' },
  visibility_proxy: { unit: '1', label: 'Visibility proxy (camera horizon contrast)' },
  lens_wet: { unit: '1', label: 'Lens wet (camera, 1 = yes)' },
  lens_obstructed: { unit: '1', label: 'Lens obstructed (camera, 1 = yes)' },
} as const satisfies Record<string, { unit: string; label: string }>;

export type Quantity = keyof typeof QUANTITIES;

export const QUANTITY_NAMES = Object.keys(QUANTITIES) as Quantity[];

export function isQuantity(name: string): name is Quantity {
  return Object.hasOwn(QUANTITIES, name);
}

export function unitOf(q: Quantity): string {
  return QUANTITIES[q].unit;
}

/** Unit conversions the drivers need, named after the source unit. */
export const convert = {
  knotsToMs: (v: number) => v * 0.514444,
  kmhToMs: (v: number) => v / 3.6,
  mphToMs: (v: number) => v * 0.44704,
  fToC: (v: number) => ((v - 32) * 5) / 9,
  paToHpa: (v: number) => v / 100,
  barToHpa: (v: number) => v * 1000,
  mmHgToHpa: (v: number) => v * 1.3332239,
  inHgToHpa: (v: number) => v * 33.8638866,
  inToMm: (v: number) => v * 25.4,
};
