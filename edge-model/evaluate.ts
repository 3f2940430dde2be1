// Scores a forecaster against the baselines on the same station hours: MAE per quantity and
// horizon, skill = 1 − MAE/MAE_persistence, Brier score of the rain probability. Every method
// is scored on exactly the hours where the model has all its inputs and the truth is known,
// so no method is judged on easier hours than another.
import { BASELINES, RAIN_BASELINES } from './baselines.ts';
import { type HourlySeries } from './data.ts';
import { buildRows } from './dataset.ts';
import { HORIZONS, REGRESSION_OUTPUTS, TARGETS } from './features.ts';

/** A forecaster: changes in REGRESSION_OUTPUTS order and a rain probability, or undefined (withheld). */
export type Forecaster = (s: HourlySeries, i: number) => Promise<{ change: ArrayLike<number>; rain: number; flagged?: boolean } | undefined>;

type ByHorizon = Record<string, number>; // "1h" → value
export type Table = Record<string, ByHorizon>; // quantity → horizon → value

export interface Evaluation {
  from: string | null;
  to: string | null;
  stations: string[];
  n: number; // station hours scored
  withheld: number; // hours with a truth the model withheld (not scored for anyone)
  flagged: number; // scored hours whose nowcast used a stand-in for a missing input
  mae: Record<string, Table>; // method → quantity → horizon
  skill: Table; // the model's, against persistence
  baseline_skill: Record<string, Table>;
  brier: Record<string, number>; // method → Brier score of rain in the next 3 h
  brier_skill: number; // 1 − Brier_model / Brier of the better rain baseline
  strip: { station: string; ts: number[]; truth: number[]; model: number[]; persistence: number[] }; // +3 h temperature
}

const hkey = (h: number) => `${h}h`;

export async function evaluate(series: HourlySeries[], model: Forecaster, fromMs = -Infinity, toMs = Infinity): Promise<Evaluation> {
  const rows = buildRows(series, fromMs, toMs, { inputs: false, rain: false });
  const methods = ['model', ...BASELINES.map((b) => b.name)];
  const sums = Object.fromEntries(methods.map((m) => [m, new Float64Array(REGRESSION_OUTPUTS.length)]));
  const rainSums: Record<string, { sum: number; n: number }> = Object.fromEntries(['model', ...RAIN_BASELINES.map((b) => b.name)].map((m) => [m, { sum: 0, n: 0 }]));
  const strip: Evaluation['strip'] = { station: rows.where[0]?.series.station ?? '', ts: [], truth: [], model: [], persistence: [] };
  const t3 = REGRESSION_OUTPUTS.findIndex((o) => o.quantity === 'air_temperature' && o.horizon === 3);
  let n = 0;
  let withheld = 0;
  let flagged = 0;
  for (let r = 0; r < rows.x.length; r++) {
    const { series: s, i } = rows.where[r]!;
    const truth = rows.change[r]!;
    const f = await model(s, i);
    if (!f) { withheld++; continue; }
    n++;
    REGRESSION_OUTPUTS.forEach((o, k) => {
      sums.model![k]! += Math.abs(f.change[k]! - truth[k]!);
      for (const b of BASELINES) {
        const c = b.change(s, o.key, i, o.horizon);
        // A baseline that cannot speak (too little history) falls back to persistence.
        sums[b.name]![k]! += Math.abs((Number.isFinite(c) ? c : 0) - truth[k]!);
      }
    });
    if (f.flagged) flagged++;
    const rain = rows.rain[r]!;
    if (!Number.isNaN(rain)) { rainSums.model!.sum += (f.rain - rain) ** 2; rainSums.model!.n++; }
    for (const b of Number.isNaN(rain) ? [] : RAIN_BASELINES) {
      const p = b.p(s, i);
      if (Number.isFinite(p)) { rainSums[b.name]!.sum += (p - rain) ** 2; rainSums[b.name]!.n++; }
    }
    if (s.station === strip.station && strip.ts.length < 24 * 14) {
      const now = s.temperature[i]!;
      strip.ts.push(s.start + (i + 3) * 3_600_000);
      strip.truth.push(now + truth[t3]!);
      strip.model.push(now + f.change[t3]!);
      strip.persistence.push(now);
    }
  }
  if (n === 0) throw new Error(`no station hour to score: ${rows.change.length} hours have the truth, the model withheld all of them (an input it needs is missing)`);
  const table = (v: Float64Array): Table => Object.fromEntries(TARGETS.map((t) => [t.quantity, Object.fromEntries(HORIZONS.map((h) => [hkey(h), v[REGRESSION_OUTPUTS.findIndex((o) => o.quantity === t.quantity && o.horizon === h)]! / n]))]));
  const mae = Object.fromEntries(methods.map((m) => [m, table(sums[m]!)]));
  const skillOf = (m: string): Table => Object.fromEntries(Object.entries(mae[m]!).map(([q, byH]) => [q, Object.fromEntries(Object.entries(byH).map(([h, v]) => [h, 1 - v / mae.persistence![q]![h]!]))]));
  const brier = Object.fromEntries(Object.entries(rainSums).map(([m, { sum, n: k }]) => [m, k ? sum / k : NaN]));
  const bestRain = Math.min(...RAIN_BASELINES.map((b) => brier[b.name]!).filter(Number.isFinite)); // Infinity when none: skill NaN → null in JSON
  return {
    from: Number.isFinite(fromMs) ? new Date(fromMs).toISOString() : null,
    to: Number.isFinite(toMs) ? new Date(toMs).toISOString() : null,
    stations: [...new Set(rows.where.map((w) => w.series.station))],
    n,
    withheld,
    flagged,
    mae,
    skill: skillOf('model'),
    baseline_skill: Object.fromEntries(BASELINES.filter((b) => b.name !== 'persistence').map((b) => [b.name, skillOf(b.name)])),
    brier,
    brier_skill: 1 - brier.model! / bestRain,
    strip,
  };
}
