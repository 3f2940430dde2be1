import { describe, expect, it } from 'vitest';
import type { MinuteRecord } from '../../core/index.ts';
import { severeWeather } from './cameras.ts';

const minute = (values: MinuteRecord['values']): MinuteRecord => ({ ts: 0, sensor: 'wxt530', values });
const good = (v: number) => ({ v, f: 'good' as const, n: 60 });

describe('severe weather rule for faster snapshots', () => {
  it('fires on a gale gust, strong mean wind, heavy rain or a step-flagged value', () => {
    expect(severeWeather([minute({ wind_speed: good(6), wind_speed_of_gust: good(9) })])).toBeNull();
    expect(severeWeather([minute({ wind_speed_of_gust: good(17.2) })])).toMatch(/gust 17.2/);
    expect(severeWeather([minute({ wind_speed: good(14) })])).toMatch(/wind 14/);
    expect(severeWeather([minute({ rainfall_rate: good(12) })])).toMatch(/rain 12 mm\/h/);
    expect(severeWeather([minute({ precipitation_amount: good(0.3) })])).toMatch(/0.3 mm in a minute/);
    expect(severeWeather([minute({ air_pressure: { v: 1003, f: 'suspect', n: 6, r: ['step'] } })])).toMatch(/air_pressure step-flagged/);
  });

  it('ignores values QC says are bad or missing', () => {
    expect(severeWeather([minute({ wind_speed_of_gust: { v: 60, f: 'bad', n: 60, r: ['range'] } })])).toBeNull();
    expect(severeWeather([minute({ rainfall_rate: { v: null, f: 'missing', n: 0 } })])).toBeNull();
    expect(severeWeather([minute({ air_temperature: { v: 40, f: 'bad', n: 6, r: ['step'] } })])).toBeNull();
  });
});
