// `bonin eval --data CSV [--from DATE] [--to DATE] [--model MANIFEST] [--svg FILE] [--json]`:
// the shipped model (run in LiteRT) and the baselines on any CSV of the shared file's
// schema. Prints MAE per quantity and horizon, the skill against persistence and the Brier
// score of rain; `--json` prints one JSON object as the last line. Writes an SVG report.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseHourlyCsv } from '../../edge-model/data.ts';
import { evaluate, type Evaluation } from '../../edge-model/evaluate.ts';
import { REGRESSION_OUTPUTS } from '../../edge-model/features.ts';
import { NowcastModel, SHIPPED_MANIFEST } from '../../edge-model/nowcast.ts';
import { reportSvg } from '../../edge-model/report-svg.ts';

export interface EvalCliOptions { data: string; from?: string; to?: string; model?: string; svg?: string; json?: boolean }

function time(s: string | undefined, name: string): number | undefined {
  if (s === undefined) return undefined;
  const t = Date.parse(s);
  if (!Number.isFinite(t)) {
    process.stderr.write(`bonin eval: ${name} ${s} is not a date (e.g. 2013-10-01 or 2013-10-01T00:00Z)\n`);
    process.exit(2);
  }
  return t;
}

function table(e: Evaluation): string {
  const lines: string[] = [];
  const methods = Object.keys(e.mae);
  for (const [q, byH] of Object.entries(e.mae.model!)) {
    lines.push(`${q}  MAE by horizon (skill vs persistence)`);
    for (const m of methods) {
      const cells = Object.keys(byH).map((h) => {
        const mae = e.mae[m]![q]![h]!;
        const skill = 1 - mae / e.mae.persistence![q]![h]!;
        return `${h} ${mae.toFixed(3)} (${skill >= 0 ? '+' : ''}${skill.toFixed(2)})`;
      });
      lines.push(`  ${m.padEnd(13)} ${cells.join('   ')}`);
    }
  }
  lines.push(`rain in the next 3 h, Brier score: ${Object.entries(e.brier).map(([m, b]) => `${m} ${Number.isFinite(b) ? b.toFixed(4) : 'n/a'}`).join(', ')}`);
  lines.push(`${e.n} station hours scored (${e.stations.join(', ')}), ${e.flagged} of them flagged (no precipitation reported), ${e.withheld} withheld by the model (an input missing)`);
  return lines.join('\n');
}

export async function runEval(o: EvalCliOptions): Promise<void> {
  const fromMs = time(o.from, '--from');
  const toMs = time(o.to, '--to');
  let text: string;
  try {
    text = readFileSync(o.data, 'utf8');
  } catch (e) {
    process.stderr.write(`bonin eval: cannot read ${o.data}: ${(e as Error).message}\n`);
    process.exit(2);
  }
  let series;
  try {
    series = parseHourlyCsv(text);
  } catch (e) {
    process.stderr.write(`bonin eval: ${o.data}: ${(e as Error).message}\n`);
    process.exit(2);
  }
  const model = await NowcastModel.load(o.model ?? SHIPPED_MANIFEST);
  // The manifest's output order, mapped onto the evaluator's (quantity, horizon) order.
  const items = model.manifest.outputs.change.items;
  const slot = REGRESSION_OUTPUTS.map((o) => {
    const k = items.findIndex((it) => it.quantity === o.quantity && it.horizon_h === o.horizon);
    if (k < 0) throw new Error(`model ${model.manifest.version} has no ${o.quantity} +${o.horizon} h output`);
    return k;
  });
  const e = await evaluate(series, async (s, i) => {
    const inputs = model.inputsWithFlags(s, i);
    if (!inputs) return undefined;
    const r = await model.runRaw(inputs.x);
    return { change: slot.map((k) => r.change[k]! * items[k]!.scale), rain: r.rain, flagged: inputs.substituted.length > 0 };
  }, fromMs, toMs);
  model.close();
  const svg = o.svg ?? 'data/nowcast-eval.svg';
  mkdirSync(dirname(svg), { recursive: true });
  writeFileSync(svg, reportSvg(e, `model ${model.manifest.version} on ${o.data.split('/').at(-1)}`));
  process.stdout.write(`${table(e)}\nSVG report: ${svg}\n`);
  const { strip: _strip, ...summary } = e;
  if (o.json) process.stdout.write(`${JSON.stringify({ model: model.manifest.version, ...summary })}\n`);
}
