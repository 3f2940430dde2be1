// Google's LiteRT runtime (@litertjs/core, WebAssembly) in Node. LiteRT.js is written for
// browsers and workers: its loader calls `importScripts(url)` (a worker global) to run the
// Emscripten glue, which then sets `self.ModuleFactory`. In Node we give it that world: a
// global `self`, an `importScripts` that evaluates the glue file in this context, and the
// `require` (and __dirname) the glue uses for `fs`/`path` when it sees Node. The glue finds its
// .wasm through `Module.locateFile`, pointed at the package's wasm/ folder.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';
import type * as LiteRtModule from '@litertjs/core';

const require = createRequire(import.meta.url);
/** node_modules/@litertjs/core/wasm/ */
export const LITERT_WASM_DIR = join(dirname(require.resolve('@litertjs/core/package.json')), 'wasm');

/** The runtime's last log lines (XNNPack, model checks): read them when a model is refused. */
export const runtimeLog: string[] = [];
let loading: Promise<typeof LiteRtModule> | undefined;

function installShim(): void {
  const g = globalThis as Record<string, unknown>;
  g.self ??= globalThis;
  g.importScripts = (...urls: string[]) => {
    for (const url of urls) {
      const path = url.startsWith('file:') ? fileURLToPath(url) : url;
      // Wrapped like a CommonJS module so the glue sees the __dirname/__filename it uses in
      // Node; its top-level `var ModuleFactory` is handed to `self`, as a worker would see it.
      const wrapped = `(function (require, __dirname, __filename) {${readFileSync(path, 'utf8')}\n;self.ModuleFactory = ModuleFactory;\n})`;
      (vm.runInThisContext(wrapped, { filename: path }) as (r: NodeJS.Require, d: string, f: string) => void)(require, dirname(path), path);
    }
  };
  // Read once by the loader (self.Module || …) and cleared by it after instantiation. The
  // runtime's own INFO/WARNING lines go to a short ring kept for error messages, not stderr.
  const keep = (line: string) => { runtimeLog.push(line); if (runtimeLog.length > 50) runtimeLog.shift(); };
  g.Module = { locateFile: (file: string) => join(LITERT_WASM_DIR, file), print: keep, printErr: keep };
}

/** Loads the LiteRT WASM runtime once per process (its loader is a process-wide singleton). */
export function loadRuntime(): Promise<typeof LiteRtModule> {
  loading ??= (async () => {
    installShim();
    const litert = await import('@litertjs/core');
    // Node has no WebGPU: the loader tries for a device, fails and warns. CPU (XNNPack) is
    // what a station runs, so that one expected warning is dropped.
    const warn = console.warn;
    console.warn = (...args: unknown[]) => { if (!String(args[0]).includes('WebGPU')) warn(...args); };
    try {
      await litert.loadLiteRt(`${LITERT_WASM_DIR}/`);
    } finally {
      console.warn = warn;
    }
    return litert;
  })().catch((err: unknown) => {
    loading = undefined;
    throw new Error(`LiteRT runtime failed to load: ${err instanceof Error ? err.message : String(err)}`);
  });
  return loading;
}

/** A compiled .tflite model with float32 inputs and outputs, batch 1. */
export interface TfliteModel {
  /** Input and output names and shapes as the model declares them. */
  inputs: { name: string; shape: number[] }[];
  outputs: { name: string; shape: number[] }[];
  /** Runs once: one Float32Array per input, in order; returns one per output, in order. */
  run(inputs: Float32Array[]): Promise<Float32Array[]>;
  close(): void;
}

/** Compiles .tflite bytes on LiteRT's CPU (XNNPack) path. Throws with a reason on a bad model. */
export async function loadTflite(bytes: Uint8Array): Promise<TfliteModel> {
  const litert = await loadRuntime();
  let compiled: LiteRtModule.CompiledModel;
  try {
    compiled = await litert.loadAndCompile(bytes, { accelerator: 'wasm' });
  } catch (err) {
    throw new Error(`LiteRT refused the model: ${err instanceof Error ? err.message : String(err)} (${runtimeLog.slice(-3).join(' | ')})`);
  }
  const details = (d: readonly LiteRtModule.TensorDetails[]) => d.map((t) => ({ name: t.name, shape: [...t.shape] }));
  const inputs = details(compiled.getInputDetails());
  const outputs = details(compiled.getOutputDetails());
  return {
    inputs,
    outputs,
    async run(xs) {
      if (xs.length !== inputs.length) throw new Error(`model takes ${inputs.length} inputs, got ${xs.length}`);
      const tensors = xs.map((x, i) => new litert.Tensor(x, inputs[i]!.shape));
      try {
        const results = await compiled.run(tensors);
        try {
          return results.map((r) => Float32Array.from(r.toTypedArray() as Float32Array));
        } finally {
          for (const r of results) r.delete();
        }
      } finally {
        for (const t of tensors) t.delete();
      }
    },
    close() { compiled.delete(); },
  };
}
