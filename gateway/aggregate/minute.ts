// One-minute aggregation (../shared/docs/qc.md §6; docs/qc.md for the rules as built).
// Pure: the samples of one sensor in one minute in, one MinuteRecord out.
//  - P, T, RH and device health: arithmetic mean of usable samples;
//  - wind speed: scalar mean; direction: unit-vector mean of non-calm samples, null when
//    calm (mean speed < 0.5 m/s: ICAO calm, "no direction", not 0 = north);
//  - gust: the largest device gust (WXT `Sx`) in the minute when the device reports one,
//    else the largest 3-s running mean of the speed samples (gust3s in wind.ts);
//  - availability: a mean built from under 2/3 of the samples the minute should hold (by
//    the sensor's own sampling interval) keeps its value but is flagged missing+incomplete;
//  - rain: counter difference against the last counter before the minute (survives gateway
//    restarts); a counter that goes down is a device reset: that minute is `missing`;
//  - dew point and sea-level pressure derived from the minute means.
// Usable = not `bad` and not `missing`; an aggregate inherits the worst usable flag.
import { mergeQc, type MinuteRecord, type MinuteValue, type Observation, type Qc, type Quantity } from '../../core/index.ts';
import { dewPoint, seaLevelPressure } from './meteo.ts';
import { CALM_MS, gust3s } from './wind.ts';

export const MINUTE_MS = 60_000;
/** [Z] (recalled): a 1-min value needs ≥ 66 % of its samples. */
const AVAILABILITY = 2 / 3;
/** Quantities that are means of samples (availability applies); counters and maxima are not. */
const MEANS: ReadonlySet<Quantity> = new Set(['wind_speed', 'wind_from_direction', 'air_temperature', 'relative_humidity', 'air_pressure']);

export interface MinuteInput {
  sensor: string;
  minuteStart: number;
  /** every observation of the sensor with minuteStart ≤ ts < minuteStart + 60 s */
  obs: Observation[];
  /** last rain counter stored before the minute, if any */
  prevRainCounter: number | null;
  elevationM: number;
}

const round = (v: number, digits = 3) => Math.round(v * 10 ** digits) / 10 ** digits;
const usable = (o: Observation) => o.value !== null && o.qc.flag !== 'bad' && o.qc.flag !== 'missing';

function toValue(v: number | null, q: Qc, n: number): MinuteValue {
  const out: MinuteValue = { v: v === null ? null : round(v), f: q.flag, n };
  if (q.reasons.length) out.r = [...q.reasons];
  return out;
}

/** The worst flag of the samples (all `not_checked` stays `not_checked`), with every reason. */
function combined(samples: Observation[]): Qc {
  return samples.reduce<Qc>((acc, o) => mergeQc(acc, o.qc), { flag: 'not_checked', reasons: [] });
}

/** A value with no usable sample: missing, carrying why its samples were refused. */
function missing(all: Observation[]): MinuteValue {
  return toValue(null, { flag: 'missing', reasons: combined(all).reasons }, 0);
}

function summarise(all: Observation[], reduce: (xs: number[]) => number): MinuteValue {
  const ok = all.filter(usable);
  if (!ok.length) return missing(all);
  return toValue(reduce(ok.map((o) => o.value as number)), combined(ok), ok.length);
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const max = (xs: number[]) => Math.max(...xs);

/**
 * Samples the minute should hold, from the median spacing of the ones it has (1 Hz → 60,
 * 10-s PTU → 6). Unknown (null) with fewer than 3 samples, or when the spacing is irregular
 * (interquartile range over 20 % of the median: lines arriving in bursts through a serial
 * server, or a loaded host under a fast simulated clock), where the median would say nothing;
 * qc/minute.ts then compares with the sensor's usual count instead.
 */
function expectedSamples(samples: Observation[]): number | null {
  const ts = [...new Set(samples.map((o) => o.ts))].sort((a, b) => a - b);
  if (ts.length < 3) return null;
  const dts = ts.slice(1).map((t, i) => t - ts[i]!).sort((a, b) => a - b);
  const at = (f: number) => dts[Math.floor((dts.length - 1) * f)]!;
  const dt = at(0.5);
  if (at(0.75) - at(0.25) > 0.2 * dt) return null;
  return Math.min(MINUTE_MS / dt, Number.MAX_SAFE_INTEGER);
}

function withAvailability(v: MinuteValue, samples: Observation[]): MinuteValue {
  const expected = expectedSamples(samples);
  if (v.v === null || expected === null || v.n >= AVAILABILITY * expected - 1e-9) return v;
  return { ...v, f: 'missing', r: [...new Set([...(v.r ?? []), 'incomplete' as const])] };
}

/** Gust from the speed samples when the device reports none: the largest 3-s running mean. */
function gustFromSpeeds(speeds: Observation[]): MinuteValue | null {
  const ok = speeds.filter(usable);
  const g = gust3s(ok.map((o) => ({ ts: o.ts, v: o.value as number })));
  return g ? toValue(g.v, combined(ok), ok.length) : null;
}

function windDirection(dirs: Observation[], speeds: Observation[]): MinuteValue {
  const speedAt = new Map(speeds.filter(usable).map((o) => [o.ts, o.value as number]));
  const ok = dirs.filter((o) => usable(o) && (speedAt.get(o.ts) ?? Infinity) >= CALM_MS);
  if (!ok.length) {
    // All samples calm: direction is undefined, which is a good answer, not a missing one.
    const calm = speeds.some(usable) && mean(speeds.filter(usable).map((o) => o.value as number)) < CALM_MS;
    return calm ? toValue(null, { flag: 'good', reasons: [] }, 0) : missing(dirs);
  }
  let s = 0;
  let c = 0;
  for (const o of ok) {
    const rad = ((o.value as number) * Math.PI) / 180;
    s += Math.sin(rad);
    c += Math.cos(rad);
  }
  if (Math.hypot(s, c) / ok.length < 1e-6) return toValue(null, combined(ok), ok.length);
  const deg = ((Math.atan2(s, c) * 180) / Math.PI + 360) % 360;
  return toValue(deg, combined(ok), ok.length);
}

function rainAmount(counters: Observation[], prev: number | null): MinuteValue {
  const ok = counters.filter(usable).sort((a, b) => a.ts - b.ts);
  if (!ok.length) return missing(counters);
  // Sum the counter's rises from the last counter before the minute. A fall means the device
  // restarted its counter at 0 (power cycle, reset command): what it shows after the fall is
  // the rain since the restart, so it is added whole — never negative, never counted twice.
  // Rain that fell while the device was off is unknowable: the minute is `suspect`.
  let last = prev ?? ok[0]!.value!;
  let total = 0;
  let restarted = false;
  for (const o of ok) {
    const v = o.value as number;
    if (v < last) {
      restarted = true;
      total += v;
    } else total += v - last;
    last = v;
  }
  const q = combined(ok);
  if (restarted) return toValue(total, { flag: q.flag === 'bad' ? 'bad' : 'suspect', reasons: [...new Set([...q.reasons, 'sensor_status' as const])] }, ok.length);
  return toValue(total, q, ok.length);
}

export function aggregateMinute(input: MinuteInput): MinuteRecord {
  const by = new Map<Quantity, Observation[]>();
  for (const o of input.obs) {
    const list = by.get(o.quantity);
    if (list) list.push(o);
    else by.set(o.quantity, [o]);
  }
  const values: MinuteRecord['values'] = {};
  for (const [q, samples] of by) {
    switch (q) {
      case 'wind_from_direction':
        values[q] = windDirection(samples, by.get('wind_speed') ?? []);
        break;
      case 'wind_speed_of_gust':
      case 'rainfall_rate':
        values[q] = summarise(samples, max);
        break;
      case 'precipitation_amount_since_reset':
        values.precipitation_amount = rainAmount(samples, input.prevRainCounter);
        values[q] = summarise(samples, (xs) => xs[xs.length - 1]!);
        break;
      default:
        values[q] = summarise(samples, mean);
    }
    if (MEANS.has(q) && values[q]) values[q] = withAvailability(values[q], samples);
  }
  if (!values.wind_speed_of_gust && by.has('wind_speed')) {
    const g = gustFromSpeeds(by.get('wind_speed')!);
    if (g) values.wind_speed_of_gust = g;
  }
  derive(values, input.elevationM);
  return { ts: input.minuteStart, sensor: input.sensor, values };
}

function derive(values: MinuteRecord['values'], elevationM: number): void {
  const t = values.air_temperature;
  const rh = values.relative_humidity;
  const p = values.air_pressure;
  const ok = (x: MinuteValue | undefined): x is MinuteValue & { v: number } => !!x && x.v !== null && x.f !== 'bad' && x.f !== 'missing';
  if (!ok(t) || !ok(rh) || rh.v <= 0) return;
  const q = mergeQc({ flag: t.f, reasons: t.r ?? [] }, { flag: rh.f, reasons: rh.r ?? [] });
  if (!values.dew_point_temperature) values.dew_point_temperature = toValue(dewPoint(t.v, Math.min(rh.v, 100)), q, Math.min(t.n, rh.n));
  if (ok(p) && !values.air_pressure_at_mean_sea_level) {
    const qp = mergeQc(q, { flag: p.f, reasons: p.r ?? [] });
    values.air_pressure_at_mean_sea_level = toValue(seaLevelPressure(p.v, t.v, Math.min(rh.v, 100), elevationM), qp, p.n);
  }
}
