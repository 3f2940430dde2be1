// The evaluator and the baselines on series whose right answers are known.
import { describe, expect, it } from 'vitest';
import { type HourlySeries } from './data.ts';
import { evaluate } from './evaluate.ts';
import { featuresAt, FEATURES } from './features.ts';

/** 30 days: temperature a pure 24-h cycle, pressure a steady fall, wind steady from the east. */
function synthetic(): HourlySeries {
  const n = 30 * 24;
  const f = (g: (i: number) => number) => Float64Array.from({ length: n }, (_, i) => g(i));
  return {
    station: 'SYN',
    start: Date.UTC(2014, 9, 1),
    temperature: f((i) => 20 + 4 * Math.sin((2 * Math.PI * i) / 24)),
    dewPoint: f(() => 10),
    pressure: f((i) => 1020 - 0.1 * i),
    windSpeed: f(() => 5),
    windFrom: f(() => 90),
    precip: f((i) => (i % 50 === 0 ? 1 : 0)),
    localHour: f((i) => i % 24),
  };
}

describe('evaluate', () => {
  it('scores each baseline where its answer is right, and a persistence model at skill 0', async () => {
    const s = synthetic();
    // Like the real model, it speaks once the 7-day window is there; before that it withholds.
    const e = await evaluate([s], async (_s, i) => (i >= 7 * 24 ? { change: new Array(9).fill(0), rain: 0 } : undefined));
    expect(e.n).toBe(30 * 24 - 7 * 24 - 6); // every hour after the window that has a +6 h truth
    expect(e.withheld).toBe(7 * 24);
    expect(e.skill.air_temperature!['3h']).toBeCloseTo(0, 9);
    expect(e.mae.diurnal_7day!.air_temperature!['6h']).toBeLessThan(1e-9); // the cycle repeats exactly
    expect(e.mae.persistence!.air_temperature!['6h']).toBeGreaterThan(1);
    expect(e.mae.linear_trend!.air_pressure_at_mean_sea_level!['1h']).toBeLessThan(1e-9); // a steady fall
    expect(e.mae.persistence!.air_pressure_at_mean_sea_level!['3h']).toBeCloseTo(0.3, 9);
    expect(e.mae.persistence!.wind_speed!['6h']).toBe(0);
    expect(e.brier.model).toBeGreaterThan(0);
  });

  it('does not score hours the model withholds, and does not score them for the baselines either', async () => {
    const s = synthetic();
    let calls = 0;
    const e = await evaluate([s], async () => (++calls % 2 ? undefined : { change: new Array(9).fill(0), rain: 0 }));
    expect(e.withheld).toBeGreaterThan(0);
    expect(e.n + e.withheld).toBe(calls);
  });

  it('builds no input vector (and so no forecast) over a gap: never NaN', () => {
    const s = synthetic();
    const i = 10 * 24;
    expect(featuresAt(s, i)?.length).toBe(FEATURES.length);
    s.pressure[i - 3] = NaN;
    expect(featuresAt(s, i)).toBeUndefined();
  });
});

describe('localSolarHour', () => {
  it('is UTC shifted by longitude/15 h: Chichijima (142.2° E) is UTC+9.48 h, New York (74° W) UTC−4.93 h', async () => {
    const { localSolarHour } = await import('./features.ts');
    expect(localSolarHour(Date.UTC(2026, 6, 1, 3), 142.2)).toBeCloseTo(12.48, 6);
    expect(localSolarHour(Date.UTC(2026, 6, 1, 3), -74)).toBeCloseTo(22.0667, 3);
    expect(localSolarHour(Date.UTC(2026, 6, 1, 0), 0)).toBe(0);
  });
});
