// Several networks of one shape, averaged, written as ONE wider network: the members' hidden
// layers sit side by side (the first layer's kernels concatenated, later ones block-diagonal)
// and each head averages the members' heads. The merged net computes exactly the mean of the
// members' change outputs and the sigmoid of their mean rain logit, so the .tflite stays one
// plain MLP (same ops, same writer) while the forecast gets the variance cut of an ensemble.
import * as tf from '@tensorflow/tfjs';
import { CHANGE_HEAD, RAIN_HEAD, buildNet } from './net.ts';

export function mergeMembers(members: tf.LayersModel[], inputs: number, hidden: number[]): tf.LayersModel {
  const M = members.length;
  const merged = buildNet(inputs, hidden.map((h) => h * M), 0);
  const w = (net: tf.LayersModel, name: string) => net.getLayer(name).getWeights().map((t) => ({ data: t.dataSync(), shape: t.shape as number[] }));
  hidden.forEach((units, k) => {
    const rowsPer = k === 0 ? inputs : hidden[k - 1]!;
    const rows = k === 0 ? inputs : rowsPer * M;
    const kernel = new Float32Array(rows * units * M);
    const bias = new Float32Array(units * M);
    members.forEach((net, m) => {
      const [kw, bw] = w(net, `hidden${k}`);
      for (let r = 0; r < rowsPer; r++) {
        const row = k === 0 ? r : m * rowsPer + r; // block-diagonal after the first layer
        for (let u = 0; u < units; u++) kernel[row * units * M + m * units + u] = kw!.data[r * units + u]!;
      }
      bias.set(bw!.data as Float32Array, m * units);
    });
    merged.getLayer(`hidden${k}`).setWeights([tf.tensor2d(kernel, [rows, units * M]), tf.tensor1d(bias)]);
  });
  const last = hidden.at(-1)!;
  for (const head of [CHANGE_HEAD, RAIN_HEAD]) {
    const outs = members[0]!.getLayer(head).getWeights()[1]!.shape[0]!;
    const kernel = new Float32Array(last * M * outs);
    const bias = new Float32Array(outs);
    members.forEach((net, m) => {
      const [kw, bw] = w(net, head);
      for (let i = 0; i < last * outs; i++) kernel[m * last * outs + i] = kw!.data[i]! / M;
      for (let o = 0; o < outs; o++) bias[o]! += bw!.data[o]! / M;
    });
    merged.getLayer(head).setWeights([tf.tensor2d(kernel, [last * M, outs]), tf.tensor1d(bias)]);
  }
  return merged;
}
