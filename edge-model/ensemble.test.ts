import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { mergeMembers } from './ensemble.ts';
import { buildNet } from './net.ts';

describe('mergeMembers', () => {
  it('one wide network computes the mean of the members (changes) and σ(mean logit) (rain)', () => {
    const members = [1, 2, 3].map((s) => buildNet(5, [4, 3], s));
    // Non-zero biases so a misplaced bias shows.
    members.forEach((m, k) => m.layers.forEach((l) => { const w = l.getWeights(); if (w.length === 2) l.setWeights([w[0]!, tf.fill(w[1]!.shape, 0.1 * (k + 1))]); }));
    const merged = mergeMembers(members, 5, [4, 3]);
    const x = tf.randomNormal([20, 5], 0, 1, 'float32', 3);
    const outs = members.map((m) => m.predict(x) as tf.Tensor[]);
    const meanChange = tf.addN(outs.map((o) => o[0]!)).div(3);
    const logit = (p: tf.Tensor) => tf.log(p.div(tf.scalar(1).sub(p)));
    const meanRain = tf.sigmoid(tf.addN(outs.map((o) => logit(o[1]!))).div(3));
    const [c, r] = merged.predict(x) as tf.Tensor[];
    expect(tf.max(tf.abs(c!.sub(meanChange))).dataSync()[0]).toBeLessThan(1e-5);
    expect(tf.max(tf.abs(r!.sub(meanRain))).dataSync()[0]).toBeLessThan(1e-5);
    expect(merged.getLayer('hidden0').getWeights()[0]!.shape).toEqual([5, 12]);
    expect(merged.getLayer('hidden1').getWeights()[0]!.shape).toEqual([12, 9]);
  });
});
