// Minute records for a virtual station, cheaply, from the simulator's weather truth. The
// full station (device twin → serial → driver → QC → minute aggregation) costs a few ms of
// CPU a minute; hundreds of stations at 60× cannot afford it. Here an island's truth is
// sampled a few times a minute, once per island (cached), and each station adds its own
// fixed offsets (exposure, height), so neighbours differ a little and consistently.
import type { MinuteRecord, MinuteValue } from '../../core/index.ts';
import { tradeWindDay, type WeatherScenario } from '../../hw-sim/index.ts';

const MINUTE = 60_000;
/** truth samples a minute (every 20 s): enough for a mean, a gust and a direction */
const SAMPLES = [0, 20_000, 40_000];

interface IslandMinute { speed: number; gust: number; dir: number; t: number; rh: number; p: number; rain: number; rate: number }

export interface StationOffsets { speedFactor: number; dirOffset: number; dT: number; dRh: number; dP: number }

/** Deterministic per-station offsets from its index (no randomness: a rerun gives the same data). */
export function offsetsFor(index: number): StationOffsets {
  const h = (k: number) => (((index + 1) * 2654435761 + k * 40503) % 1000) / 1000; // 0…1
  return { speedFactor: 0.8 + 0.4 * h(1), dirOffset: -10 + 20 * h(2), dT: -0.6 + 1.2 * h(3), dRh: -3 + 6 * h(4), dP: -1.5 * h(5) };
}

const r1 = (v: number) => Math.round(v * 10) / 10;
const good = (v: number | null, n: number): MinuteValue => ({ v, f: 'good', n });

/** One island's weather (a trade-wind scenario with its own seed), sampled once per minute for all its stations. */
export class IslandWeather {
  private readonly scenario: WeatherScenario;
  private readonly cache = new Map<number, IslandMinute>();

  constructor(seed: number) {
    this.scenario = tradeWindDay({ seed, start: 0 });
  }

  private minute(ts: number): IslandMinute {
    const hit = this.cache.get(ts);
    if (hit) return hit;
    const s = SAMPLES.map((o) => this.scenario.at(ts + o));
    const mean = (f: (x: (typeof s)[number]) => number) => s.reduce((a, x) => a + f(x), 0) / s.length;
    const rad = Math.PI / 180;
    const u = mean((x) => x.wind_speed * Math.sin(x.wind_from_direction * rad));
    const v = mean((x) => x.wind_speed * Math.cos(x.wind_from_direction * rad));
    const m: IslandMinute = {
      speed: mean((x) => x.wind_speed),
      gust: Math.max(...s.map((x) => x.wind_speed)),
      dir: ((Math.atan2(u, v) / rad) + 360) % 360,
      t: mean((x) => x.air_temperature),
      rh: mean((x) => x.relative_humidity),
      p: mean((x) => x.air_pressure),
      rain: Math.max(0, this.scenario.at(ts + MINUTE).precipitation_amount_since_start - s[0]!.precipitation_amount_since_start),
      rate: mean((x) => x.rainfall_rate),
    };
    this.cache.set(ts, m);
    // Stations of an island close the same minutes within seconds of each other: a short memory is enough.
    if (this.cache.size > 4 * 24 * 60) this.cache.delete(this.cache.keys().next().value!);
    return m;
  }

  /** The minute record of one station (sensor `wxt530`) for the minute starting at `ts`. */
  record(ts: number, o: StationOffsets): MinuteRecord {
    const m = this.minute(ts);
    const n = SAMPLES.length;
    const calm = m.speed * o.speedFactor < 0.5;
    return {
      ts,
      sensor: 'wxt530',
      values: {
        wind_speed: good(r1(m.speed * o.speedFactor), n),
        wind_from_direction: good(calm ? null : Math.round((m.dir + o.dirOffset + 360) % 360), calm ? 0 : n),
        wind_speed_of_gust: good(r1(m.gust * o.speedFactor), n),
        air_temperature: good(r1(m.t + o.dT), n),
        relative_humidity: good(r1(Math.min(100, Math.max(0, m.rh + o.dRh))), n),
        air_pressure: good(r1(m.p + o.dP), n),
        precipitation_amount: good(Math.round(m.rain * 100) / 100, n),
        rainfall_rate: good(r1(m.rate), n),
      },
    };
  }
}
