import { describe, expect, it } from 'vitest';
import { qc, type Observation, type Quantity } from '../../core/index.ts';
import { aggregateMinute } from './minute.ts';
import { dewPoint, seaLevelPressure } from './meteo.ts';

const T0 = Date.UTC(2026, 6, 1, 3, 0);
let tick = 0;
const o = (quantity: Quantity, value: number | null, ts = T0 + 1000 * tick++, flag: Observation['qc']['flag'] = 'good'): Observation =>
  ({ ts, sensor: 'wxt', quantity, value, qc: flag === 'good' ? qc('good') : qc(flag, 'range') });
const agg = (obs: Observation[], prevRainCounter: number | null = null) =>
  aggregateMinute({ sensor: 'wxt', minuteStart: T0, obs, prevRainCounter, elevationM: 3 });
const wind = (pairs: [number, number][]) => pairs.flatMap(([s, d], i) => [o('wind_speed', s, T0 + i * 1000), o('wind_from_direction', d, T0 + i * 1000)]);

describe('one-minute aggregation (qc.md §6, §7 worked examples)', () => {
  it('vector-mean direction across north: 5@350, 5@10 → 0°', () => {
    const r = agg(wind([[5, 350], [5, 10]]));
    expect(r.values.wind_from_direction!.v! % 360).toBeCloseTo(0, 3);
    expect(r.values.wind_speed!.v).toBeCloseTo(5, 3);
  });
  it('10@30, 5@90 → direction 60°, scalar mean 7.5 m/s', () => {
    const r = agg(wind([[10, 30], [5, 90]]));
    expect(r.values.wind_from_direction!.v).toBeCloseTo(60, 3);
    expect(r.values.wind_speed!.v).toBeCloseTo(7.5, 3);
  });
  it('opposed winds have no mean direction', () => {
    expect(agg(wind([[3, 0], [3, 90], [3, 180], [3, 270]])).values.wind_from_direction!.v).toBeNull();
  });
  it('calm gives no direction (null, not 0 = north), and it is not "missing"', () => {
    const r = agg(wind([[0.1, 0], [0.2, 0], [0, 0]]));
    expect(r.values.wind_from_direction).toMatchObject({ v: null, f: 'good' });
  });
  it('gust is the largest device gust of the minute', () => {
    expect(agg([o('wind_speed_of_gust', 6.1), o('wind_speed_of_gust', 9.7), o('wind_speed_of_gust', 7)]).values.wind_speed_of_gust!.v).toBe(9.7);
  });
  it('bad samples are skipped, suspect ones used and inherited, nothing vanishes', () => {
    // A 20-s probe: 3 samples expected, 2 usable (the 2/3 availability is met).
    const r = agg([o('air_temperature', 24, T0), o('air_temperature', 99, T0 + 20_000, 'bad'), o('air_temperature', 26, T0 + 40_000, 'suspect')]);
    expect(r.values.air_temperature).toEqual({ v: 25, f: 'suspect', r: ['range'], n: 2 });
  });
  it('only bad samples → missing, with the reason kept', () => {
    expect(agg([o('air_pressure', 1200, undefined, 'bad')]).values.air_pressure).toEqual({ v: null, f: 'missing', r: ['range'], n: 0 });
  });
  it('rain by counter difference against the counter before the minute', () => {
    const r = agg([o('precipitation_amount_since_reset', 12.4), o('precipitation_amount_since_reset', 12.9)], 12.1);
    expect(r.values.precipitation_amount!.v).toBeCloseTo(0.8, 6);
  });
  it('a counter that goes back (device restarted at 0) adds the rain since the restart, flagged suspect, never negative', () => {
    const r = agg([o('precipitation_amount_since_reset', 0.2)], 12.1);
    expect(r.values.precipitation_amount).toMatchObject({ v: 0.2, f: 'suspect', r: ['sensor_status'] });
  });
  it('derives dew point and sea-level pressure from the minute means', () => {
    const r = agg([o('air_temperature', 25), o('relative_humidity', 80), o('air_pressure', 1012)]);
    expect(r.values.dew_point_temperature!.v).toBeCloseTo(dewPoint(25, 80), 2);
    expect(r.values.air_pressure_at_mean_sea_level!.v).toBeCloseTo(1012.34, 2);
  });
});

describe('one-minute gust and availability', () => {
  it('without a device gust, the gust is the largest 3-s running mean of the 1 Hz speeds (qc.md §7)', () => {
    const r = agg([5, 6, 9, 12, 8, 6].map((v, i) => o('wind_speed', v, T0 + i * 1000)));
    expect(r.values.wind_speed_of_gust!.v).toBeCloseTo(9.667, 3);
  });
  it('a device gust (WXT Sx) wins over the computed one', () => {
    const r = agg([...[5, 6, 9, 12, 8, 6].map((v, i) => o('wind_speed', v, T0 + i * 1000)), o('wind_speed_of_gust', 13.1, T0 + 5000)]);
    expect(r.values.wind_speed_of_gust!.v).toBe(13.1);
  });
  it('a 1 Hz mean with under 2/3 of its 60 samples keeps its value, flagged missing+incomplete', () => {
    const thin = agg(Array.from({ length: 39 }, (_, i) => o('air_temperature', 20, T0 + i * 1000)));
    expect(thin.values.air_temperature).toEqual({ v: 20, f: 'missing', r: ['incomplete'], n: 39 });
    const enough = agg(Array.from({ length: 40 }, (_, i) => o('air_temperature', 20, T0 + i * 1000)));
    expect(enough.values.air_temperature).toEqual({ v: 20, f: 'good', n: 40 });
  });
  it('an interior gap counts (10 s of 1 Hz, 40 s silent, 10 s again: missing+incomplete)', () => {
    const r = agg([...Array.from({ length: 10 }, (_, i) => o('wind_speed', 5, T0 + i * 1000)), ...Array.from({ length: 10 }, (_, i) => o('wind_speed', 5, T0 + 50_000 + i * 1000))]);
    expect(r.values.wind_speed).toMatchObject({ f: 'missing', r: ['incomplete'] });
  });
  it('irregular spacing (bursts) says nothing about what is expected: no flag from it', () => {
    const bursty = Array.from({ length: 30 }, (_, i) => o('wind_speed', 5, T0 + Math.floor(i / 2) * 4000 + (i % 2) * 150));
    expect(agg(bursty).values.wind_speed!.f).toBe('good');
  });
  it('an incomplete temperature does not make a dew point', () => {
    const r = agg([...Array.from({ length: 10 }, (_, i) => o('air_temperature', 20, T0 + i * 1000)), o('relative_humidity', 80, T0)]);
    expect(r.values.dew_point_temperature).toBeUndefined();
  });
});

describe('formulas', () => {
  it('sea-level pressure worked example: 1012.0 hPa, 25 °C, 80 %, 3 m → 1012.34 hPa', () => {
    expect(seaLevelPressure(1012, 25, 80, 3)).toBeCloseTo(1012.34, 2);
  });
  it('dew point equals temperature at saturation and is lower below it', () => {
    expect(dewPoint(20, 100)).toBeCloseTo(20, 6);
    expect(dewPoint(27.7, 80)).toBeCloseTo(23.9, 1); // weather-sim.md §4 August example
  });
});

describe('flags of aggregates', () => {
  it('samples no test applied to give a not_checked aggregate, never a good one', () => {
    const r = aggregateMinute({ sensor: 'wxt', minuteStart: T0, elevationM: 3, prevRainCounter: null, obs: [
      { ts: T0, sensor: 'wxt', quantity: 'supply_voltage', value: 12.1, qc: qc('not_checked') },
    ] });
    expect(r.values.supply_voltage!.f).toBe('not_checked');
  });
});
