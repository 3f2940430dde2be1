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
import { type DenseLayer, type MlpSpec, writeMlpTflite } from './tflite-writer.ts';

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
  /** Called after each epoch: a CLI draws its progress bar with it. */
  onEpoch?: (e: { epoch: number; epochs: number; loss: number; valLoss: number; best: number }) => void;
}

export interface Trained {
  spec: MlpSpec;
  tflite: Uint8Array;
  manifest: ModelManifest;
  net: tf.LayersModel;
  normalise: (x: Float64Array) => Float32Array;
}

export const CHANGE_HEAD = 'change';
export const RAIN_HEAD = 'rain_probability';

/** The tfjs network: shared dense layers, a linear change head and a sigmoid rain head. */
export function buildNet(inputs: number, hidden: number[], seed: number): tf.LayersModel {
  const input = tf.input({ shape: [inputs], name: 'features' });
  let h: tf.SymbolicTensor = input;
  hidden.forEach((units, k) => {
    h = tf.layers.dense({ units, activation: 'relu', name: `hidden${k}`, kernelInitializer: tf.initializers.heNormal({ seed: seed + k }) }).apply(h) as tf.SymbolicTensor;
  });
  const change = tf.layers.dense({ units: REGRESSION_OUTPUTS.length, name: CHANGE_HEAD, kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 100 }) }).apply(h) as tf.SymbolicTensor;
  const rain = tf.layers.dense({ units: 1, activation: 'sigmoid', name: RAIN_HEAD, kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 101 }) }).apply(h) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: [change, rain] });
}

/** The network's weights as the .tflite writer takes them. */
export function netToSpec(net: tf.LayersModel, description: string): MlpSpec {
  const dense = (name: string, activation: DenseLayer['activation']): DenseLayer => {
    const [k, b] = net.getLayer(name).getWeights();
    // Copies: on the CPU backend dataSync() hands out the tensor's own storage.
    return { kernel: Float32Array.from(k!.dataSync()), bias: Float32Array.from(b!.dataSync()), inputs: k!.shape[0]!, units: k!.shape[1]!, activation };
  };
  const hidden = net.layers.filter((l) => l.name.startsWith('hidden')).map((l) => dense(l.name, 'relu'));
  return {
    inputs: hidden[0]?.inputs ?? dense(CHANGE_HEAD, 'linear').inputs,
    hidden,
    heads: [{ name: CHANGE_HEAD, layer: dense(CHANGE_HEAD, 'linear') }, { name: RAIN_HEAD, layer: dense(RAIN_HEAD, 'sigmoid') }],
    description,
  };
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

  const net = buildNet(FEATURES.length, hidden, seed);
  // Mean absolute error on the scaled changes: the score we are judged by (MAE), each output
  // weighted by its persistence error so no quantity drowns the others.
  net.compile({ optimizer: tf.train.adam(o.learningRate ?? 1e-3), loss: ['meanAbsoluteError', 'binaryCrossentropy'] });
  const T = tensors(train, normalise, scales);
  const V = tensors(val, normalise, scales);
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
    o.onEpoch?.({ epoch, epochs, loss, valLoss, best });
  }
  if (bestWeights) net.setWeights(bestWeights);
  tf.dispose([T.x, ...T.y, V.x, ...V.y]);

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
    architecture: { hidden: hidden.map((units) => ({ units, activation: 'relu' })) },
    training: {
      from: new Date(o.fromMs).toISOString(), to: new Date(o.toMs).toISOString(), early_stopping_from: new Date(splitMs).toISOString(),
      rows: train.x.length, validation_rows: val.x.length, best_validation_loss: best, seed,
    },
    signature: null,
  };
  return { spec, tflite, manifest, net, normalise };
}
