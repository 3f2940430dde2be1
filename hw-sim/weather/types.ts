// The truth the simulator's devices measure: one sample of the weather at one instant.
// Units are the project's canonical WMO units (core/quantities.ts), so a device twin can
// render them into whatever its real counterpart sends.

export interface TruthSample {
  /** UTC ms of the sample: `at(ts)` quantises ts down to the whole second (truth is 1 Hz). */
  ts: number;
  /** m/s, the instantaneous (1-s) wind, turbulence included. */
  wind_speed: number;
  /** degrees from true north, [0, 360). */
  wind_from_direction: number;
  /** °C */
  air_temperature: number;
  /** %, 0–100 */
  relative_humidity: number;
  /** station pressure, hPa */
  air_pressure: number;
  /** hPa */
  air_pressure_at_mean_sea_level: number;
  /** mm/h */
  rainfall_rate: number;
  /** mm since the scenario's start; monotone; 0 before the start. */
  precipitation_amount_since_start: number;
  /** 0–1, fraction of the sky covered by cloud (what the station camera sees); optional: not every scenario models it. */
  cloud_fraction?: number;
  /** m, visibility (meteorological optical range); optional like cloud_fraction. */
  visibility_m?: number;
}

/**
 * A weather scenario is a pure function of time: the same ts gives the same sample (noise
 * comes from hashing the time, not from a running generator), so a replay, a restarted
 * device twin and a test all see the same weather.
 */
export interface WeatherScenario {
  name: string;
  /** One line for humans (`bonin sim`): what weather, from where. */
  description?: string;
  /** Scenario start (UTC ms): where `precipitation_amount_since_start` counts from. */
  start: number;
  at(ts: number): TruthSample;
}

/** Truth is 1 Hz: every timestamp inside a second reads that second's sample. */
export function toSecond(ts: number): number {
  return Math.floor(ts / 1000) * 1000;
}
