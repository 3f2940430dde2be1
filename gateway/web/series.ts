// The status page's 24-hour plots (`/api/series`): per quantity and sensor, the 10-minute
// aggregates of the last 24 hours from the store, then the one-minute records after the last
// closed 10-minute period, so a plot reaches the present minute. Each point keeps its QC
// flag: the page marks suspect and bad points instead of hiding them.
import { QUANTITIES, type Quantity } from '../../core/index.ts';
import { unpackJson, unpackRecord, type Db } from '../store/index.ts';

export interface SeriesPoint { t: number; v: number; f: string }
export interface QuantitySeries { quantity: string; label: string; unit: string; sensors: Array<{ sensor: string; points: SeriesPoint[] }> }

const DAY = 86_400_000;
const TEN_MIN = 600_000;
// Device counters and housekeeping are not plotted: a technician reads weather and supply here.
const SKIP = new Set<string>(['precipitation_amount_since_reset', 'heater_temperature', 'heating_voltage']);

type Values = Record<string, { v: number | null; f: string } | undefined>;

export function series24h(db: Db, now: number, sensors: readonly string[]): QuantitySeries[] {
  const from = now - DAY;
  const by = new Map<string, Map<string, SeriesPoint[]>>(); // quantity → sensor → points
  const put = (sensor: string, t: number, values: Values) => {
    for (const [q, mv] of Object.entries(values)) {
      if (!(q in QUANTITIES) || SKIP.has(q) || !mv || mv.v === null || typeof mv.v !== 'number') continue;
      let s = by.get(q);
      if (!s) by.set(q, (s = new Map()));
      let pts = s.get(sensor);
      if (!pts) s.set(sensor, (pts = []));
      pts.push({ t, v: mv.v, f: mv.f });
    }
  };
  // The middle of a 10-minute period is where its mean belongs on a time axis.
  const aggs = db.prepare("SELECT sensor, ts, record FROM aggregates WHERE period = '10min' AND ts >= ? AND ts <= ? ORDER BY ts").all(from, now) as Array<{ sensor: string; ts: number; record: Buffer | string }>;
  const lastAgg = new Map<string, number>();
  for (const a of aggs) {
    put(a.sensor, a.ts + TEN_MIN / 2, unpackJson<{ values: Values }>(a.record).values);
    lastAgg.set(a.sensor, a.ts + TEN_MIN);
  }
  // minute_records are in time order (index (ts, sensor), migration 9): one short range read per sensor, only after its last 10-minute period
  const minutes = db.prepare('SELECT ts, record FROM minute_records WHERE sensor = ? AND ts >= ? AND ts <= ? ORDER BY ts');
  for (const sensor of sensors) {
    for (const m of minutes.iterate(sensor, lastAgg.get(sensor) ?? from, now) as Iterable<{ ts: number; record: Buffer | string }>) {
      put(sensor, m.ts + 30_000, unpackRecord(m.record).values as Values);
    }
  }
  const order = Object.keys(QUANTITIES);
  return [...by.entries()]
    .sort(([a], [b]) => order.indexOf(a) - order.indexOf(b))
    .map(([q, sensors]) => ({
      quantity: q, label: QUANTITIES[q as Quantity].label, unit: QUANTITIES[q as Quantity].unit,
      sensors: [...sensors.entries()].map(([sensor, points]) => ({ sensor, points })),
    }));
}
