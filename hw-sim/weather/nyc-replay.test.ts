import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import { nycReplay } from './nyc-replay.ts';
import { dewPoint } from './physics.ts';

const CSV = fileURLToPath(new URL('../../../shared/data/nyc-2013-hourly.csv', import.meta.url));
const HOUR = 3_600_000;

/** The JFK rows as plain records, straight from the file, for expected values. */
function jfkRows() {
  const [head, ...lines] = readFileSync(CSV, 'utf8').trim().split('\n');
  const h = head!.split(',');
  return lines.map((l) => l.split(',')).filter((f) => f[0] === 'JFK').map((f) => Object.fromEntries(h.map((k, i) => [k, f[i]!])));
}
const n = (s: string | undefined) => (s === undefined || s === 'NA' ? null : Number(s));

describe('nycReplay', () => {
  const exact = nycReplay({ noise: false });
  const rows = jfkRows();
  const byTime = new Map(rows.map((r) => [Date.parse(r.time_hour!), r]));

  it('reproduces the CSV at whole hours, in WMO units', () => {
    const t = Date.parse('2013-07-01T14:00:00Z'); // JFK 190° 19.56326 mph, 75.02 °F, 94.1 %, pressure NA
    const x = exact.at(t);
    expect(x.wind_speed).toBeCloseTo(19.56326 * 0.44704, 9);
    expect(x.wind_from_direction).toBeCloseTo(190, 9);
    expect(x.air_temperature).toBeCloseTo(((75.02 - 32) * 5) / 9, 9);
    expect(x.relative_humidity).toBeCloseTo(94.1, 9);
    // Pressure NA at 12–19 UTC: bridged between 1014.9 (13 UTC) and 1015.9 (20 UTC).
    expect(x.air_pressure_at_mean_sea_level).toBeCloseTo(1014.9 + (1 / 7) * 1.0, 9);
    let checked = 0;
    for (const [time, r] of byTime) {
      if (time < Date.parse('2013-07-01T00:00:00Z') || time > Date.parse('2013-07-08T00:00:00Z')) continue;
      const s = exact.at(time);
      if (n(r.temp) !== null) expect(s.air_temperature).toBeCloseTo(((n(r.temp)! - 32) * 5) / 9, 9);
      if (n(r.pressure) !== null) expect(s.air_pressure_at_mean_sea_level).toBeCloseTo(n(r.pressure)!, 9);
      if (n(r.wind_speed) !== null) expect(s.wind_speed).toBeCloseTo(n(r.wind_speed)! * 0.44704, 9);
      if (n(r.wind_speed)! > 0 && n(r.wind_dir) !== null) expect(Math.abs(((s.wind_from_direction - n(r.wind_dir)! + 540) % 360) - 180)).toBeLessThan(1e-6);
      checked++;
    }
    expect(checked).toBeGreaterThan(150);
  });

  it('interpolates linearly between hours, direction through the vector', () => {
    const t = Date.parse('2013-07-01T00:00:00Z');
    const half = exact.at(t + HOUR / 2);
    expect(half.air_temperature).toBeCloseTo(((73.04 + 73.4) / 2 - 32) * (5 / 9), 9);
    expect(half.wind_speed).toBeCloseTo(11.5078 * 0.44704, 9);
    // 14 → 15 UTC: 190° → 270°: the vector mean lies between, not at the arithmetic 230° exactly.
    const d = exact.at(Date.parse('2013-07-01T14:30:00Z')).wind_from_direction;
    expect(d).toBeGreaterThan(190);
    expect(d).toBeLessThan(270);
  });

  it('treats a calm hour as speed 0', () => {
    const calm = rows.find((r) => r.wind_speed === '0' && r.wind_dir === '0');
    expect(calm).toBeDefined();
    expect(exact.at(Date.parse(calm!.time_hour!)).wind_speed).toBe(0);
  });

  it('accumulates rain monotonically: the sum of the hourly amounts', () => {
    const from = Date.parse('2013-07-01T00:00:00Z');
    const to = Date.parse('2013-07-03T00:00:00Z');
    let expected = 0;
    let last = 0;
    for (let t = from; t <= to; t += HOUR) {
      if (t > from) expected += (n(byTime.get(t)?.precip) ?? 0) * 25.4;
      const s = exact.at(t);
      expect(s.precipitation_amount_since_start).toBeCloseTo(expected, 9);
      expect(s.precipitation_amount_since_start).toBeGreaterThanOrEqual(last);
      last = s.precipitation_amount_since_start;
    }
    expect(expected).toBeGreaterThanOrEqual((0.65 + 0.21 + 0.1 + 0.01 + 0.01) * 25.4 - 1e-9); // at least 2013-07-01 15–19 UTC
    // The 0.65 in of 15 UTC fell at 16.51 mm/h during 14–15 UTC.
    expect(exact.at(Date.parse('2013-07-01T14:30:00Z')).rainfall_rate).toBeCloseTo(0.65 * 25.4, 9);
    expect(exact.at(Date.parse('2013-07-01T14:30:00Z')).precipitation_amount_since_start).toBeCloseTo(0.65 * 25.4 / 2, 9);
  });

  it('maps scenario time onto data time from the start, and is deterministic with noise', () => {
    const start = Date.UTC(2026, 0, 1);
    const shifted = nycReplay({ noise: false, start, from: '2013-07-01T14:00:00Z' });
    expect(shifted.at(start).wind_speed).toBeCloseTo(19.56326 * 0.44704, 9);
    expect(shifted.at(start).ts).toBe(start);
    const a = nycReplay({ start });
    const b = nycReplay({ start });
    expect(a.at(start + 12_345_000)).toEqual(b.at(start + 12_345_000));
    for (let i = 0; i < 3600; i += 7) {
      const x = a.at(start + i * 1000);
      expect(x.relative_humidity).toBeLessThanOrEqual(100);
      expect(dewPoint(x.air_temperature, x.relative_humidity)).toBeLessThanOrEqual(x.air_temperature + 1e-9);
      expect(Math.abs(x.wind_speed - shifted.at(start + (i - 14 * 3600) * 1000 + 14 * HOUR).wind_speed)).toBeLessThan(5);
    }
  });
});
