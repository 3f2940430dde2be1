// ingest_readings_per_s: parse + QC + store on one core, batched as the gateway batches
// (RawWriter, up to 1,000 readings a transaction, WAL, synchronous=FULL, a real file).
// Baseline in the same run: the same readings stored without parsing or QC, so the ratio
// says what parsing and QC cost on top of the store.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock, type Observation } from '../core/index.ts';
import { isRejection, parseWxtMessage } from '../drivers/index.ts';
import { checkRange } from '../gateway/qc/range.ts';
import { openDatabase, RawWriter } from '../gateway/store/index.ts';
import { INPUTS } from './parse.ts';

const CLIMATE = { air_temperature: [5, 37], relative_humidity: [20, 100], air_pressure: [905, 1040], wind_speed: [0, 50] } as const;


function timeIt(fn: () => number): { seconds: number; count: number } {
  const t0 = process.hrtime.bigint();
  const count = fn();
  return { seconds: Number(process.hrtime.bigint() - t0) / 1e9, count };
}

/** Parse + QC + store every line, committing every `batch` readings. */
function ingestAll(input: string[], path: string, batch: number, keep?: Observation[][]) {
  const clock = new ManualClock();
  const db = openDatabase(path);
  const writer = new RawWriter(db, clock, { maxPending: batch });
  const result = timeIt(() => {
    let n = 0;
    for (const line of input) {
      const parsed = parseWxtMessage(line, { sensor: 'wxt530', ts: clock.now() });
      if (isRejection(parsed)) continue;
      const checked = parsed.observations.map((o) => checkRange(o, CLIMATE));
      writer.add(checked);
      n += checked.length;
      keep?.push(checked);
    }
    writer.flush();
    return n;
  });
  db.close();
  return result;
}

export function benchIngest(nLines = 20_000) {
  const input = INPUTS.wxt!(nLines); // real WXT530 composite lines from the twin
  const dir = mkdtempSync(join(tmpdir(), 'bonin-bench-'));
  try {
    const clock = new ManualClock();
    const parsedObs: Observation[][] = [];
    // Under load the gateway commits at most 1,000 readings a transaction.
    const ingest = ingestAll(input, join(dir, 'ingest.db'), 1000, parsedObs);
    // At a station's steady rate it commits once a second: ~16 readings (one WXT530 at 1-s
    // wind) a transaction, so each commit pays its own fsync.
    const small = ingestAll(input.slice(0, 2000), join(dir, 'ingest-small.db'), 16);
    // Baseline: the same readings, stored only.
    const db2 = openDatabase(join(dir, 'store-only.db'));
    const writer2 = new RawWriter(db2, clock, { maxPending: 1000 });
    const storeOnly = timeIt(() => {
      let n = 0;
      for (const obs of parsedObs) {
        writer2.add(obs);
        n += obs.length;
      }
      writer2.flush();
      return n;
    });
    db2.close();
    const ingestRate = ingest.count / ingest.seconds;
    const storeRate = storeOnly.count / storeOnly.seconds;
    return {
      ingest_readings_per_s: Math.round(ingestRate),
      ingest_baseline_store_only_readings_per_s: Math.round(storeRate),
      ingest_vs_store_only_ratio: Math.round((ingestRate / storeRate) * 1000) / 1000,
      ingest_1s_batches_readings_per_s: Math.round(small.count / small.seconds),
      ingest_readings_per_line: Math.round((ingest.count / input.length) * 10) / 10,
      ingest_lines: input.length,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
