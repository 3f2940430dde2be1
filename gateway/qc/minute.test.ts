// Minute QC against the sensor's past: a stateful run minute after minute, as the closer does.
import { describe, expect, it } from 'vitest';
import type { MinuteRecord, MinuteValue } from '../../core/index.ts';
import { qcMinute, qcSettings } from './minute.ts';

const T0 = Date.UTC(2026, 6, 1, 0, 0);
const M = 60_000;
const S = qcSettings({ elevationM: 3, climate: { air_temperature: [5, 37] } });
const good = (v: number | null, n = 60): MinuteValue => ({ v, f: 'good', n });
const rec = (i: number, values: MinuteRecord['values']): MinuteRecord => ({ ts: T0 + i * M, sensor: 'wxt', values });

/** Feed records one minute at a time, each checked against the previous checked ones. */
function run(make: (i: number) => MinuteRecord['values'], minutes: number): MinuteRecord[] {
  const history: MinuteRecord[] = [];
  for (let i = 0; i < minutes; i++) history.push(qcMinute(rec(i, make(i)), history.slice(-60), S));
  return history;
}

describe('persistence: a stuck sensor (qc.md §4)', () => {
  it('a temperature frozen at 24.3 °C is good for 59 minutes and suspect from the 60th on', () => {
    const out = run(() => ({ air_temperature: good(24.3) }), 70);
    expect(out.slice(0, 59).every((r) => r.values.air_temperature!.f === 'good')).toBe(true);
    for (const r of out.slice(59)) expect(r.values.air_temperature).toMatchObject({ f: 'suspect', r: ['persistence'] });
  });
  it('a temperature moving by 0.2 °C within the hour stays good', () => {
    const out = run((i) => ({ air_temperature: good(24.3 + 0.2 * Math.sin(i / 5)) }), 70);
    expect(out.every((r) => r.values.air_temperature!.f === 'good')).toBe(true);
  });
  it('the 60 minutes must all hold a usable value: one gap postpones the test', () => {
    const out = run((i) => ({ air_temperature: i === 30 ? { v: null, f: 'missing', n: 0 } : good(24.3) }), 80);
    expect(out[79]!.values.air_temperature!.f).toBe('good'); // 30..89 not yet covered without a gap
    const later = run((i) => ({ air_temperature: i === 5 ? { v: null, f: 'missing', n: 0 } : good(24.3) }), 70);
    expect(later[65]!.values.air_temperature!.f).toBe('suspect');
  });
  it('RH stuck at 98 % (saturated probe) is not suspect; stuck at 80 % is', () => {
    expect(run(() => ({ relative_humidity: good(98) }), 61)[60]!.values.relative_humidity!.f).toBe('good');
    expect(run(() => ({ relative_humidity: good(80) }), 61)[60]!.values.relative_humidity!.f).toBe('suspect');
  });
  it('a stuck vane in a real wind is suspect, across north too; in calm it is not tested', () => {
    const vane = (dir: (i: number) => number, speed: number) => run((i) => ({ wind_speed: good(speed + (i % 3)), wind_from_direction: good(dir(i)) }), 61)[60]!;
    expect(vane((i) => (i % 2 ? 358 : 2), 5).values.wind_from_direction!.f).toBe('suspect');
    expect(vane((i) => (i % 2 ? 340 : 20), 5).values.wind_from_direction!.f).toBe('good');
    const calm = run(() => ({ wind_speed: good(0), wind_from_direction: good(null, 0) }), 61)[60]!;
    expect(calm.values.wind_speed!.f).toBe('good');
  });
});

describe('step (qc.md §3)', () => {
  it('pressure: 0.4 hPa a minute is good, 0.6 suspect, 2.5 bad; only the current value is flagged', () => {
    const steps = [0, 0.4, 1.0, 3.5];
    const out = run((i) => ({ air_pressure: good(1012 + steps[i]!) }), 4);
    expect(out.map((r) => r.values.air_pressure!.f)).toEqual(['good', 'good', 'suspect', 'bad']);
    expect(out[3]!.values.air_pressure!.r).toEqual(['step']);
  });
  it('compares with the last usable value, not a bad one, and not one older than 5 minutes', () => {
    const h = [qcMinute(rec(0, { air_temperature: good(20) }), [], S)];
    h.push(qcMinute(rec(1, { air_temperature: { v: 90, f: 'bad', r: ['range'], n: 60 } }), h, S));
    expect(qcMinute(rec(2, { air_temperature: good(21) }), h, S).values.air_temperature!.f).toBe('good');
    expect(qcMinute(rec(2, { air_temperature: good(25) }), h, S).values.air_temperature!.r).toEqual(['step']);
    expect(qcMinute(rec(7, { air_temperature: good(25) }), h, S).values.air_temperature!.f).toBe('good');
  });
  it('configured limits override qc.md', () => {
    const loose = qcSettings({ elevationM: 3, step: { air_pressure: { suspect: 5 } } });
    const h = [qcMinute(rec(0, { air_pressure: good(1000) }), [], loose)];
    expect(qcMinute(rec(1, { air_pressure: good(1003) }), h, loose).values.air_pressure!.f).toBe('good');
  });
});

describe('range, consistency and availability on minute values', () => {
  it('a derived rain minute above the Chichijima band is suspect; above 40 mm bad', () => {
    const s = qcSettings({ elevationM: 3, climate: { precipitation_amount: [0, 6] } });
    expect(qcMinute(rec(0, { precipitation_amount: good(7, 6) }), [], s).values.precipitation_amount).toMatchObject({ f: 'suspect', r: ['range'] });
    expect(qcMinute(rec(0, { precipitation_amount: good(41, 6) }), [], s).values.precipitation_amount).toMatchObject({ f: 'bad', r: ['range'] });
  });
  it('gust below the mean makes both suspect', () => {
    const r = qcMinute(rec(0, { wind_speed: good(8), wind_speed_of_gust: good(6), wind_from_direction: good(90) }), [], S);
    expect(r.values.wind_speed).toMatchObject({ f: 'suspect', r: ['consistency'] });
    expect(r.values.wind_speed_of_gust).toMatchObject({ f: 'suspect', r: ['consistency'] });
  });
  it('a separate dew-point sensor above T + 0.5 makes both suspect; a derived one is not tested', () => {
    const vals = { air_temperature: good(20), dew_point_temperature: good(21) };
    expect(qcMinute(rec(0, vals), [], S).values.dew_point_temperature!.f).toBe('suspect');
    expect(qcMinute(rec(0, vals), [], S, { derived: new Set(['dew_point_temperature']) }).values.dew_point_temperature!.f).toBe('good');
  });
  it('wind without a direction is missing (consistency); calm direction stays null and good', () => {
    expect(qcMinute(rec(0, { wind_speed: good(4), wind_from_direction: good(null, 0) }), [], S).values.wind_from_direction).toMatchObject({ v: null, f: 'missing', r: ['consistency'] });
    expect(qcMinute(rec(0, { wind_speed: good(0.2), wind_from_direction: good(null, 0) }), [], S).values.wind_from_direction).toEqual({ v: null, f: 'good', n: 0 });
  });
  it('rain while the last 10 minutes were dry (RH < 60 %) is suspect', () => {
    const out = run((i) => ({ relative_humidity: good(50 + i * 0.05, 6), precipitation_amount: good(i === 9 ? 0.2 : 0, 6) }), 10);
    expect(out[9]!.values.precipitation_amount).toMatchObject({ f: 'suspect', r: ['consistency'] });
    const wet = run((i) => ({ relative_humidity: good(85 + i * 0.05, 6), precipitation_amount: good(i === 9 ? 0.2 : 0, 6) }), 10);
    expect(wet[9]!.values.precipitation_amount!.f).toBe('good');
  });
  it('a SLP the device reports that disagrees with the reduction is suspect', () => {
    const r = qcMinute(rec(0, { air_pressure: good(1012), air_temperature: good(25), relative_humidity: good(80), air_pressure_at_mean_sea_level: good(1013) }), [], S);
    expect(r.values.air_pressure_at_mean_sea_level).toMatchObject({ f: 'suspect', r: ['consistency'] });
  });
  it('a minute with far fewer samples than the sensor usually gives is missing+incomplete, value kept', () => {
    const out = run((i) => ({ air_temperature: good(20 + i * 0.01, i === 8 ? 1 : 6) }), 9);
    expect(out[8]!.values.air_temperature).toMatchObject({ v: 20.08, f: 'missing', r: ['incomplete'] });
  });
  it('never loses a flag or a value it was given', () => {
    const r = qcMinute(rec(0, { air_temperature: { v: 99, f: 'bad', r: ['range'], n: 6 }, relative_humidity: { v: null, f: 'missing', r: ['sensor_status'], n: 0 } }), [], S);
    expect(r.values.air_temperature).toMatchObject({ v: 99, f: 'bad', r: ['range'] });
    expect(r.values.relative_humidity).toEqual({ v: null, f: 'missing', r: ['sensor_status'], n: 0 });
  });
});
