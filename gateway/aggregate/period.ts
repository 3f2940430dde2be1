// 10-minute and hourly aggregates of one sensor (../shared/docs/qc.md §6), built from its
// one-minute records (already QC'd, so every flag of a raw value or of a minute carries on)
// and, for wind, from the raw samples of the minutes whose wind was usable (so σθ and the
// vector mean see the real scatter, not ten smoothed minutes).
// Availability: means need ≥ 75 % of the minutes, else their value is kept and flagged
// missing+incomplete; sums need every minute, else suspect+incomplete; extremes keep their
// value, suspect+incomplete under 75 %.
import { mergeQc, type MinuteRecord, type MinuteValue, type Observation, type Qc, type Quantity } from '../../core/index.ts';
import { checkConsistency } from '../qc/consistency.ts';
import { qcOf, usableValue } from '../qc/flags.ts';
import { pressureTendency } from './tendency.ts';
import { windStats, type WindSample } from './wind.ts';

export const PERIODS = { '10min': 10 * 60_000, '1h': 60 * 60_000 } as const;
export type PeriodName = keyof typeof PERIODS;

/** Statistics of a period: quantity names for means and sums, plus named extra statistics. */
export type PeriodKey =
  | Quantity
  | 'air_temperature_max' | 'air_temperature_min' | 'rainfall_rate_max'
  | 'wind_from_direction_sd' | 'wind_speed_resultant' | 'wind_from_direction_resultant'
  | 'air_pressure_change_3h' | 'air_pressure_tendency' | 'air_pressure_tendency_characteristic';

export interface PeriodAggregate {
  period: PeriodName;
  /** start of the period, UTC ms */
  ts: number;
  sensor: string;
  values: Partial<Record<PeriodKey, MinuteValue>>;
}

export interface PeriodInput {
  period: PeriodName;
  start: number;
  sensor: string;
  /** the sensor's minute records inside the period */
  minutes: readonly MinuteRecord[];
  /** raw wind_speed and wind_from_direction samples inside the period (may be empty: minute means are used) */
  wind?: readonly Observation[];
  /** 1-min station pressure at the period end, 1.5 h and 3 h before (hourly tendency) */
  pressure?: { p0: MinuteValue | null; p15: MinuteValue | null; p3: MinuteValue | null };
  elevationM: number;
}

export const MEAN_AVAILABILITY = 0.75;
const MEANS: readonly Quantity[] = ['air_temperature', 'relative_humidity', 'air_pressure', 'air_pressure_at_mean_sea_level', 'dew_point_temperature', 'heater_temperature', 'heating_voltage', 'supply_voltage'];

const round = (v: number, digits = 3) => Math.round(v * 10 ** digits) / 10 ** digits;
const NONE: Qc = { flag: 'not_checked', reasons: [] };

function value(v: number | null, q: Qc, n: number): MinuteValue {
  const out: MinuteValue = { v: v === null ? null : round(v), f: q.flag, n };
  if (q.reasons.length) out.r = [...new Set(q.reasons)];
  return out;
}
const worst = (xs: readonly MinuteValue[]) => xs.reduce<Qc>((a, x) => mergeQc(a, qcOf(x)), NONE);
const incomplete = (q: Qc, flag: 'missing' | 'suspect'): Qc => mergeQc(q, { flag, reasons: ['incomplete'] });

/** A statistic over the usable minute values of q; `kind` decides the availability rule. */
function over(minutes: readonly MinuteRecord[], q: Quantity, expected: number, kind: 'mean' | 'sum' | 'extreme', f: (xs: number[]) => number): MinuteValue | null {
  const all = minutes.map((m) => m.values[q]).filter((x): x is MinuteValue => x !== undefined);
  if (!all.length) return null;
  const ok = all.filter(usableValue);
  if (!ok.length) return value(null, { flag: 'missing', reasons: worst(all).reasons }, 0);
  let q0 = worst(ok);
  const share = ok.length / expected;
  if (kind === 'mean' && share < MEAN_AVAILABILITY) q0 = incomplete(q0, 'missing');
  if (kind === 'sum' && ok.length < expected) q0 = incomplete(q0, 'suspect');
  if (kind === 'extreme' && share < MEAN_AVAILABILITY) q0 = incomplete(q0, 'suspect');
  return value(f(ok.map((x) => x.v)), q0, ok.length);
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

function wind(input: PeriodInput, expected: number, out: PeriodAggregate['values']): void {
  const speedMinutes = input.minutes.filter((m) => usableValue(m.values.wind_speed));
  const allSpeed = input.minutes.map((m) => m.values.wind_speed).filter((x): x is MinuteValue => !!x);
  if (!allSpeed.length) return;
  if (!speedMinutes.length) {
    out.wind_speed = value(null, { flag: 'missing', reasons: worst(allSpeed).reasons }, 0);
    out.wind_from_direction = value(null, { flag: 'missing', reasons: worst(allSpeed).reasons }, 0);
    return;
  }
  // Samples of the usable minutes only: a minute flagged bad by step keeps its samples out.
  const okMinute = new Set(speedMinutes.map((m) => m.ts));
  const minuteOf = (ts: number) => Math.floor(ts / 60_000) * 60_000;
  const raw = (input.wind ?? []).filter((o) => okMinute.has(minuteOf(o.ts)) && o.value !== null && o.qc.flag !== 'bad' && o.qc.flag !== 'missing');
  const dirAt = new Map(raw.filter((o) => o.quantity === 'wind_from_direction').map((o) => [o.ts, o.value as number]));
  let samples: WindSample[] = raw.filter((o) => o.quantity === 'wind_speed').map((o) => ({ speed: o.value as number, dir: dirAt.get(o.ts) ?? null }));
  if (!samples.length) samples = speedMinutes.map((m) => ({ speed: m.values.wind_speed!.v as number, dir: usableValue(m.values.wind_from_direction) ? m.values.wind_from_direction.v : null }));
  const st = windStats(samples)!;
  let qs = worst(speedMinutes.map((m) => m.values.wind_speed!));
  const dirMinutes = speedMinutes.map((m) => m.values.wind_from_direction).filter((x): x is MinuteValue => !!x && x.f !== 'bad' && x.f !== 'missing');
  let qd = dirMinutes.length ? worst(dirMinutes) : qs;
  if (speedMinutes.length / expected < MEAN_AVAILABILITY) {
    qs = incomplete(qs, 'missing');
    qd = incomplete(qd, 'missing');
  }
  out.wind_speed = value(st.speed, qs, speedMinutes.length);
  out.wind_from_direction = value(st.dir, qd, st.dir === null ? 0 : dirMinutes.length);
  out.wind_from_direction_sd = value(st.sigma, qd, st.nDir);
  out.wind_speed_resultant = value(st.resultantSpeed, qs, samples.length);
  out.wind_from_direction_resultant = value(st.resultantDir, qd, samples.length);
}

function tendency(p: NonNullable<PeriodInput['pressure']>, out: PeriodAggregate['values']): void {
  const { p0, p15, p3 } = p;
  const parts = [p0, p15, p3].filter((x): x is MinuteValue => !!x);
  if (!usableValue(p0) || !usableValue(p15) || !usableValue(p3)) {
    const miss = value(null, { flag: 'missing', reasons: worst(parts).reasons }, 0);
    out.air_pressure_tendency = miss;
    out.air_pressure_tendency_characteristic = miss;
    out.air_pressure_change_3h = miss;
    return;
  }
  const t = pressureTendency(p3.v, p15.v, p0.v);
  const q = worst([p0, p15, p3]);
  out.air_pressure_change_3h = value(t.delta, q, 3);
  out.air_pressure_tendency = value(t.ppp, q, 3);
  out.air_pressure_tendency_characteristic = value(t.a, q, 3);
}

export function aggregatePeriod(input: PeriodInput): PeriodAggregate {
  const expected = PERIODS[input.period] / 60_000;
  const ms = input.minutes;
  const out: PeriodAggregate['values'] = {};
  const put = (k: PeriodKey, v: MinuteValue | null) => {
    if (v) out[k] = v;
  };
  for (const q of MEANS) put(q, over(ms, q, expected, 'mean', mean));
  put('air_temperature_max', over(ms, 'air_temperature', expected, 'extreme', (xs) => Math.max(...xs)));
  put('air_temperature_min', over(ms, 'air_temperature', expected, 'extreme', (xs) => Math.min(...xs)));
  put('wind_speed_of_gust', over(ms, 'wind_speed_of_gust', expected, 'extreme', (xs) => Math.max(...xs)));
  put('precipitation_amount', over(ms, 'precipitation_amount', expected, 'sum', (xs) => xs.reduce((a, b) => a + b, 0)));
  // Intensity = 1-min amount × 60 mm/h (qc.md §6): the period's largest.
  put('rainfall_rate_max', over(ms, 'precipitation_amount', expected, 'extreme', (xs) => Math.max(...xs) * 60));
  wind(input, expected, out);
  if (input.pressure) tendency(input.pressure, out);
  // Consistency again on the period's own values (gust ≥ mean, calm ⇒ no direction, rain vs RH).
  const checked = checkConsistency(out as MinuteRecord['values'], {
    elevationM: input.elevationM,
    rh10: input.period === '10min' && usableValue(out.relative_humidity) ? out.relative_humidity.v : null,
    derivedDewPoint: true,
    derivedSlp: true,
  });
  return { period: input.period, ts: input.start, sensor: input.sensor, values: { ...out, ...checked } };
}
