import { describe, expect, it } from 'vitest';
import { tradeWindDay, DEFAULT_TRADE_WIND_START } from './trade-wind.ts';
import { dewPoint } from './physics.ts';

const HOUR = 3_600_000;
const day = (start = DEFAULT_TRADE_WIND_START) => Array.from({ length: 24 * 60 }, (_, i) => start + i * 60_000);

describe('tradeWindDay', () => {
  it('is a pure function of time: same ts, same sample; another seed, other noise', () => {
    const a = tradeWindDay({ seed: 7 });
    const b = tradeWindDay({ seed: 7 });
    const c = tradeWindDay({ seed: 8 });
    const ts = DEFAULT_TRADE_WIND_START + 5 * HOUR + 1234;
    expect(a.at(ts)).toEqual(b.at(ts));
    expect(a.at(ts)).toEqual(a.at(ts - 234)); // inside the same second
    expect(a.at(ts).wind_speed).not.toBe(c.at(ts).wind_speed);
  });

  it('stays inside the Chichijima July band with RH ≤ 100 and dew point ≤ T', () => {
    const s = tradeWindDay();
    const samples = day().map((t) => s.at(t));
    const temps = samples.map((x) => x.air_temperature);
    // July normals: min 25.4, max 30.0 (weather-sim.md §1); shower cooling and noise allowed.
    expect(Math.min(...temps)).toBeGreaterThan(22.5);
    expect(Math.max(...temps)).toBeLessThan(31);
    expect(Math.max(...temps) - Math.min(...temps)).toBeGreaterThan(3.5);
    for (const x of samples) {
      expect(x.relative_humidity).toBeGreaterThanOrEqual(0);
      expect(x.relative_humidity).toBeLessThanOrEqual(100);
      expect(dewPoint(x.air_temperature, x.relative_humidity)).toBeLessThanOrEqual(x.air_temperature + 1e-9);
      expect(x.air_pressure_at_mean_sea_level).toBeGreaterThan(1010);
      expect(x.air_pressure_at_mean_sea_level).toBeLessThan(1020);
      expect(x.air_pressure_at_mean_sea_level - x.air_pressure).toBeCloseTo(0.35, 2);
    }
  });

  it('has its maximum in the afternoon and minimum near dawn (JST)', () => {
    const s = tradeWindDay({ shower: false });
    const hourly = Array.from({ length: 24 }, (_, h) => s.at(DEFAULT_TRADE_WIND_START + h * HOUR).air_temperature);
    expect(hourly.indexOf(Math.max(...hourly))).toBeGreaterThanOrEqual(12);
    expect(hourly.indexOf(Math.max(...hourly))).toBeLessThanOrEqual(16);
    expect(hourly.indexOf(Math.min(...hourly))).toBeLessThanOrEqual(5);
  });

  it('blows a gusty easterly trade wind: mean 4–7 m/s from 80–110°, σ ≈ 0.1·U at 1 Hz', () => {
    const s = tradeWindDay();
    const t0 = DEFAULT_TRADE_WIND_START + 9 * HOUR;
    const tenMin = Array.from({ length: 600 }, (_, i) => s.at(t0 + i * 1000));
    const speeds = tenMin.map((x) => x.wind_speed);
    const mean = speeds.reduce((a, b) => a + b, 0) / speeds.length;
    const sd = Math.sqrt(speeds.reduce((a, b) => a + (b - mean) ** 2, 0) / speeds.length);
    expect(mean).toBeGreaterThan(4);
    expect(mean).toBeLessThan(7);
    expect(sd / mean).toBeGreaterThan(0.05);
    expect(sd / mean).toBeLessThan(0.2);
    const gust = Math.max(...speeds);
    expect(gust / mean).toBeGreaterThan(1.1);
    expect(gust / mean).toBeLessThan(1.7);
    for (const x of tenMin) {
      expect(x.wind_from_direction).toBeGreaterThan(60);
      expect(x.wind_from_direction).toBeLessThan(130);
    }
  });

  it('rains a short afternoon shower whose rate integrates to the cumulative amount', () => {
    const s = tradeWindDay({ shower: { startHourJst: 15, durationMin: 20, totalMm: 4 } });
    const before = s.at(DEFAULT_TRADE_WIND_START + 15 * HOUR - 1000);
    const after = s.at(DEFAULT_TRADE_WIND_START + 16 * HOUR);
    expect(before.precipitation_amount_since_start).toBe(0);
    expect(after.precipitation_amount_since_start).toBeCloseTo(4, 9);
    let integral = 0;
    let last = 0;
    for (let t = DEFAULT_TRADE_WIND_START + 15 * HOUR; t < DEFAULT_TRADE_WIND_START + 15.5 * HOUR; t += 1000) {
      const x = s.at(t);
      integral += x.rainfall_rate / 3600;
      expect(x.precipitation_amount_since_start).toBeGreaterThanOrEqual(last);
      last = x.precipitation_amount_since_start;
    }
    expect(integral).toBeCloseTo(4, 2);
    expect(s.at(DEFAULT_TRADE_WIND_START + 15 * HOUR + 19 * 60_000).relative_humidity).toBeGreaterThan(90);
  });

  it('counts rain from its own start, never before it', () => {
    const start = DEFAULT_TRADE_WIND_START + 15 * HOUR + 10 * 60_000; // mid-shower
    const s = tradeWindDay({ start });
    expect(s.at(start - 60_000).precipitation_amount_since_start).toBe(0);
    expect(s.at(start).precipitation_amount_since_start).toBe(0);
    expect(s.at(start + HOUR).precipitation_amount_since_start).toBeCloseTo(2, 6); // second half of a symmetric 4 mm bump
    expect(tradeWindDay({ shower: false }).at(DEFAULT_TRADE_WIND_START + 16 * HOUR).rainfall_rate).toBe(0);
  });
});
