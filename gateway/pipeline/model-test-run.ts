// The test run a new nowcast model must pass before the gateway adopts it (issue #7 item 6):
// it runs on the station's own recent hours when enough of them have every input, else on
// the held-out inputs shipped in its manifest (`test_inputs`), else on the training mean and
// ±1 std of every input. Any output that is NaN, or a change or a value no weather makes,
// refuses the model. The limits are generous on purpose: they catch a broken or hostile
// network (1e9 °C), not a poor forecaster — skill is judged at the centre, not here.
import type { HourlySeries } from '../../edge-model/data.ts';
import { currentValue } from '../../edge-model/features.ts';
import type { NowcastModel } from '../../edge-model/nowcast.ts';

/** Largest believable change per quantity at any horizon up to 6 h, and the believable values. */
const LIMITS: Record<string, { change: number; min: number; max: number; key: 'temperature' | 'pressure' | 'windSpeed' }> = {
  air_temperature: { change: 30, min: -80, max: 60, key: 'temperature' },
  air_pressure_at_mean_sea_level: { change: 40, min: 850, max: 1090, key: 'pressure' },
  wind_speed: { change: 50, min: -5, max: 90, key: 'windSpeed' }, // -5: wind is clamped at 0 after the model
};
/** Station hours tried (newest first) and how many with all inputs make a test of their own. */
const RECENT_HOURS = 48;
const MIN_STATION_CASES = 6;

export interface TestRunResult { ok: boolean; reason?: string; cases: number; on: 'station' | 'held-out' | 'mean±std' }

/** Runs the model on test inputs; `ok: false` with the first thing wrong. Never throws. */
export async function testRunModel(model: NowcastModel, series?: HourlySeries): Promise<TestRunResult> {
  const m = model.manifest;
  const cases: Array<{ x: Float32Array; i?: number }> = [];
  if (series) {
    const last = series.temperature.length - 1;
    for (let i = last; i >= Math.max(0, last - RECENT_HOURS); i--) {
      const x = model.inputsAt(series, i);
      if (x) cases.push({ x, i });
    }
  }
  let on: TestRunResult['on'] = 'station';
  if (cases.length < MIN_STATION_CASES) {
    cases.length = 0;
    const n = m.input.features.length;
    const held = (m.test_inputs ?? []).filter((v) => Array.isArray(v) && v.length === n);
    if (held.length) {
      on = 'held-out';
      for (const v of held) cases.push({ x: Float32Array.from(v) });
    } else {
      on = 'mean±std';
      for (const s of [0, 1, -1]) cases.push({ x: new Float32Array(n).fill(s) });
    }
  }
  const fail = (reason: string): TestRunResult => ({ ok: false, reason, cases: cases.length, on });
  for (const c of cases) {
    let out;
    try {
      out = await model.runRaw(c.x);
    } catch (err) {
      return fail(`test run failed: ${(err as Error).message}`);
    }
    if (!(out.rain >= 0 && out.rain <= 1)) return fail(`rain probability ${out.rain} outside 0…1`);
    for (const [k, o] of m.outputs.change.items.entries()) {
      const lim = LIMITS[o.quantity];
      const change = out.change[k]! * o.scale;
      if (!Number.isFinite(change)) return fail(`${o.quantity} +${o.horizon_h} h is ${change}`);
      if (!lim) continue;
      if (Math.abs(change) > lim.change) return fail(`${o.quantity} +${o.horizon_h} h changes by ${change.toPrecision(4)} ${o.unit} (limit ±${lim.change})`);
      if (series && c.i !== undefined) {
        const v = currentValue(series, lim.key, c.i) + change;
        if (!(v >= lim.min && v <= lim.max)) return fail(`${o.quantity} +${o.horizon_h} h is ${v.toPrecision(4)} ${o.unit} (outside ${lim.min}…${lim.max})`);
      }
    }
  }
  return { ok: true, cases: cases.length, on };
}
