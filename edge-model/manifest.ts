// The manifest that travels with a .tflite: what the model reads (features in order, their
// normalisation, the window of history), what it says (outputs with units and horizons, how
// to turn them back into values) and the sha256 of the .tflite bytes. `signature` (Ed25519) is
// set by `bonin model sign` (edge-model/signing.ts).
import { createHash } from 'node:crypto';

export interface ModelManifest {
  format: 'bonin-nowcast-manifest/1';
  version: string; // the model's version, e.g. 2026.11.25-1
  created: string; // ISO time of export
  model_file: string; // the .tflite beside the manifest
  sha256: string; // of the .tflite bytes, hex
  window_hours: number; // hours of hourly history the inputs need
  cadence_hours: number; // the inputs are hourly values
  input: {
    name: string; // the model's input tensor
    features: { name: string; unit: string; mean: number; std: number }[]; // model order; x' = (x − mean)/std
  };
  outputs: {
    /** Head "change": y·scale + current value = forecast value, per quantity and horizon. */
    change: { tensor: string; items: { quantity: string; unit: string; horizon_h: number; scale: number }[] };
    /** Head "rain": probability of any precipitation in the next `hours`. */
    rain: { tensor: string; hours: number };
  };
  architecture: { hidden: { units: number; activation: string }[]; ensemble_members?: number; member_hidden?: number[] };
  training: Record<string, unknown>;
  scores?: Record<string, unknown>;
  /** Held-out normalised input vectors (model order) a gateway test-runs a new model on when it has too little history of its own. */
  test_inputs?: number[][];
  /** Ed25519 over the manifest without this field, canonical JSON (signing.ts). */
  signature: null | { alg: 'ed25519'; key_id: string; value: string };
}

export const sha256Hex = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** Throws with the first thing wrong with a parsed manifest (a bad file is refused, not guessed at). */
export function checkManifest(m: unknown): ModelManifest {
  const fail = (why: string): never => { throw new Error(`model manifest: ${why}`); };
  if (typeof m !== 'object' || m === null) fail('not a JSON object');
  const o = m as Partial<ModelManifest>;
  if (o.format !== 'bonin-nowcast-manifest/1') fail(`unknown format ${JSON.stringify(o.format)}`);
  if (typeof o.model_file !== 'string' || !/^[\w.-]+\.tflite$/.test(o.model_file) || o.model_file.startsWith('.')) fail('model_file must be a plain .tflite file name beside the manifest');
  if (typeof o.version !== 'string' || !/^[\w.+-]{1,64}$/.test(o.version)) fail('version missing or not a plain name');
  if (typeof o.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(o.sha256)) fail('sha256 missing or not 64 hex digits');
  if (!o.input?.features?.length) fail('no input features');
  for (const f of o.input!.features) if (!(f.std > 0) || !Number.isFinite(f.mean)) fail(`feature ${f.name}: bad normalisation`);
  if (!o.outputs?.change?.items?.length || !o.outputs.rain) fail('outputs missing');
  if (!(typeof o.window_hours === 'number' && o.window_hours > 0)) fail('window_hours missing');
  return o as ModelManifest;
}
