// The export's proof: the .tflite run by LiteRT gives what the tfjs network gives, input for
// input. Used by `bonin train` before it writes a model and by the golden test.
import * as tf from '@tensorflow/tfjs';
import { loadTflite } from './litert.ts';

/** Largest |LiteRT − tfjs| over every output of every input (inputs already normalised). */
export async function goldenMaxDiff(net: tf.LayersModel, tflite: Uint8Array, inputs: Float32Array[]): Promise<{ maxAbsDiff: number; n: number }> {
  const width = inputs[0]?.length ?? 0;
  const flat = new Float32Array(inputs.length * width);
  inputs.forEach((x, r) => flat.set(x, r * width));
  const xt = tf.tensor2d(flat, [inputs.length, width]);
  const expected = (net.predict(xt) as tf.Tensor[]).map((t) => { const d = t.dataSync() as Float32Array; const cols = t.shape[1]!; t.dispose(); return { d, cols }; });
  xt.dispose();
  const model = await loadTflite(tflite);
  let maxAbsDiff = 0;
  try {
    for (let r = 0; r < inputs.length; r++) {
      const got = await model.run([inputs[r]!]);
      expected.forEach(({ d, cols }, o) => {
        for (let c = 0; c < cols; c++) maxAbsDiff = Math.max(maxAbsDiff, Math.abs(got[o]![c]! - d[r * cols + c]!));
      });
    }
  } finally {
    model.close();
  }
  return { maxAbsDiff, n: inputs.length };
}
