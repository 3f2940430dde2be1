// `bonin train`: trains the nowcast on the shared hourly data (January–September by default),
// with a progress bar on stderr, checks the export against LiteRT (golden, 1,000 inputs) and
// writes nowcast.tflite + nowcast.manifest.json into --out.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseHourlyCsv } from '../../edge-model/data.ts';
import { buildRows } from '../../edge-model/dataset.ts';
import { goldenMaxDiff } from '../../edge-model/golden.ts';
import { SHIPPED_MODEL_DIR } from '../../edge-model/nowcast.ts';
import { trainNowcast } from '../../edge-model/train.ts';

export interface TrainCliOptions { data: string; from: string; to: string; out?: string; epochs?: number; json?: boolean }

function bar(done: number, total: number, width = 30): string {
  const k = Math.round((done / total) * width);
  return `[${'#'.repeat(k)}${'.'.repeat(width - k)}]`;
}

export async function runTrain(o: TrainCliOptions): Promise<void> {
  const fromMs = Date.parse(o.from);
  const toMs = Date.parse(o.to);
  if (!Number.isFinite(fromMs) || !Number.isFinite(toMs) || toMs <= fromMs) {
    process.stderr.write(`bonin train: --from ${o.from} / --to ${o.to} is not a time range\n`);
    process.exit(2);
  }
  const series = parseHourlyCsv(readFileSync(o.data, 'utf8'));
  const t0 = Date.now();
  const tty = process.stderr.isTTY;
  const trained = await trainNowcast(series, {
    fromMs, toMs, epochs: o.epochs,
    onEpoch: (e) => {
      const line = `training net ${e.member}/${e.members} ${bar(e.epoch, e.epochs)} epoch ${e.epoch}/${e.epochs}  loss ${e.loss.toFixed(4)}  val ${e.valLoss.toFixed(4)}  best ${e.best.toFixed(4)}  ${((Date.now() - t0) / 1000).toFixed(0)} s`;
      process.stderr.write(tty ? `\r${line}` : `${line}\n`);
    },
  });
  if (tty) process.stderr.write('\n');
  const trainSeconds = (Date.now() - t0) / 1000;

  // Golden check on 1,000 hours of the early-stopping month (inputs the net did not fit).
  const val = buildRows(series, Date.parse(String(trained.manifest.training.early_stopping_from)), toMs);
  const inputs = val.x.slice(0, 1000).map(trained.normalise);
  const golden = await goldenMaxDiff(trained.net, trained.tflite, inputs);
  if (!(golden.maxAbsDiff <= 1e-4)) {
    process.stderr.write(`bonin train: the exported .tflite differs from the trained network by ${golden.maxAbsDiff} (> 1e-4); nothing written\n`);
    process.exit(1);
  }
  trained.manifest.training = { ...trained.manifest.training, data: o.data.split('/').at(-1), train_seconds: trainSeconds, golden_max_abs_diff: golden.maxAbsDiff, golden_inputs: golden.n };

  const out = o.out ?? SHIPPED_MODEL_DIR;
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, trained.manifest.model_file), trained.tflite);
  writeFileSync(join(out, 'nowcast.manifest.json'), `${JSON.stringify(trained.manifest, null, 2)}\n`);
  const summary = { out, bytes: trained.tflite.length, sha256: trained.manifest.sha256, train_seconds: trainSeconds, golden_max_abs_diff: golden.maxAbsDiff, ...trained.manifest.training };
  process.stderr.write(`wrote ${join(out, trained.manifest.model_file)} (${trained.tflite.length} bytes) and its manifest; golden max |LiteRT − tfjs| = ${golden.maxAbsDiff.toExponential(2)} on ${golden.n} inputs\n`);
  if (o.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
}
