// Rows for training and evaluation: every hour of every station in a time range whose inputs
// and targets are all present. Kept as flat arrays (one row = one station hour).
import { type HourlySeries, indexRange } from './data.ts';
import { FEATURES, REGRESSION_OUTPUTS, featuresAt, targetsAt } from './features.ts';

const NO_INPUTS = new Float64Array(0);

export interface Rows {
  x: Float64Array[]; // raw features
  change: Float64Array[]; // truth, REGRESSION_OUTPUTS order
  rain: number[]; // 0/1, NaN when unknown (only when not required)
  where: { series: HourlySeries; i: number }[];
}

/**
 * Station hours in [fromMs, toMs) with every regression target, and (by default, as training
 * needs) every input and the rain target. Evaluation asks for targets only: the model then
 * says itself which hours it withholds.
 */
export function buildRows(series: HourlySeries[], fromMs = -Infinity, toMs = Infinity, need = { inputs: true, rain: true }): Rows {
  const rows: Rows = { x: [], change: [], rain: [], where: [] };
  for (const s of series) {
    const [lo, hi] = indexRange(s, fromMs, toMs);
    for (let i = lo; i < hi; i++) {
      const x = need.inputs ? featuresAt(s, i) : NO_INPUTS;
      if (!x) continue;
      const t = targetsAt(s, i);
      if ((need.rain && Number.isNaN(t.rain)) || t.change.some(Number.isNaN)) continue;
      rows.x.push(x);
      rows.change.push(t.change);
      rows.rain.push(t.rain);
      rows.where.push({ series: s, i });
    }
  }
  return rows;
}

/** Mean and standard deviation of each column (std floored so a constant column cannot divide by 0). */
export function columnStats(xs: Float64Array[], width = FEATURES.length): { mean: number[]; std: number[] } {
  const mean = new Array<number>(width).fill(0);
  const sq = new Array<number>(width).fill(0);
  for (const x of xs) for (let k = 0; k < width; k++) { mean[k]! += x[k]!; }
  for (let k = 0; k < width; k++) mean[k]! /= Math.max(1, xs.length);
  for (const x of xs) for (let k = 0; k < width; k++) { const e = x[k]! - mean[k]!; sq[k]! += e * e; }
  const std = sq.map((v) => Math.max(1e-3, Math.sqrt(v / Math.max(1, xs.length - 1))));
  return { mean, std };
}

/** Target scales: the mean absolute change of each output over the rows (the persistence MAE). */
export function targetScales(change: Float64Array[]): number[] {
  return REGRESSION_OUTPUTS.map((_, k) => {
    let s = 0;
    for (const c of change) s += Math.abs(c[k]!);
    return Math.max(1e-3, s / Math.max(1, change.length));
  });
}
