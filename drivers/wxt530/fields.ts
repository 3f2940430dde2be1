// The WXT530 data fields by the maker's names (WXT530 Series User Guide M211840EN, and the
// WXT510/520 guides for the same ASCII protocol): which message carries them, which unit
// letters the device prints, how to get the WMO unit, and which core quantity (if any) the
// gateway receives. Fields without a quantity are parsed and kept but not emitted.
import { convert, type Quantity } from '../../core/index.ts';

/** Message kinds by the digit after `aR`. */
export const MESSAGE_KINDS = { '0': 'composite', '1': 'wind', '2': 'ptu', '3': 'rain', '5': 'supervisor' } as const;
export type WxtKind = (typeof MESSAGE_KINDS)[keyof typeof MESSAGE_KINDS];

type Conv = (v: number) => number;
const same: Conv = (v) => v;

export interface FieldSpec {
  meaning: string;
  kind: Exclude<WxtKind, 'composite'>;
  /** unit letter → conversion into `unit` */
  units: Record<string, Conv>;
  /** unit after conversion */
  unit: string;
  quantity?: Quantity;
}

const windSpeed = { M: same, K: convert.kmhToMs, S: convert.mphToMs, N: convert.knotsToMs };
const temperature = { C: same, F: convert.fToC };
const rainAmount = { M: same, I: convert.inToMm };
// Hail is counted in hits; per area (M per cm², I per in²) or per sensor (H). Kept as printed.
const hail = { M: same, I: same, H: same };

export const FIELDS: Record<string, FieldSpec> = {
  Dn: { meaning: 'wind direction minimum', kind: 'wind', units: { D: same }, unit: 'degree' },
  Dm: { meaning: 'wind direction average', kind: 'wind', units: { D: same }, unit: 'degree', quantity: 'wind_from_direction' },
  Dx: { meaning: 'wind direction maximum', kind: 'wind', units: { D: same }, unit: 'degree' },
  Sn: { meaning: 'wind speed minimum', kind: 'wind', units: windSpeed, unit: 'm s-1' },
  Sm: { meaning: 'wind speed average', kind: 'wind', units: windSpeed, unit: 'm s-1', quantity: 'wind_speed' },
  Sx: { meaning: 'wind speed maximum (gust)', kind: 'wind', units: windSpeed, unit: 'm s-1', quantity: 'wind_speed_of_gust' },
  Ta: { meaning: 'air temperature', kind: 'ptu', units: temperature, unit: 'degC', quantity: 'air_temperature' },
  Tp: { meaning: 'internal temperature', kind: 'ptu', units: temperature, unit: 'degC' },
  Ua: { meaning: 'relative humidity', kind: 'ptu', units: { P: same }, unit: '%', quantity: 'relative_humidity' },
  Pa: {
    meaning: 'air pressure (station level)', kind: 'ptu', unit: 'hPa', quantity: 'air_pressure',
    units: { H: same, P: convert.paToHpa, B: convert.barToHpa, M: convert.mmHgToHpa, I: convert.inHgToHpa },
  },
  Rc: { meaning: 'rain accumulation since reset', kind: 'rain', units: rainAmount, unit: 'mm', quantity: 'precipitation_amount_since_reset' },
  Rd: { meaning: 'rain duration', kind: 'rain', units: { s: same }, unit: 's' },
  Ri: { meaning: 'rain intensity', kind: 'rain', units: rainAmount, unit: 'mm h-1', quantity: 'rainfall_rate' },
  Rp: { meaning: 'rain peak intensity', kind: 'rain', units: rainAmount, unit: 'mm h-1' },
  Hc: { meaning: 'hail accumulation', kind: 'rain', units: hail, unit: 'hits' },
  Hd: { meaning: 'hail duration', kind: 'rain', units: { s: same }, unit: 's' },
  Hi: { meaning: 'hail intensity', kind: 'rain', units: hail, unit: 'hits h-1' },
  Hp: { meaning: 'hail peak intensity', kind: 'rain', units: hail, unit: 'hits h-1' },
  Th: { meaning: 'heating temperature', kind: 'supervisor', units: temperature, unit: 'degC', quantity: 'heater_temperature' },
  // The letter after Vh is the heating state, not a unit; the number is volts either way.
  // N (heating off/disabled) is in the manuals' frames; V, W, F (heating on at various duty
  // cycles) are recalled from the WXT520 guide and accepted without having seen them.
  Vh: { meaning: 'heating voltage', kind: 'supervisor', units: { N: same, V: same, W: same, F: same }, unit: 'V', quantity: 'heating_voltage' },
  Vs: { meaning: 'supply voltage', kind: 'supervisor', units: { V: same }, unit: 'V', quantity: 'supply_voltage' },
  Vr: { meaning: '3.5 V reference voltage', kind: 'supervisor', units: { V: same }, unit: 'V' },
};

/** The text field of the supervisor message (`Id=HEL___`), not a number. */
export const TEXT_FIELDS: Record<string, Exclude<WxtKind, 'composite'>> = { Id: 'supervisor' };
