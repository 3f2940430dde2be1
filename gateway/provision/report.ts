// The commissioning report a technician hands in: Markdown (readable on the board, in a
// mail or printed) with one small SVG plot per sensor quantity beside it, and the same facts
// as JSON for the central system. Pass/fail per item; every failure with what to do.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Finding } from './identify.ts';
import type { SensorSelfTest, Verdict } from './selftest-sensors.ts';
import type { CheckResult } from './selftest-system.ts';

export interface CommissioningReport {
  version: 1;
  date: string;
  technician: string;
  station: { id: string; name: string; latitude: number; longitude: number; elevation_m: number; site: string };
  scan: { duration_ms: number; findings: Finding[] };
  cameras: CheckResult[];
  config: { path: string; backup: string | null; yaml: string };
  secrets: string[];
  self_test: { seconds: number; sensors: SensorSelfTest[]; checks: CheckResult[] };
  service: CheckResult | null;
  /** pass: every item passed; warn: passed with remarks; fail: at least one item failed */
  overall: Verdict;
}

export function overallVerdict(r: Pick<CommissioningReport, 'self_test' | 'cameras' | 'service'>): Verdict {
  const all: Verdict[] = [...r.self_test.sensors.map((s) => s.verdict), ...r.self_test.checks.map((c) => c.verdict), ...r.cameras.map((c) => c.verdict), ...(r.service ? [r.service.verdict] : [])];
  if (r.self_test.sensors.length === 0 || all.includes('fail')) return 'fail';
  return all.includes('warn') ? 'warn' : 'pass';
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** A 320×90 line plot of one series, with its min and max written on it. */
export function sparkline(series: ReadonlyArray<readonly [number, number]>, title: string): string {
  const W = 320, H = 90, P = 18;
  if (series.length === 0) return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}"><text x="4" y="14" font-size="11">${esc(title)}: no readings</text></svg>\n`;
  const t0 = series[0]![0], t1 = series.at(-1)![0];
  const vs = series.map((p) => p[1]);
  const lo = Math.min(...vs), hi = Math.max(...vs);
  const x = (t: number) => P + ((t - t0) / Math.max(1, t1 - t0)) * (W - 2 * P);
  const y = (v: number) => H - P - ((v - lo) / (hi - lo || 1)) * (H - 2 * P);
  const pts = series.map(([t, v]) => `${x(t).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif">`,
    `<rect width="${W}" height="${H}" fill="#fff" stroke="#ccc"/>`,
    `<text x="4" y="12" font-size="11">${esc(title)} (${series.length} readings, ${Math.round((t1 - t0) / 1000)} s)</text>`,
    `<text x="${W - 4}" y="${P + 4}" font-size="10" text-anchor="end">${hi}</text><text x="${W - 4}" y="${H - 4}" font-size="10" text-anchor="end">${lo}</text>`,
    `<polyline fill="none" stroke="#1f5fa8" stroke-width="1.5" points="${pts}"/>`,
    '</svg>\n',
  ].join('');
}

const MARK: Record<Verdict, string> = { pass: 'PASS', warn: 'PASS (remark)', fail: 'FAIL' };

export function renderMarkdown(r: CommissioningReport, plots: Map<string, string>): string {
  const L: string[] = [];
  L.push(`# Commissioning report — ${r.station.name} (${r.station.id})`, '');
  L.push(`- Date: ${r.date}`, `- Technician: ${r.technician}`, `- Site: ${r.station.site}; ${r.station.latitude}, ${r.station.longitude}; ${r.station.elevation_m} m`, `- **Result: ${MARK[r.overall]}**`, '');
  L.push('## What was found', '', `Scan of ${r.scan.findings.length} port(s) in ${(r.scan.duration_ms / 1000).toFixed(1)} s.`, '');
  L.push('| port | result | device | baud | firmware | serial no. | confidence |', '| --- | --- | --- | --- | --- | --- | --- |');
  for (const f of r.scan.findings) {
    const what = f.status === 'identified' ? (f.type ?? '') : f.status === 'garbage' ? 'unknown device, garbage (not claimed)' : f.status === 'silent' ? 'nothing answered' : f.status;
    L.push(`| ${cell(f.port)} | ${f.status} | ${cell(`${f.identity.model ?? ''} ${what === f.identity.model ? '' : `(${what})`}`.trim())} | ${f.baud ?? ''} | ${cell(f.identity.firmware ?? '')} | ${f.status === 'identified' ? cell(f.identity.serial ?? 'not told by the device') : ''} | ${f.confidence} |`);
  }
  L.push('', '<details><summary>Evidence per port</summary>', '');
  for (const f of r.scan.findings) L.push(`- **${f.port}**`, ...f.evidence.map((e) => `  - ${e}`));
  L.push('', '</details>', '');
  if (r.cameras.length) {
    L.push('## Cameras', '', '| item | result | detail | what to do |', '| --- | --- | --- | --- |');
    for (const c of r.cameras) L.push(`| ${cell(c.item)} | ${MARK[c.verdict]} | ${cell(c.detail)} | ${cell(c.advice ?? '')} |`);
    L.push('');
  }
  L.push('## Self-test', '', `Each sensor read for ${r.self_test.seconds} s through the gateway's drivers, every reading through its range QC.`, '');
  L.push('| item | result | detail | what to do |', '| --- | --- | --- | --- |');
  for (const s of r.self_test.sensors) {
    const q = Object.entries(s.quantities).map(([k, v]) => `${k} ${v.last ?? '–'} (${v.n}; ${Object.entries(v.flags).map(([f, n]) => `${f} ${n}`).join(', ')})`).join('; ');
    L.push(`| sensor ${s.sensor} (${s.type}, ${cell(s.port)}) | ${MARK[s.verdict]} | ${cell(`${s.observations} readings, ${s.rejections} refused lines${q ? `: ${q}` : ''}`)} | ${cell(s.advice ?? '')} |`);
  }
  for (const c of r.self_test.checks) L.push(`| ${c.item} | ${MARK[c.verdict]} | ${cell(c.detail)} | ${cell(c.advice ?? '')} |`);
  if (r.service) L.push(`| ${r.service.item} | ${MARK[r.service.verdict]} | ${cell(r.service.detail)} | ${cell(r.service.advice ?? '')} |`);
  L.push('');
  if (plots.size) {
    L.push('### Readings', '');
    for (const [file, title] of plots) L.push(`![${title}](${file})`);
    L.push('');
  }
  L.push('## Configuration written', '', `\`${r.config.path}\`${r.config.backup ? ` (the previous one kept as \`${r.config.backup}\`)` : ''}`, '', '```yaml', r.config.yaml.trimEnd(), '```', '');
  if (r.secrets.length) L.push('## Keys and certificates', '', ...r.secrets.map((s) => `- ${s}`), '');
  L.push('---', '', `Technician: ${r.technician}    Signature: ______________________    Date: ${r.date.slice(0, 10)}`, '');
  return L.join('\n');
}

/** Write `commissioning-<id>.md`, `.json` and one SVG per sensor quantity into `dir`. */
export function writeReport(dir: string, r: CommissioningReport): { markdown: string; json: string; plots: string[] } {
  mkdirSync(dir, { recursive: true });
  const base = `commissioning-${r.station.id}`;
  const plots = new Map<string, string>();
  for (const s of r.self_test.sensors) {
    for (const [q, v] of Object.entries(s.quantities)) {
      if (!v.series.length) continue;
      const file = `${base}-${s.sensor}-${q}.svg`;
      writeFileSync(join(dir, file), sparkline(v.series, `${s.sensor} ${q}`));
      plots.set(file, `${s.sensor} ${q}`);
    }
  }
  const markdown = join(dir, `${base}.md`);
  const json = join(dir, `${base}.json`);
  writeFileSync(markdown, renderMarkdown(r, plots));
  writeFileSync(json, `${JSON.stringify(r, null, 2)}\n`);
  return { markdown, json, plots: [...plots.keys()].map((f) => join(dir, f)) };
}
