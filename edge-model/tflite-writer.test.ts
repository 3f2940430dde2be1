// Golden test of the export: a tfjs network of the shipped model's shape, written as .tflite
// by our writer and run in the real LiteRT runtime, gives tfjs's outputs on 1,000 inputs.
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { FEATURES } from './features.ts';
import { goldenMaxDiff } from './golden.ts';
import { loadTflite } from './litert.ts';
import { writeMlpTflite } from './tflite-writer.ts';
import { buildNet, netToSpec } from './net.ts';

function inputs(n: number, width: number, seed: number): Float32Array[] {
  let s = seed;
  const rnd = () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 6 - 3; // −3..3, like normalised inputs
  return Array.from({ length: n }, () => Float32Array.from({ length: width }, rnd));
}

describe('tflite writer + LiteRT', () => {
  it('a hand-checkable network gives the values worked out by hand', async () => {
    const bytes = writeMlpTflite({
      inputs: 3,
      hidden: [{ inputs: 3, units: 2, activation: 'relu', kernel: Float32Array.from([1, 0, 0, 1, 1, -5]), bias: Float32Array.from([0, 0.5]) }],
      heads: [
        { name: 'y', layer: { inputs: 2, units: 1, activation: 'linear', kernel: Float32Array.from([1, 2]), bias: Float32Array.from([0.1]) } },
        { name: 'p', layer: { inputs: 2, units: 1, activation: 'sigmoid', kernel: Float32Array.from([1, 1]), bias: Float32Array.from([-4]) } },
      ],
    });
    expect(new TextDecoder().decode(bytes.slice(4, 8))).toBe('TFL3');
    const m = await loadTflite(bytes);
    // hidden = relu([1+3, 2−15+0.5]) = [4, 0]; y = 4 + 0 + 0.1; p = σ(4 − 4) = 0.5
    const [y, p] = await m.run([Float32Array.from([1, 2, 3])]);
    m.close();
    expect(y![0]).toBeCloseTo(4.1, 5);
    expect(p![0]).toBeCloseTo(0.5, 6);
    expect(m.outputs.map((o) => o.name)).toEqual(['y', 'p']);
  });

  it('LiteRT equals tfjs within 1e-4 on 1,000 inputs (the shipped architecture, random weights)', async () => {
    const width = FEATURES.length;
    const net = buildNet(width, [48, 48], 11);
    const tflite = writeMlpTflite(netToSpec(net, 'golden test'));
    const { maxAbsDiff, n } = await goldenMaxDiff(net, tflite, inputs(1000, width, 5));
    expect(n).toBe(1000);
    expect(maxAbsDiff).toBeLessThan(1e-4);
    // The comparison can fail: one weight off by 0.01 shows.
    const spec = netToSpec(net, 'tampered');
    spec.heads[0]!.layer.bias[3]! += 0.01;
    const off = await goldenMaxDiff(net, writeMlpTflite(spec), inputs(50, width, 5));
    expect(off.maxAbsDiff).toBeGreaterThan(1e-3);
    net.dispose();
    tf.disposeVariables();
  });

  it('refuses a network whose layers do not chain', () => {
    const layer = { inputs: 4, units: 2, activation: 'relu' as const, kernel: new Float32Array(8), bias: new Float32Array(2) };
    expect(() => writeMlpTflite({ inputs: 3, hidden: [layer], heads: [] })).toThrow(/expects 4 inputs, gets 3/);
  });

  it('LiteRT refuses bytes that are not a model, with a reason', async () => {
    await expect(loadTflite(new Uint8Array(64))).rejects.toThrow(/LiteRT refused the model/);
  });
});
