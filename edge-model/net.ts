// The nowcast network in tfjs: shared ReLU layers, a linear "change" head (nine scaled
// changes) and a sigmoid "rain_probability" head; and its weights in the writer's terms.
import * as tf from '@tensorflow/tfjs';
import { REGRESSION_OUTPUTS } from './features.ts';
import { type DenseLayer, type MlpSpec } from './tflite-writer.ts';

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

