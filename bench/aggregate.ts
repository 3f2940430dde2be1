// aggregate_readings_per_s: QC and every aggregation level on one core, as the daemon runs
// them — range QC of each reading, the raw store (a real file, WAL, synchronous=FULL), and at
// each minute the closer: 1-min aggregate, minute QC against the stored past (step,
// persistence, consistency), outbox commit, and the 10-min and hourly aggregates.
// Raw QC is range + raw step. Readings: a WXT530 at its station settings — wind every second, PTU and rain every 10 s.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock, type Observation, type Quantity } from '../core/index.ts';
import { MinuteCloser } from '../gateway/pipeline/minutes.ts';
import { qcSettings } from '../gateway/qc/minute.ts';
import { checkRange } from '../gateway/qc/range.ts';
import { RawStepCheck } from '../gateway/qc/raw-step.ts';
import { openDatabase, Outbox, RawWriter } from '../gateway/store/index.ts';

const CLIMATE = { air_temperature: [5, 37], relative_humidity: [20, 100], air_pressure: [905, 1040], wind_speed: [0, 50] } as const;
const EXPECTED: Quantity[] = ['wind_speed', 'wind_from_direction', 'wind_speed_of_gust', 'air_temperature', 'relative_humidity', 'air_pressure', 'precipitation_amount'];

function readingsAt(t: number, s: number): Observation[] {
  const o = (quantity: Quantity, value: number): Observation => ({ ts: t, sensor: 'wxt530', quantity, value, qc: { flag: 'good', reasons: [] } });
  const out = [o('wind_speed', 6 + 2 * Math.sin(s / 9)), o('wind_from_direction', (80 + 15 * Math.sin(s / 13) + 360) % 360), o('wind_speed_of_gust', 8 + 2 * Math.sin(s / 9))];
  if (s % 10 === 0) {
    out.push(o('air_temperature', 26 + Math.sin(s / 3000)), o('relative_humidity', 75 + 5 * Math.sin(s / 2000)), o('air_pressure', 1012 + Math.sin(s / 5000)), o('precipitation_amount_since_reset', Math.floor(s / 300) * 0.1));
  }
  return out;
}

export function benchAggregate(hours = 3) {
  const dir = mkdtempSync(join(tmpdir(), 'bonin-bench-agg-'));
  try {
    const t0 = Date.UTC(2026, 6, 1);
    const clock = new ManualClock(t0);
    const db = openDatabase(join(dir, 'agg.db'));
    // Raw readings batched as the ingest bench batches them (≤ 1,000 a transaction; the closer
    // flushes at each minute): what is timed here is QC and aggregation, not one fsync a second.
    const raw = new RawWriter(db, clock, { flushMs: 60_000, maxPending: 1000 });
    const closer = new MinuteCloser({
      db, raw, outbox: new Outbox(db, 'bench'), clock, elevationM: 3, sensors: new Map([['wxt530', EXPECTED]]),
      qc: qcSettings({ climate: CLIMATE, elevationM: 3 }),
    });
    const rawStep = new RawStepCheck();
    let readings = 0;
    let periods = 0;
    const start = process.hrtime.bigint();
    closer.start(); // the closer runs on the clock's timers, as in the daemon
    for (let s = 0; s < hours * 3600 + 5; s++) {
      const checked = readingsAt(clock.now(), s).map((o) => rawStep.check(checkRange(o, CLIMATE)));
      raw.add(checked);
      readings += checked.length;
      clock.advance(1000);
    }
    closer.stop();
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    periods = (db.prepare("SELECT count(*) AS n FROM aggregates WHERE period IN ('10min', '1h')").get() as { n: number }).n;
    const minutes = (db.prepare('SELECT count(*) AS n FROM minute_records').get() as { n: number }).n;
    db.close();
    return {
      aggregate_readings_per_s: Math.round(readings / seconds),
      aggregate_detail: { readings, minutes, periods, seconds: Number(seconds.toFixed(3)), note: 'range + raw step QC + raw store (file, synchronous=FULL, batched) + minute closer (1-min, minute QC, outbox) + 10-min/hourly aggregates' },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1]?.endsWith('aggregate.ts')) process.stdout.write(`${JSON.stringify(benchAggregate())}\n`);
