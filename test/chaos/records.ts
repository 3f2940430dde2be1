// Synthetic one-minute records for the chaos cases (the values do not matter, the keys do).
import type { MinuteRecord } from '../../core/index.ts';

export const T0 = Date.UTC(2026, 9, 1);
export const minute = (i: number, t0 = T0): MinuteRecord => ({
  ts: t0 + i * 60_000, sensor: 'wxt530',
  values: { air_temperature: { v: 20 + (i % 50) / 10, f: 'good', n: 6 }, wind_speed: { v: (i % 13) / 2, f: i % 17 ? 'good' : 'suspect', n: 60, ...(i % 17 ? {} : { r: ['step' as const] }) } },
});
