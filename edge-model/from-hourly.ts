// The gateway's side of the nowcast inputs: its own hourly aggregates (one record per hour,
// CF quantities with QC flags) turned into the HourlySeries the model reads. Only values
// flagged good or not_checked are used; suspect, bad and missing become gaps, so a doubtful
// sensor withholds the nowcast rather than steering it. An aggregate of the hour [t, t+1 h)
// is put at index time t + 1 h (the hour ending then), as the training data's hourly
// observations and hourly precipitation are.
import { type QcFlag, type Quantity } from '../core/index.ts';
import { type HourlySeries, HOUR_MS } from './data.ts';
import { localSolarHour } from './features.ts';

export interface HourValues {
  ts: number; // start of the hour, UTC ms
  values: Partial<Record<Quantity, { v: number | null; f: QcFlag }>>;
}

export interface SeriesOptions {
  station: string;
  longitude: number; // degrees east: the local solar hour comes from it
  /** hPa to add to station pressure for sea level when the aggregates have no sea-level pressure. */
  seaLevelOffsetHpa?: number;
}

const USABLE: ReadonlySet<QcFlag> = new Set(['good', 'not_checked']);

/** A regular hourly series ending at the last hour given (gaps as NaN). Throws on no hours. */
export function seriesFromHours(hours: HourValues[], o: SeriesOptions): HourlySeries {
  if (hours.length === 0) throw new Error('seriesFromHours: no hourly aggregates');
  const sorted = [...hours].sort((a, b) => a.ts - b.ts);
  const start = Math.floor(sorted[0]!.ts / HOUR_MS) * HOUR_MS + HOUR_MS;
  const n = (Math.floor(sorted.at(-1)!.ts / HOUR_MS) * HOUR_MS + HOUR_MS - start) / HOUR_MS + 1;
  const arr = () => new Float64Array(n).fill(NaN);
  const s: HourlySeries = { station: o.station, start, temperature: arr(), dewPoint: arr(), pressure: arr(), windSpeed: arr(), windFrom: arr(), precip: arr(), localHour: arr() };
  for (let i = 0; i < n; i++) s.localHour[i] = localSolarHour(start + i * HOUR_MS, o.longitude);
  const get = (h: HourValues, q: Quantity) => { const x = h.values[q]; return x && x.v !== null && USABLE.has(x.f) ? x.v : NaN; };
  for (const h of sorted) {
    const i = (Math.floor(h.ts / HOUR_MS) * HOUR_MS + HOUR_MS - start) / HOUR_MS;
    s.temperature[i] = get(h, 'air_temperature');
    s.dewPoint[i] = get(h, 'dew_point_temperature');
    const msl = get(h, 'air_pressure_at_mean_sea_level');
    s.pressure[i] = Number.isNaN(msl) && o.seaLevelOffsetHpa !== undefined ? get(h, 'air_pressure') + o.seaLevelOffsetHpa : msl;
    s.windSpeed[i] = get(h, 'wind_speed');
    s.windFrom[i] = get(h, 'wind_from_direction');
    s.precip[i] = get(h, 'precipitation_amount');
  }
  return s;
}
