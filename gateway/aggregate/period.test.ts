import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { QC_REASONS, type MinuteRecord, type MinuteValue, type Observation } from '../../core/index.ts';
import { aggregatePeriod } from './period.ts';

const T0 = Date.UTC(2026, 6, 1, 0, 0);
const M = 60_000;
const g = (v: number | null, n = 60): MinuteValue => ({ v, f: 'good', n });
const minutes = (count: number, values: (i: number) => MinuteRecord['values']): MinuteRecord[] =>
  Array.from({ length: count }, (_, i) => ({ ts: T0 + i * M, sensor: 'wxt', values: values(i) }));
const agg = (ms: MinuteRecord[], period: '10min' | '1h' = '10min', wind: Observation[] = []) =>
  aggregatePeriod({ period, start: T0, sensor: 'wxt', minutes: ms, wind, elevationM: 3 });

describe('10-min and hourly aggregates (qc.md §6)', () => {
  it('means, extremes, rain sum and largest 1-min intensity', () => {
    const a = agg(minutes(10, (i) => ({ air_temperature: g(20 + i), precipitation_amount: g(i === 4 ? 0.6 : 0.1, 6) })));
    expect(a.values.air_temperature).toEqual({ v: 24.5, f: 'good', n: 10 });
    expect(a.values.air_temperature_max!.v).toBe(29);
    expect(a.values.air_temperature_min!.v).toBe(20);
    expect(a.values.precipitation_amount!.v).toBeCloseTo(1.5, 6);
    expect(a.values.rainfall_rate_max!.v).toBeCloseTo(36, 6);
  });
  it('availability: a mean from 7 of 10 minutes is missing+incomplete (value kept); 8 of 10 is fine', () => {
    const seven = agg(minutes(10, (i) => ({ air_temperature: i < 7 ? g(20) : { v: null, f: 'missing', n: 0 } })));
    expect(seven.values.air_temperature).toEqual({ v: 20, f: 'missing', r: ['incomplete'], n: 7 });
    expect(seven.values.air_temperature_max).toMatchObject({ v: 20, f: 'suspect', r: ['incomplete'] });
    const eight = agg(minutes(10, (i) => ({ air_temperature: i < 8 ? g(20) : { v: null, f: 'missing', n: 0 } })));
    expect(eight.values.air_temperature!.f).toBe('good');
  });
  it('a rain sum needs every minute: 59 of 60 → suspect+incomplete', () => {
    const a = agg(minutes(60, (i) => ({ precipitation_amount: i === 10 ? { v: null, f: 'missing', r: ['sensor_status'], n: 1 } : g(0.1, 6) })), '1h');
    expect(a.values.precipitation_amount).toMatchObject({ f: 'suspect', r: ['incomplete'], n: 59 });
    expect(a.values.precipitation_amount!.v).toBeCloseTo(5.9, 6);
  });
  it('wind from the raw samples: vector mean across north, Yamartino σθ, gust = largest minute gust', () => {
    const wind: Observation[] = [];
    for (let s = 0; s < 600; s++) {
      const ts = T0 + s * 1000;
      wind.push({ ts, sensor: 'wxt', quantity: 'wind_speed', value: 5, qc: { flag: 'good', reasons: [] } });
      wind.push({ ts, sensor: 'wxt', quantity: 'wind_from_direction', value: s % 2 ? 350 : 10, qc: { flag: 'good', reasons: [] } });
    }
    const a = agg(minutes(10, (i) => ({ wind_speed: g(5), wind_from_direction: g(0), wind_speed_of_gust: g(7 + i / 10) })), '10min', wind);
    expect(a.values.wind_speed!.v).toBe(5);
    expect(Math.min(a.values.wind_from_direction!.v!, 360 - a.values.wind_from_direction!.v!)).toBeLessThan(1e-3);
    expect(a.values.wind_from_direction_sd!.v).toBeCloseTo(10.008, 2);
    expect(a.values.wind_speed_of_gust!.v).toBeCloseTo(7.9, 6);
  });
  it('hourly 3-h tendency from the 1-min pressures: the worked example gives a = 6, ppp 1.5', () => {
    const a = aggregatePeriod({ period: '1h', start: T0, sensor: 'wxt', minutes: [], elevationM: 3, pressure: { p0: g(1010.9), p15: g(1011.2), p3: g(1012.4) } });
    expect(a.values.air_pressure_tendency_characteristic!.v).toBe(6);
    expect(a.values.air_pressure_tendency!.v).toBeCloseTo(1.5, 6);
    expect(a.values.air_pressure_change_3h!.v).toBeCloseTo(-1.5, 6);
    const gap = aggregatePeriod({ period: '1h', start: T0, sensor: 'wxt', minutes: [], elevationM: 3, pressure: { p0: g(1010.9), p15: null, p3: g(1012.4) } });
    expect(gap.values.air_pressure_tendency_characteristic).toMatchObject({ v: null, f: 'missing' });
  });
});

describe('flags never vanish (property-based)', () => {
  const flagged = fc.record({
    v: fc.double({ min: 10, max: 30, noNaN: true }),
    f: fc.constantFrom('good', 'suspect', 'bad', 'missing', 'not_checked') as fc.Arbitrary<MinuteValue['f']>,
    r: fc.subarray([...QC_REASONS]),
  });
  it('every reason of a usable minute value is in the aggregate, whose flag is no better than theirs', () => {
    const rank = { not_checked: 0, good: 1, suspect: 2, bad: 3, missing: 4 } as const;
    fc.assert(fc.property(fc.array(flagged, { minLength: 10, maxLength: 10 }), (vals) => {
      const ms = minutes(10, (i) => ({ air_temperature: { v: vals[i]!.v, f: vals[i]!.f, n: 6, ...(vals[i]!.r.length ? { r: vals[i]!.r } : {}) } }));
      const out = agg(ms).values;
      for (const key of ['air_temperature', 'air_temperature_max', 'air_temperature_min'] as const) {
        const a = out[key]!;
        for (const x of vals.filter((x) => x.f !== 'bad' && x.f !== 'missing')) {
          for (const r of x.r) expect(a.r ?? []).toContain(r);
          expect(rank[a.f]).toBeGreaterThanOrEqual(rank[x.f]);
        }
        if (vals.every((x) => x.f === 'bad' || x.f === 'missing')) expect(a).toMatchObject({ v: null, f: 'missing' });
      }
    }));
  });
});
