// A loaded nowcast model: manifest + .tflite on LiteRT. Takes the station's hourly series
// and an hour index, builds the inputs in the manifest's order, normalises them, runs the
// model and turns its outputs back into forecast values. A missing input gives `undefined`
// (withheld), never NaN — except inputs with a stand-in (precipitation: none reported reads
// as none), which give a nowcast flagged with what was stood in for.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type HourlySeries } from './data.ts';
import { FEATURES, currentValue } from './features.ts';
import { loadTflite, type TfliteModel } from './litert.ts';
import { checkManifest, sha256Hex, type ModelManifest } from './manifest.ts';
export type { ModelManifest };

/** The model shipped in the repo. */
export const SHIPPED_MODEL_DIR = join(dirname(fileURLToPath(import.meta.url)), 'model');
export const SHIPPED_MANIFEST = join(SHIPPED_MODEL_DIR, 'nowcast.manifest.json');
/** The public half of the project's model-signing key: the gateway's default `nowcast.public_key`. */
export const SHIPPED_PUBLIC_KEY = join(SHIPPED_MODEL_DIR, 'nowcast-signing.pub.pem');

export interface NowcastValue { quantity: string; unit: string; horizon_h: number; value: number }
export interface Nowcast {
  values: NowcastValue[];
  rain_probability: number;
  rain_hours: number;
  /** Inputs that were missing and stood in for (e.g. no precipitation reported): the nowcast is flagged. */
  substituted: string[];
}

const KEY_OF: Record<string, 'temperature' | 'pressure' | 'windSpeed'> = {
  air_temperature: 'temperature', air_pressure_at_mean_sea_level: 'pressure', wind_speed: 'windSpeed',
};

export class NowcastModel {
  private constructor(readonly manifest: ModelManifest, private readonly model: TfliteModel, private readonly featureOf: typeof FEATURES) {}

  /** Loads manifest + .tflite, checking the sha256 and that every feature is one this code can build. */
  static async load(manifestPath = SHIPPED_MANIFEST): Promise<NowcastModel> {
    const manifest = checkManifest(JSON.parse(readFileSync(manifestPath, 'utf8')));
    const bytes = new Uint8Array(readFileSync(join(dirname(manifestPath), manifest.model_file)));
    return NowcastModel.fromBytes(manifest, bytes);
  }

  /** Loads an already-read manifest + .tflite (the gateway reads them through signing.ts's readVerifiedModel). */
  static async fromBytes(manifest: ModelManifest, bytes: Uint8Array): Promise<NowcastModel> {
    const sha = sha256Hex(bytes);
    if (sha !== manifest.sha256) throw new Error(`model ${manifest.model_file}: sha256 ${sha} ≠ manifest ${manifest.sha256}`);
    const featureOf = manifest.input.features.map((f) => {
      const known = FEATURES.find((k) => k.name === f.name);
      if (!known) throw new Error(`model manifest: feature ${f.name} is not one this gateway can build`);
      return known;
    });
    for (const o of manifest.outputs.change.items) if (!KEY_OF[o.quantity]) throw new Error(`model manifest: unknown output quantity ${o.quantity}`);
    const model = await loadTflite(bytes);
    if (model.inputs[0]?.shape.at(-1) !== featureOf.length) throw new Error(`model takes ${model.inputs[0]?.shape.join('×')} inputs, manifest lists ${featureOf.length}`);
    return new NowcastModel(manifest, model, featureOf);
  }

  /** Normalised inputs at hour i and the inputs stood in for, or undefined when one without a stand-in is missing. */
  inputsWithFlags(s: HourlySeries, i: number): { x: Float32Array; substituted: string[] } | undefined {
    const fs = this.manifest.input.features;
    const x = new Float32Array(fs.length);
    const substituted: string[] = [];
    for (let k = 0; k < fs.length; k++) {
      let v = this.featureOf[k]!.of(s, i);
      if (!Number.isFinite(v)) {
        const stand = this.featureOf[k]!.ifMissing;
        if (stand === undefined) return undefined;
        v = stand;
        substituted.push(fs[k]!.name);
      }
      x[k] = (v - fs[k]!.mean) / fs[k]!.std;
    }
    return { x, substituted };
  }

  /** Normalised inputs at hour i, or undefined when one without a stand-in is missing. */
  inputsAt(s: HourlySeries, i: number): Float32Array | undefined {
    return this.inputsWithFlags(s, i)?.x;
  }

  /** Raw outputs for normalised inputs: [change head, rain head]. */
  async runRaw(x: Float32Array): Promise<{ change: Float32Array; rain: number }> {
    const out = await this.model.run([x]);
    const names = this.model.outputs.map((o) => o.name);
    const change = out[names.indexOf(this.manifest.outputs.change.tensor)];
    const rain = out[names.indexOf(this.manifest.outputs.rain.tensor)];
    if (!change || !rain) throw new Error(`model outputs ${names.join(',')} do not match the manifest`);
    return { change, rain: rain[0]! };
  }

  /** The nowcast at hour i of the series, or undefined (withheld) when an input or a current value is missing. */
  async predict(s: HourlySeries, i: number): Promise<Nowcast | undefined> {
    const inputs = this.inputsWithFlags(s, i);
    if (!inputs) return undefined;
    const { change, rain } = await this.runRaw(inputs.x);
    const values: NowcastValue[] = [];
    for (const [k, o] of this.manifest.outputs.change.items.entries()) {
      const now = currentValue(s, KEY_OF[o.quantity]!, i);
      const value = now + change[k]! * o.scale;
      if (!Number.isFinite(value)) return undefined;
      values.push({ quantity: o.quantity, unit: o.unit, horizon_h: o.horizon_h, value: o.quantity === 'wind_speed' ? Math.max(0, value) : value });
    }
    if (!Number.isFinite(rain)) return undefined;
    return { values, rain_probability: rain, rain_hours: this.manifest.outputs.rain.hours, substituted: inputs.substituted };
  }

  close(): void { this.model.close(); }
}
