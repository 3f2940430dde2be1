import { describe, expect, it } from 'vitest';
import { NOT_CHECKED, qc, type Observation, type Quantity } from '../../core/index.ts';
import { checkRange } from './range.ts';

const climate = { air_temperature: [5, 37], relative_humidity: [20, 100], air_pressure: [905, 1040] } as const;
const obs = (quantity: Quantity, value: number | null, q = NOT_CHECKED): Observation => ({ ts: 0, sensor: 'wxt', quantity, value, qc: q });

describe('gross range QC (qc.md §2)', () => {
  it.each([
    ['air_temperature', 24.1, 'good'],
    ['air_temperature', 38, 'suspect'],
    ['air_temperature', 4.9, 'suspect'],
    ['air_temperature', 61, 'bad'],
    ['air_temperature', -81, 'bad'],
    ['relative_humidity', 101.5, 'suspect'],
    ['relative_humidity', 104, 'bad'],
    ['air_pressure', 1014.6, 'good'],
    ['air_pressure', 900, 'suspect'],
    ['air_pressure', 1101, 'bad'],
    ['wind_speed', 76, 'bad'],
    ['wind_speed_of_gust', 59.7, 'good'],
    ['wind_from_direction', 361, 'bad'],
    ['supply_voltage', 12.1, 'not_checked'],
  ] as const)('%s = %s is %s', (q, v, flag) => {
    const out = checkRange(obs(q, v), climate);
    expect(out.qc.flag).toBe(flag);
    expect(out.value).toBe(v); // flags, never edits
    if (flag === 'bad' || flag === 'suspect') expect(out.qc.reasons).toContain('range');
  });

  it('RH above 100 is suspect even with no climate limits configured', () => {
    expect(checkRange(obs('relative_humidity', 100.5), {}).qc.flag).toBe('suspect');
  });

  it('an absent value is missing and keeps the driver reason', () => {
    const out = checkRange(obs('wind_speed', null, qc('missing', 'sensor_status')), climate);
    expect(out.qc).toEqual({ flag: 'missing', reasons: ['sensor_status'] });
  });

  it('a driver flag is never downgraded by a passing range test', () => {
    const out = checkRange(obs('air_temperature', 20, qc('bad', 'sensor_status')), climate);
    expect(out.qc.flag).toBe('bad');
  });
});
