// A calm trade-wind day at Chichijima (27.09°N 142.19°E, 3 m a.s.l.), after
// ../shared/docs/weather-sim.md §1, §4 and §5: the month's JMA normals with the project's
// cosine diurnal model, a constant dew point, a semidiurnal pressure tide, an easterly
// trade wind with 1-Hz turbulence, and an optional short afternoon shower.
import { channelId, gaussian, smooth } from './noise.ts';
import { clamp, dewPoint, relativeHumidity, stationPressure } from './physics.ts';
import { toSecond, type TruthSample, type WeatherScenario } from './types.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** JST = UTC+9: the diurnal cycle follows local solar-ish time. */
const JST_OFFSET = 9 * HOUR;

// JMA 1981–2010 normals, Chichijima (weather-sim.md §1), index 0 = January.
const MEAN_C = [18.4, 17.9, 19.2, 21.0, 23.2, 25.8, 27.5, 27.7, 27.5, 26.2, 23.5, 20.3];
const MAX_C = [20.5, 20.1, 21.5, 23.2, 25.4, 28.0, 30.0, 29.9, 29.7, 28.3, 25.6, 22.4];
const MIN_C = [15.7, 15.3, 16.7, 18.8, 21.2, 24.0, 25.4, 25.9, 25.5, 24.1, 21.3, 17.8];
// RH at the daily mean temperature. *Project*: > 80 % May–Oct (JMA, qualitative), 70 % in
// winter (weather-sim.md §4 assumes it for January), 75 % in the shoulder months.
const RH_AT_MEAN = [70, 70, 70, 75, 80, 80, 80, 80, 80, 80, 75, 70];

export interface ShowerOptions {
  /** Local (JST) hour the shower starts, default 15. */
  startHourJst?: number;
  /** Minutes of rain, default 20. */
  durationMin?: number;
  /** Total rain of the shower, mm, default 4. */
  totalMm?: number;
}

export interface TradeWindOptions {
  /** Noise seed: same seed ⇒ same weather. Default 1. */
  seed?: number;
  /** Station height above mean sea level, m. Default 3 (JMA Chichijima). */
  stationElevationM?: number;
  /** Scenario start, UTC ms: rain counts from here. Default 2026-07-01 00:00 JST. */
  start?: number;
  /** A short shower every afternoon (true: the defaults below), or none (false). Default true. */
  shower?: boolean | ShowerOptions;
  /** Mean trade-wind speed, m/s. Default 5.5 (the day ranges ≈ 4–7 m/s). */
  meanSpeed?: number;
}

export const DEFAULT_TRADE_WIND_START = Date.UTC(2026, 6, 1) - JST_OFFSET;

const CH = {
  speedWander: channelId('speed-wander'),
  gust: channelId('gust'),
  speedWhite: channelId('speed-white'),
  dirWander: channelId('dir-wander'),
  dirMid: channelId('dir-mid'),
  dirWhite: channelId('dir-white'),
  tWander: channelId('t-wander'),
  tWhite: channelId('t-white'),
  rhWhite: channelId('rh-white'),
  pWander: channelId('p-wander'),
  pWhite: channelId('p-white'),
  cloud: channelId('cloud'),
  vis: channelId('visibility'),
};

export function tradeWindDay(opts: TradeWindOptions = {}): WeatherScenario {
  const seed = opts.seed ?? 1;
  const elevation = opts.stationElevationM ?? 3;
  const start = opts.start ?? DEFAULT_TRADE_WIND_START;
  const meanSpeed = opts.meanSpeed ?? 5.5;
  const showerOpts = opts.shower === false ? null : opts.shower === true || opts.shower === undefined ? {} : opts.shower;
  const shower = showerOpts && {
    startMs: (showerOpts.startHourJst ?? 15) * HOUR,
    durMs: (showerOpts.durationMin ?? 20) * 60_000,
    totalMm: showerOpts.totalMm ?? 4,
  };

  /** Time since today's shower started (ms; negative before it), JST day of ts. */
  function showerClock(ts: number): { day: number; tau: number } {
    const local = ts + JST_OFFSET;
    const day = Math.floor(local / DAY);
    return { day, tau: local - day * DAY - (shower?.startMs ?? 0) };
  }

  /**
   * Rain fallen since the epoch (mm). Rate is a sin² bump of peak 2·total/duration, so its
   * integral has a closed form: cumulative and rate agree exactly, at any ts.
   */
  function rainSinceEpoch(ts: number): number {
    if (!shower) return 0;
    const { day, tau } = showerClock(ts);
    const x = clamp(tau / shower.durMs, 0, 1);
    return shower.totalMm * (day + x - Math.sin(2 * Math.PI * x) / (2 * Math.PI));
  }

  function rainRate(ts: number): number {
    if (!shower) return 0;
    const { tau } = showerClock(ts);
    if (tau < 0 || tau >= shower.durMs) return 0;
    const peak = (2 * shower.totalMm) / (shower.durMs / HOUR);
    return peak * Math.sin((Math.PI * tau) / shower.durMs) ** 2;
  }

  /** 0…1: how much the shower has cooled and moistened the air (rises in it, decays after). */
  function showerEffect(ts: number): number {
    if (!shower) return 0;
    const { tau } = showerClock(ts);
    if (tau < 0) return 0;
    if (tau < shower.durMs) return Math.sin((Math.PI / 2) * (tau / shower.durMs));
    return Math.exp(-(tau - shower.durMs) / (20 * 60_000));
  }

  /** 0…1: how overcast the shower makes the sky: builds 30 min before, full in the rain, clears over ~20 min after. */
  function overcast(ts: number): number {
    if (!shower) return 0;
    const { tau } = showerClock(ts);
    if (tau < -30 * 60_000) return 0;
    if (tau < 0) return (tau + 30 * 60_000) / (30 * 60_000);
    if (tau < shower.durMs) return 1;
    return Math.exp(-(tau - shower.durMs) / (20 * 60_000));
  }

  /**
   * Sky for the station camera (*project*, unverified): fair-weather cumulus growing over the
   * day (≈ 0.2 at night and in the morning, ≈ 0.5 mid-afternoon), overcast around the shower;
   * visibility ≈ 30 km in the trade wind, falling in rain as ≈ 12 km · (mm/h)^−0.65.
   */
  function sky(ts: number, hour: number, rate: number): { cloud: number; vis: number } {
    const s = ts / 1000;
    const cumulus = 0.2 + 0.3 * Math.max(0, Math.sin((Math.PI * (hour - 9)) / 10)) + 0.08 * smooth(seed, CH.cloud, s, 1200);
    const w = overcast(ts);
    const cloud = clamp(cumulus * (1 - w) + 0.97 * w, 0, 1);
    const clear = 30_000 + 5_000 * smooth(seed, CH.vis, s, 3600);
    const vis = rate > 0.05 ? Math.min(clear, 12_000 * rate ** -0.65) : clear;
    return { cloud, vis: Math.max(500, vis) };
  }

  const rainAtStart = rainSinceEpoch(start);

  function at(tsIn: number): TruthSample {
    const ts = toSecond(tsIn);
    const s = ts / 1000;
    const local = ts + JST_OFFSET;
    const hour = ((local % DAY) + DAY) % DAY / HOUR;
    const month = new Date(local).getUTCMonth();
    const effect = showerEffect(ts);
    const rate = rainRate(ts);

    // Temperature: the §4 cosine around the month's mean, a slow wander, the shower's
    // cooling (up to 2 °C) and sensor-scale noise.
    const range = MAX_C[month]! - MIN_C[month]!;
    const tMean = MEAN_C[month]!;
    const t = tMean + (range / 2) * Math.cos((2 * Math.PI * (hour - 14)) / 24)
      + 0.3 * smooth(seed, CH.tWander, s, 900) - 2 * effect + 0.05 * gaussian(seed, CH.tWhite, s);

    // Humidity from a constant dew point (§4); in and after the shower the dew point
    // closes in on the cooled air (RH ≈ 95 %), as it does under a real squall.
    let td = dewPoint(tMean, RH_AT_MEAN[month]!);
    td += effect * Math.max(0, t - 0.8 - td);
    const rh = clamp(relativeHumidity(t, td) + 0.5 * gaussian(seed, CH.rhWhite, s), 0, 100);

    // Pressure: 1015 hPa, a slow synoptic wander, the semidiurnal tide (maxima 10 and 22 h).
    const slp = 1015 + 0.8 * smooth(seed, CH.pWander, s, 6 * 3600) + Math.cos((2 * Math.PI * (hour - 10)) / 12)
      + 0.05 * gaussian(seed, CH.pWhite, s);

    // Wind: mean speed a little stronger in the afternoon, a half-hour wander and a shower
    // gust front; turbulence σ ≈ 0.1·U from 8-s gusts plus 1-s white noise (each ≈ 0.07·U).
    const u = Math.max(0.5, meanSpeed + 0.8 * Math.cos((2 * Math.PI * (hour - 15)) / 24)
      + 0.6 * smooth(seed, CH.speedWander, s, 1800) + 2 * (rate > 0 ? effect : 0));
    const speed = Math.max(0, u * (1 + 0.09 * smooth(seed, CH.gust, s, 8) + 0.07 * gaussian(seed, CH.speedWhite, s)));
    const dirMean = 95 + clamp(7 * smooth(seed, CH.dirWander, s, 2400), -15, 15);
    const dir = dirMean + 4 * smooth(seed, CH.dirMid, s, 60) + 3 * gaussian(seed, CH.dirWhite, s);
    const { cloud, vis } = sky(ts, hour, rate);

    return {
      ts,
      wind_speed: speed,
      wind_from_direction: ((dir % 360) + 360) % 360,
      air_temperature: t,
      relative_humidity: rh,
      air_pressure: stationPressure(slp, elevation),
      air_pressure_at_mean_sea_level: slp,
      rainfall_rate: rate,
      precipitation_amount_since_start: Math.max(0, rainSinceEpoch(ts) - rainAtStart),
      cloud_fraction: cloud,
      visibility_m: vis,
    };
  }

  const description = `calm trade-wind day at Chichijima (JMA normals, JST diurnal cycle${shower ? `, ${shower.totalMm} mm shower daily at ${shower.startMs / HOUR}:00 JST` : ''})`;
  return { name: 'trade-wind', description, start, at };
}
