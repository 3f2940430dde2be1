// Tiny synthetic nowcast models for tests of signing and updates: the shipped manifest's
// inputs and outputs, a one-layer network written by writeMlpTflite, so a test can make a
// well-behaved model or one that says 1e9 °C or NaN without training anything.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ModelManifest, sha256Hex } from './manifest.ts';
import { SHIPPED_MANIFEST } from './nowcast.ts';
import { writeMlpTflite } from './tflite-writer.ts';

/** What the change head's bias says (in units of each output's scale): 0 = persistence. */
export interface TinyModelOptions { version: string; changeBias?: number; rainBias?: number; name?: string }

/** A tiny model's manifest (unsigned) and .tflite bytes. */
export function tinyModel(o: TinyModelOptions): { manifest: ModelManifest; bytes: Uint8Array } {
  const { test_inputs: _held, ...base } = JSON.parse(readFileSync(SHIPPED_MANIFEST, 'utf8')) as ModelManifest; // the shipped model's held-out hours are not this one's
  const n = base.input.features.length;
  const outs = base.outputs.change.items.length;
  const hidden = { inputs: n, units: 4, activation: 'relu' as const, kernel: new Float32Array(n * 4).fill(0.01), bias: new Float32Array(4) };
  const bytes = writeMlpTflite({
    inputs: n, inputName: base.input.name, hidden: [hidden],
    heads: [
      { name: base.outputs.change.tensor, layer: { inputs: 4, units: outs, activation: 'linear', kernel: new Float32Array(4 * outs), bias: new Float32Array(outs).fill(o.changeBias ?? 0) } },
      { name: base.outputs.rain.tensor, layer: { inputs: 4, units: 1, activation: 'sigmoid', kernel: new Float32Array(4), bias: new Float32Array([o.rainBias ?? -1]) } },
    ],
  });
  const name = o.name ?? `nowcast-${o.version}`;
  const manifest: ModelManifest = {
    ...base, version: o.version, created: new Date(0).toISOString(), model_file: `${name}.tflite`, sha256: sha256Hex(bytes),
    architecture: { hidden: [{ units: 4, activation: 'relu' }] }, training: { synthetic: true }, signature: null,
  };
  return { manifest, bytes };
}

/** Writes manifest + .tflite into dir (the .tflite first, as a file drop should); returns the manifest path. */
export function writeModel(dir: string, m: { manifest: ModelManifest; bytes: Uint8Array }): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, m.manifest.model_file), m.bytes);
  const path = join(dir, m.manifest.model_file.replace(/\.tflite$/, '.manifest.json'));
  writeFileSync(path, JSON.stringify(m.manifest, null, 2));
  return path;
}
