import { describe, expect, it } from 'vitest';
import { HOUR_MS } from './data.ts';
import { seriesFromHours } from './from-hourly.ts';

describe('seriesFromHours', () => {
  it('puts each hour at its end, keeps gaps, uses only good values, reduces station pressure when asked', () => {
    const t0 = Date.UTC(2026, 6, 1, 0);
    const s = seriesFromHours([
      { ts: t0, values: { air_temperature: { v: 25, f: 'good' }, air_pressure: { v: 1000, f: 'good' }, wind_speed: { v: 0, f: 'good' }, wind_from_direction: { v: null, f: 'good' }, precipitation_amount: { v: 0.2, f: 'good' } } },
      // t0 + 1 h missing entirely
      { ts: t0 + 2 * HOUR_MS, values: { air_temperature: { v: 99, f: 'bad' }, air_pressure: { v: 1001, f: 'suspect' }, dew_point_temperature: { v: 20, f: 'not_checked' } } },
    ], { station: 'CHI', longitude: 142.19, seaLevelOffsetHpa: 2.5 });
    expect(s.start).toBe(t0 + HOUR_MS);
    expect(s.temperature.length).toBe(3);
    expect(s.temperature[0]).toBe(25);
    expect(s.pressure[0]).toBeCloseTo(1002.5, 9);
    expect(s.windSpeed[0]).toBe(0);
    expect(Number.isNaN(s.windFrom[0]!)).toBe(true);
    expect(s.precip[0]).toBeCloseTo(0.2, 9);
    expect(Number.isNaN(s.temperature[1]!)).toBe(true); // the hour with no aggregate
    expect(Number.isNaN(s.temperature[2]!)).toBe(true); // bad
    expect(Number.isNaN(s.pressure[2]!)).toBe(true); // suspect
    expect(s.dewPoint[2]).toBe(20);
    expect(s.localHour[0]).toBeCloseTo(1 + 142.19 / 15, 6);
    expect(() => seriesFromHours([], { station: 'X', longitude: 0 })).toThrow(/no hourly aggregates/);
  });
});
