// Shrinking the wind-speed change toward zero (toward persistence). An hour-mean wind speed is
// noisy and METAR speeds are whole knots, so the network's wind changes are partly noise: on
// the early-stopping month, every trained ensemble scored better with its wind change scaled
// down by about a tenth. The factor is fitted per horizon on the early-stopping month (never
// on the evaluation months) and folded into the manifest's output scale, so the .tflite, the
// runtime and the golden check are unchanged.

/** Candidate factors: only shrinking (≤ 1), never amplifying what the network says. */
export const SHRINK_GRID = [0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 1] as const;

/**
 * The factor a in SHRINK_GRID that minimises mean |a·predicted − truth| (the MAE we are judged
 * by), and that MAE. Ties go to the larger factor (the network as trained).
 */
export function fitShrink(predicted: ArrayLike<number>, truth: ArrayLike<number>): { factor: number; mae: number; maeUnshrunk: number } {
  if (predicted.length !== truth.length || predicted.length === 0) throw new Error(`fitShrink: ${predicted.length} predictions for ${truth.length} truths`);
  const maeAt = (a: number) => {
    let s = 0;
    for (let r = 0; r < truth.length; r++) s += Math.abs(a * predicted[r]! - truth[r]!);
    return s / truth.length;
  };
  let best = { factor: 1, mae: maeAt(1) };
  for (const a of [...SHRINK_GRID].reverse()) {
    const m = maeAt(a);
    if (m < best.mae - 1e-12) best = { factor: a, mae: m };
  }
  return { ...best, maeUnshrunk: maeAt(1) };
}
