// Shared by the nowcast runner's tests: a log captured as objects and a synthetic hourly
// history written to the `aggregates` table as the minute closer would.
import pino from 'pino';
import type { PeriodAggregate } from '../aggregate/period.ts';
import type { Db } from '../store/index.ts';

const HOUR = 3_600_000;

/** Log lines as objects, so a test can count the warnings. */
export function memoryLog() {
  const lines: Array<{ level: number; msg: string; [k: string]: unknown }> = [];
  const log = pino({ level: 'info' }, { write: (s: string) => { lines.push(JSON.parse(s)); } });
  return { log, lines };
}

/** Hourly aggregates of one sensor for the hours starting at from, from + 1 h, …, < to. */
export function seedHours(db: Db, from: number, to: number, sensor = 'wxt530'): void {
  const ins = db.prepare("INSERT OR REPLACE INTO aggregates (period, sensor, ts, record) VALUES ('1h', ?, ?, ?)");
  for (let ts = from; ts < to; ts += HOUR) {
    const h = ts / HOUR;
    const t = 20 + 3 * Math.sin((2 * Math.PI * h) / 24);
    const p = 1013 + 2 * Math.sin((2 * Math.PI * h) / 100);
    const g = (v: number) => ({ v, f: 'good' as const, n: 60 });
    const agg: PeriodAggregate = {
      period: '1h', ts, sensor, values: {
        air_temperature: g(t), dew_point_temperature: g(t - 3), air_pressure: g(p - 0.4), air_pressure_at_mean_sea_level: g(p),
        wind_speed: g(5 + Math.sin((2 * Math.PI * h) / 24)), wind_from_direction: g(90 + 10 * Math.sin(h / 7)), precipitation_amount: g(h % 50 === 0 ? 0.6 : 0),
      },
    };
    ins.run(sensor, ts, JSON.stringify(agg));
  }
}

