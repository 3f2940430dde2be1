// Training the nowcast MLP with TensorFlow.js (pure-JS CPU backend: no native binary), and
// exporting it as .tflite + manifest. The train months are split once more: the last month
// of the training range chooses the epoch (early stopping), so the evaluation months are
// never looked at. Weights start from a seed; batch shuffling is not seeded, so two runs
// differ slightly.
import * as tf from '@tensorflow/tfjs';
import { type HourlySeries } from './data.ts';
import { buildRows, columnStats, targetScales, type Rows } from './dataset.ts';
import { FEATURES, REGRESSION_OUTPUTS, RAIN_HOURS, WINDOW_HOURS } from './features.ts';
import { type ModelManifest, sha256Hex } from './manifest.ts';
import { fitShrink } from './calibrate.ts';
import { mergeMembers } from './ensemble.ts';
import { buildNet, CHANGE_HEAD, netToSpec, RAIN_HEAD } from './net.ts';
import { type MlpSpec, writeMlpTflite } from './tflite-writer.ts';

export interface TrainOptions {
  fromMs: number;
  toMs: number; // exclusive; the last `validationDays` before it choose the epoch
  validationDays?: number;
  hidden?: number[];
  epochs?: number;
  patience?: number;
  batchSize?: number;
  learningRate?: number;
  seed?: number;
  /** Networks trained from different seeds and averaged into one (see ensemble.ts). */
  members?: number;
  /** Called after each epoch: a CLI draws its progress bar with it. */
  onEpoch?: (e: { member: number; members: number; epoch: number; epochs: number; loss: number; valLoss: number; best: number }) => void;
}

export interface Trained {
  spec: MlpSpec;
  tflite: Uint8Array;
  manifest: ModelManifest;
  net: tf.LayersModel;
  normalise: (x: Float64Array) => Float32Array;
}

function tensors(rows: Rows, normalise: (x: Float64Array) => Float32Array, scales: number[]) {
  const n = rows.x.length;
  const xs = new Float32Array(n * FEATURES.length);
  const ys = new Float32Array(n * REGRESSION_OUTPUTS.length);
  rows.x.forEach((x, r) => xs.set(normalise(x), r * FEATURES.length));
  rows.change.forEach((c, r) => c.forEach((v, k) => { ys[r * REGRESSION_OUTPUTS.length + k] = v / scales[k]!; }));
  return {
    x: tf.tensor2d(xs, [n, FEATURES.length]),
    y: [tf.tensor2d(ys, [n, REGRESSION_OUTPUTS.length]), tf.tensor2d(Float32Array.from(rows.rain), [n, 1])],
  };
}

type Data = ReturnType<typeof tensors>;
type EpochReport = { epoch: number; epochs: number; loss: number; valLoss: number; best: number };

/** One member: trained until the validation loss has not improved for `patience` epochs; the best epoch's weights. */
async function fitMember(T: Data, V: Data, hidden: number[], seed: number, o: TrainOptions, report: (e: EpochReport) => void) {
  const net = buildNet(FEATURES.length, hidden, seed);
  // Mean absolute error on the scaled changes: the score we are judged by (MAE), each output
  // weighted by its persistence error so no quantity drowns the others.
  net.compile({ optimizer: tf.train.adam(o.learningRate ?? 1e-3), loss: ['meanAbsoluteError', 'binaryCrossentropy'] });
  const epochs = o.epochs ?? 80;
  const patience = o.patience ?? 10;
  let best = Infinity;
  let bestWeights: tf.Tensor[] | undefined;
  let sinceBest = 0;
  for (let epoch = 1; epoch <= epochs && sinceBest < patience; epoch++) {
    const h = await net.fit(T.x, T.y, { epochs: 1, batchSize: o.batchSize ?? 128, shuffle: true, verbose: 0 });
    const loss = Number(h.history.loss?.[0]);
    const valLoss = (net.evaluate(V.x, V.y) as tf.Scalar[])[0]!.dataSync()[0]!;
    if (valLoss < best) {
      best = valLoss;
      bestWeights?.forEach((w) => w.dispose());
      bestWeights = net.getWeights().map((w) => w.clone());
      sinceBest = 0;
    } else sinceBest++;
    report({ epoch, epochs, loss, valLoss, best });
  }
  if (bestWeights) net.setWeights(bestWeights);
  return { net, best };
}

export async function trainNowcast(series: HourlySeries[], o: TrainOptions): Promise<Trained> {
  const hidden = o.hidden ?? [48, 48];
  const seed = o.seed ?? 7;
  const splitMs = o.toMs - (o.validationDays ?? 30) * 86_400_000;
  const train = buildRows(series, o.fromMs, splitMs);
  const val = buildRows(series, splitMs, o.toMs);
  if (train.x.length < 500 || val.x.length < 50) throw new Error(`too few complete hours to train (${train.x.length} train, ${val.x.length} validation)`);
  const stats = columnStats(train.x);
  const scales = targetScales(train.change);
  const normalise = (x: Float64Array) => Float32Array.from(x, (v, k) => (v - stats.mean[k]!) / stats.std[k]!);

  const T = tensors(train, normalise, scales);
  const V = tensors(val, normalise, scales);
  const members: tf.LayersModel[] = [];
  const bests: number[] = [];
  const count = o.members ?? 3;
  for (let m = 0; m < count; m++) {
    const r = await fitMember(T, V, hidden, seed + 1000 * m, o, (e) => o.onEpoch?.({ ...e, member: m + 1, members: count }));
    members.push(r.net);
    bests.push(r.best);
  }
  tf.dispose([T.x, ...T.y, V.x, ...V.y]);
  const net = count === 1 ? members[0]! : mergeMembers(members, FEATURES.length, hidden);
  if (count > 1) members.forEach((m) => m.dispose());

  const windShrink = shrinkWind(net, val, normalise, scales);

  const version = new Date().toISOString().slice(0, 10).replaceAll('-', '.');
  const spec = netToSpec(net, `bonin nowcast ${version}`);
  const tflite = writeMlpTflite(spec);
  const manifest: ModelManifest = {
    format: 'bonin-nowcast-manifest/1',
    version,
    created: new Date().toISOString(),
    model_file: 'nowcast.tflite',
    sha256: sha256Hex(tflite),
    window_hours: WINDOW_HOURS + 1,
    cadence_hours: 1,
    input: { name: 'features', features: FEATURES.map((f, k) => ({ name: f.name, unit: f.unit, mean: stats.mean[k]!, std: stats.std[k]! })) },
    outputs: {
      change: { tensor: CHANGE_HEAD, items: REGRESSION_OUTPUTS.map((r, k) => ({ quantity: r.quantity, unit: r.unit, horizon_h: r.horizon, scale: scales[k]! })) },
      rain: { tensor: RAIN_HEAD, hours: RAIN_HOURS },
    },
    architecture: { hidden: hidden.map((units) => ({ units: units * count, activation: 'relu' })), ensemble_members: count, member_hidden: hidden },
    training: {
      from: new Date(o.fromMs).toISOString(), to: new Date(o.toMs).toISOString(), early_stopping_from: new Date(splitMs).toISOString(),
      rows: train.x.length, validation_rows: val.x.length, member_best_validation_loss: bests, seed, wind_shrink: windShrink,
    },
    test_inputs: heldOutInputs(val.x, normalise),
    signature: null,
  };
  return { spec, tflite, manifest, net, normalise };
}

/**
 * Wind-speed changes shrunk toward zero by a factor per horizon fitted on the early-stopping
 * month (calibrate.ts); the factor is folded into `scales` in place (the manifest's output
 * scale), so the network itself is unchanged. Returns what was fitted, for the manifest.
 */
function shrinkWind(net: tf.LayersModel, val: Rows, normalise: (x: Float64Array) => Float32Array, scales: number[]) {
  const n = val.x.length;
  const xs = new Float32Array(n * FEATURES.length);
  val.x.forEach((x, r) => xs.set(normalise(x), r * FEATURES.length));
  const pred = tf.tidy(() => {
    const out = net.predict(tf.tensor2d(xs, [n, FEATURES.length])) as tf.Tensor[];
    return out[0]!.dataSync() as Float32Array;
  });
  const fitted: Record<string, { factor: number; validation_mae: number; validation_mae_unshrunk: number }> = {};
  REGRESSION_OUTPUTS.forEach((o, k) => {
    if (o.quantity !== 'wind_speed') return;
    const p = Float64Array.from({ length: n }, (_, r) => pred[r * REGRESSION_OUTPUTS.length + k]! * scales[k]!);
    const f = fitShrink(p, val.change.map((c) => c[k]!));
    scales[k] = scales[k]! * f.factor;
    fitted[`${o.horizon}h`] = { factor: f.factor, validation_mae: f.mae, validation_mae_unshrunk: f.maeUnshrunk };
  });
  return fitted;
}

/**
 * Normalised inputs of `n` hours spread over the early-stopping month, shipped in the manifest
 * so a gateway with too little history of its own can still test-run a new model on real
 * weather before adopting it (gateway/pipeline/model-test-run.ts).
 */
export function heldOutInputs(xs: Float64Array[], normalise: (x: Float64Array) => Float32Array, n = 24): number[][] {
  const out: number[][] = [];
  for (let k = 0; k < Math.min(n, xs.length); k++) {
    const x = normalise(xs[Math.floor((k * xs.length) / Math.min(n, xs.length))]!);
    out.push(Array.from(x, (v) => Math.round(v * 1e4) / 1e4));
  }
  return out;
}
