// `bonin reprocess FILE --config STATION`: re-run QC and aggregation over raw observations,
// one JSON object a line in (what `bonin parse` prints, plus `ts`), JSON lines out:
//   {"kind":"observation", ts, sensor, quantity, value, unit, qc}   each input observation, re-flagged
//   {"kind":"minute", ts, sensor, values}                          one-minute records (wire v1 shape)
//   {"kind":"10min"|"1h", ts, sensor, values}                      period aggregates
//   {"kind":"station", ts, values, source}                         redundant sensors: the station's choice
// A line that is not an observation is reported on stderr with its number and skipped; the
// run goes on and exits 65 (EX_DATAERR) at the end. Refusals from `bonin parse` are skipped quietly.
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { isQuantity, QC_FLAGS, QC_REASONS, unitOf, type Observation, type Qc } from '../../core/index.ts';
import { ConfigError, loadConfig } from '../config/load.ts';
import { Reprocessor } from '../pipeline/aggregates-reprocess.ts';

type Parsed = { ok: true; obs: Observation } | { ok: false; reason: string } | { ok: 'skip' };

function parseTs(ts: unknown): number | null {
  if (typeof ts === 'number' && Number.isFinite(ts)) return ts;
  if (typeof ts === 'string') {
    const t = Date.parse(ts);
    return Number.isFinite(t) ? t : null;
  }
  return null;
}

function parseQc(q: unknown): Qc | undefined {
  if (!q || typeof q !== 'object') return undefined;
  const { flag, reasons } = q as { flag?: unknown; reasons?: unknown };
  if (!QC_FLAGS.includes(flag as never)) return undefined;
  const rs = Array.isArray(reasons) ? reasons.filter((r) => QC_REASONS.includes(r as never)) : [];
  return { flag: flag as Qc['flag'], reasons: rs as Qc['reasons'] };
}

export function parseLine(line: string, defaultSensor: string): Parsed {
  let j: unknown;
  try {
    j = JSON.parse(line);
  } catch (e) {
    return { ok: false, reason: `not JSON (${(e as Error).message})` };
  }
  if (!j || typeof j !== 'object' || Array.isArray(j)) return { ok: false, reason: 'not a JSON object' };
  const o = j as Record<string, unknown>;
  if (o.rejected === true) return { ok: 'skip' };
  const ts = parseTs(o.ts);
  if (ts === null) return { ok: false, reason: '"ts" missing or not a time (UTC ms or ISO 8601)' };
  if (typeof o.quantity !== 'string' || !isQuantity(o.quantity)) return { ok: false, reason: `unknown quantity ${JSON.stringify(o.quantity)}` };
  if (o.value !== null && (typeof o.value !== 'number' || !Number.isFinite(o.value))) return { ok: false, reason: '"value" must be a number or null' };
  if (o.unit !== undefined && o.unit !== unitOf(o.quantity)) return { ok: false, reason: `unit ${JSON.stringify(o.unit)} is not ${unitOf(o.quantity)} for ${o.quantity}` };
  const sensor = typeof o.sensor === 'string' && o.sensor ? o.sensor : defaultSensor;
  return { ok: true, obs: { ts, sensor, quantity: o.quantity, value: o.value as number | null, qc: parseQc(o.qc) ?? { flag: 'not_checked', reasons: [] } } };
}

export async function runReprocess(file: string, opts: { config: string; sensor?: string }): Promise<void> {
  let config;
  try {
    config = loadConfig(opts.config);
  } catch (e) {
    process.stderr.write(`bonin reprocess: ${e instanceof ConfigError ? e.message : (e as Error).message}\n`);
    process.exit(78);
  }
  const input = file === '-' ? process.stdin : createReadStream(file);
  input.on('error', (e: Error) => {
    process.stderr.write(`bonin reprocess: cannot read ${file}: ${e.message}\n`);
    process.exit(2);
  });
  const r = new Reprocessor(config);
  const out: string[] = [];
  const emit = (o: unknown) => {
    out.push(JSON.stringify(o));
    if (out.length >= 1000) process.stdout.write(`${out.splice(0).join('\n')}\n`);
  };
  let n = 0;
  let bad = 0;
  for await (const raw of createInterface({ input, crlfDelay: Infinity })) {
    n++;
    if (!raw.trim()) continue;
    const p = parseLine(raw, opts.sensor ?? config.sensors[0]!.id);
    if (p.ok === 'skip') continue;
    if (!p.ok) {
      bad++;
      process.stderr.write(`bonin reprocess: ${file} line ${n}: ${p.reason}; skipped\n`);
      continue;
    }
    const o = r.add(p.obs);
    emit({ kind: 'observation', ts: o.ts, sensor: o.sensor, quantity: o.quantity, value: o.value, unit: unitOf(o.quantity), qc: o.qc });
  }
  const res = r.finish();
  for (const m of res.minutes) emit({ kind: 'minute', ...m });
  for (const p of res.periods) emit({ kind: p.period, ts: p.ts, sensor: p.sensor, values: p.values });
  for (const s of res.station) emit({ kind: 'station', ...s });
  if (out.length) process.stdout.write(`${out.join('\n')}\n`);
  if (bad) {
    process.stderr.write(`bonin reprocess: ${bad} of ${n} lines were not observations (see above)\n`);
    process.exitCode = 65;
  }
}
