// Replay of real hourly weather (shared/data/nyc-2013-hourly.csv: JFK, LGA, EWR, 2013) at
// 1 Hz. Time axis: scenario time ts maps to data time `from + (ts − start)`; so with the
// defaults a clock started at 2013-07-01T00:00Z replays the data at its own dates, and any
// other clock replays it shifted. Past the end of the data the last values are held.
//
// Between hours: linear interpolation of every quantity (direction through the wind vector,
// so 350° → 010° passes north; speed is interpolated as a scalar so whole hours are exact).
// Missing values (NA, whole missing hours) are bridged by interpolating across the gap.
// Rain: the METAR hourly amount of the row stamped T fell during the hour ending at T, at a
// constant rate (rate = amount in mm/h), so the cumulative amount at each whole hour is the
// sum of the rows up to it.
import { fileURLToPath } from 'node:url';
import { isAbsolute, resolve } from 'node:path';
import { loadNycCsv } from './nyc-csv.ts';
import { channelId, gaussian, smooth } from './noise.ts';
import { Series } from './series.ts';
import { clamp, stationPressure, uvToFromDirection, windToUv } from './physics.ts';
import { toSecond, type TruthSample, type WeatherScenario } from './types.ts';

const HOUR = 3_600_000;
const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface NycReplayOptions {
  /** CSV path; relative paths are taken from the repository root. Default '../shared/data/nyc-2013-hourly.csv'. */
  csvPath?: string;
  /** Station id in the first column. Default 'JFK'. */
  origin?: string;
  /** Height of the simulated station, m: station pressure = SLP − 0.117 hPa/m. Default 3. */
  stationElevationM?: number;
  /** Data time replayed at the scenario start (ISO 8601). Default '2013-07-01T00:00:00Z'. */
  from?: string;
  /** Scenario start, UTC ms. Default: `from` itself (sim time = data time). */
  start?: number;
  /** Add small 1-Hz turbulence and sensor-scale noise. Default true; false reproduces the hourly values exactly. */
  noise?: boolean;
  /** Noise seed. Default 1. */
  seed?: number;
}

const CH = { cloud: channelId('nyc-cloud'), gust: channelId('nyc-gust'), speed: channelId('nyc-speed'), dir: channelId('nyc-dir'), t: channelId('nyc-t'), rh: channelId('nyc-rh'), p: channelId('nyc-p') };

export function nycReplay(opts: NycReplayOptions = {}): WeatherScenario {
  const csv = opts.csvPath ?? '../shared/data/nyc-2013-hourly.csv';
  const path = isAbsolute(csv) ? csv : resolve(REPO_ROOT, csv);
  const origin = opts.origin ?? 'JFK';
  const rows = loadNycCsv(path).get(origin);
  if (!rows || rows.length === 0) throw new Error(`${path}: no rows for station "${origin}"`);
  const from = Date.parse(opts.from ?? '2013-07-01T00:00:00Z');
  if (!Number.isFinite(from)) throw new RangeError(`nycReplay: bad "from" time ${opts.from}`);
  const start = opts.start ?? from;
  const elevation = opts.stationElevationM ?? 3;
  const noise = opts.noise ?? true;
  const seed = opts.seed ?? 1;

  const temp = new Series(rows.map((r) => ({ t: r.t, v: r.temp })));
  const humid = new Series(rows.map((r) => ({ t: r.t, v: r.humid })));
  const pressure = new Series(rows.map((r) => ({ t: r.t, v: r.pressure })));
  const speed = new Series(rows.map((r) => ({ t: r.t, v: r.windSpeed })));
  const visib = new Series(rows.map((r) => ({ t: r.t, v: r.visib })));
  // A calm hour ("0 @ 0") is the zero vector: it carries no direction of its own, so the
  // direction through a calm comes from its neighbours, and at the calm hour itself is 0.
  const withWind = rows.filter((r) => r.windDir !== null && r.windSpeed !== null);
  const uv = withWind.map((r) => windToUv(r.windSpeed!, r.windDir!));
  const u = new Series(withWind.map((r, i) => ({ t: r.t, v: uv[i]!.u })));
  const v = new Series(withWind.map((r, i) => ({ t: r.t, v: uv[i]!.v })));

  // Rain on an hourly grid of hour ends E_i = first + i·H; NA amounts bridged like the rest.
  const precip = new Series(rows.map((r) => ({ t: r.t, v: r.precip })));
  const first = rows[0]!.t;
  const nHours = Math.round((rows[rows.length - 1]!.t - first) / HOUR) + 1;
  const amount = new Float64Array(nHours);
  const before = new Float64Array(nHours + 1);
  for (let i = 0; i < nHours; i++) {
    amount[i] = Math.max(0, precip.at(first + i * HOUR));
    before[i + 1] = before[i]! + amount[i]!;
  }
  /** Index of the hour (t − H, t] … held as [E_i − H, E_i) containing data time d, or −1 / nHours outside. */
  const hourIndex = (d: number): number => Math.floor((d - first) / HOUR) + 1;
  function rainSinceDataStart(d: number): number {
    const i = hourIndex(d);
    if (i < 0) return 0;
    if (i >= nHours) return before[nHours]!;
    return before[i]! + amount[i]! * ((d - (first + (i - 1) * HOUR)) / HOUR);
  }
  const rainAtFrom = rainSinceDataStart(from);

  function at(tsIn: number): TruthSample {
    const ts = toSecond(tsIn);
    const d = from + (ts - start);
    const s = ts / 1000;
    const i = hourIndex(d);
    const rate = i >= 0 && i < nHours ? amount[i]! : 0;

    let spd = Math.max(0, speed.at(d));
    let dir = uvToFromDirection(u.at(d), v.at(d));
    let t = temp.at(d);
    let rh = humid.at(d);
    let slp = pressure.at(d);
    // The data has no cloud column: overcast in a rainy hour, otherwise cloudier the more
    // humid the air (*project*, a rough stand-in: RH 45 % ≈ clear, 95 % ≈ nine tenths).
    const cloud = rate > 0 ? 0.95 : clamp((rh - 45) / 50 + 0.05 * smooth(seed, CH.cloud, s, 1800), 0.02, 0.9);
    const vis = visib.length > 0 ? visib.at(d) : 16_093;
    if (noise) {
      // Turbulence σ ≈ 0.1·U (weather-sim.md §5), zero in a calm; sensor noise per §5.
      spd = Math.max(0, spd * (1 + 0.08 * smooth(seed, CH.gust, s, 8) + 0.06 * gaussian(seed, CH.speed, s)));
      dir = ((dir + 3 * gaussian(seed, CH.dir, s)) % 360 + 360) % 360;
      t += 0.05 * gaussian(seed, CH.t, s);
      rh += 0.5 * gaussian(seed, CH.rh, s);
      slp += 0.05 * gaussian(seed, CH.p, s);
    }
    return {
      ts,
      wind_speed: spd,
      wind_from_direction: dir,
      air_temperature: t,
      relative_humidity: clamp(rh, 0, 100),
      air_pressure: stationPressure(slp, elevation),
      air_pressure_at_mean_sea_level: slp,
      rainfall_rate: rate,
      precipitation_amount_since_start: ts < start ? 0 : Math.max(0, rainSinceDataStart(d) - rainAtFrom),
      cloud_fraction: cloud,
      visibility_m: Math.max(50, vis),
    };
  }

  const description = `replay of ${origin} hourly observations (${csv}) at 1 Hz, data time ${new Date(from).toISOString()} at the start`;
  return { name: 'nyc-replay', description, start, at };
}
