// The evaluation as one SVG a person can open: MAE by horizon for each quantity (model and
// baselines), and a two-week strip of the +3 h temperature forecast against the truth.
import { type Evaluation } from './evaluate.ts';

const COLORS: Record<string, string> = { model: '#d62728', persistence: '#7f7f7f', linear_trend: '#1f77b4', diurnal_7day: '#2ca02c' };
const SHORT: Record<string, string> = { air_temperature: 'temperature (°C)', air_pressure_at_mean_sea_level: 'sea-level pressure (hPa)', wind_speed: 'wind speed (m/s)' };
const esc = (s: string) => s.replace(/[<>&]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;' })[c]!);

function panel(x0: number, y0: number, w: number, h: number, title: string, series: { name: string; xs: number[]; ys: number[] }[], xLabels: string[], fromZero = true): string {
  const all = series.flatMap((s) => s.ys).filter(Number.isFinite);
  const lo = fromZero ? Math.min(0, ...all) : Math.min(...all);
  const hi = Math.max(...all) * 1.05 || 1;
  const xMin = Math.min(...series.flatMap((s) => s.xs));
  const xMax = Math.max(...series.flatMap((s) => s.xs));
  const px = (x: number) => x0 + 40 + ((x - xMin) / (xMax - xMin || 1)) * (w - 50);
  const py = (y: number) => y0 + h - 20 - ((y - lo) / (hi - lo)) * (h - 40);
  const out = [`<text x="${x0 + 40}" y="${y0 + 12}" font-size="12">${esc(title)}</text>`,
    `<line x1="${x0 + 40}" y1="${py(lo)}" x2="${x0 + w - 10}" y2="${py(lo)}" stroke="#000"/>`,
    `<line x1="${x0 + 40}" y1="${py(lo)}" x2="${x0 + 40}" y2="${py(hi)}" stroke="#000"/>`,
    `<text x="${x0 + 2}" y="${py(hi) + 4}" font-size="10">${hi.toFixed(2)}</text>`,
    `<text x="${x0 + 2}" y="${py(lo)}" font-size="10">${lo.toFixed(2)}</text>`];
  xLabels.forEach((l, k) => out.push(`<text x="${px(xMin + ((xMax - xMin) * k) / Math.max(1, xLabels.length - 1)) - (k === xLabels.length - 1 ? 40 : 10)}" y="${y0 + h - 4}" font-size="10">${esc(l)}</text>`));
  for (const s of series) {
    const pts = s.xs.map((x, k) => (Number.isFinite(s.ys[k]!) ? `${px(x).toFixed(1)},${py(s.ys[k]!).toFixed(1)}` : '')).filter(Boolean).join(' ');
    out.push(`<polyline fill="none" stroke="${COLORS[s.name] ?? '#9467bd'}" stroke-width="1.5" points="${pts}"><title>${esc(s.name)}</title></polyline>`);
  }
  return out.join('\n');
}

export function reportSvg(e: Evaluation, title: string): string {
  const W = 900;
  const parts: string[] = [];
  const quantities = Object.keys(e.mae.model!);
  quantities.forEach((q, k) => {
    const series = Object.entries(e.mae).map(([m, t]) => ({ name: m, xs: Object.keys(t[q]!).map((h) => parseInt(h, 10)), ys: Object.values(t[q]!) }));
    parts.push(panel((k * W) / 3, 40, W / 3, 220, `${SHORT[q] ?? q}: MAE by horizon`, series, series[0]!.xs.map((x) => `+${x}h`)));
  });
  const s = e.strip;
  if (s.ts.length > 1) {
    const xs = s.ts.map((t) => (t - s.ts[0]!) / 3_600_000);
    const days = [0, 0.25, 0.5, 0.75, 1].map((f) => new Date(s.ts[0]! + f * (s.ts.at(-1)! - s.ts[0]!)).toISOString().slice(5, 13).replace('T', ' '));
    parts.push(panel(0, 290, W, 260, `${s.station}: air temperature +3 h — truth (black), model (red), persistence (grey), °C`, [
      { name: 'truth', xs, ys: s.truth }, { name: 'persistence', xs, ys: s.persistence }, { name: 'model', xs, ys: s.model },
    ], days, false).replace(/stroke="#9467bd"/, 'stroke="#000"'));
  }
  const legend = Object.entries(COLORS).map(([m, c], k) => `<text x="${10 + k * 140}" y="${590}" font-size="12" fill="${c}">■ ${m}</text>`).join('');
  const skill = quantities.map((q) => `${q} ${Object.entries(e.skill[q]!).map(([h, v]) => `${h} ${v.toFixed(2)}`).join(' ')}`).join(' · ');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="640" font-family="sans-serif">
<rect width="100%" height="100%" fill="#fff"/>
<text x="10" y="20" font-size="14">${esc(title)} — ${e.n} station hours, ${esc(e.stations.join(', '))}${e.from ? `, from ${e.from.slice(0, 10)}` : ''}${e.to ? ` to ${e.to.slice(0, 10)}` : ''}</text>
${parts.join('\n')}
${legend}
<text x="10" y="615" font-size="11">skill vs persistence: ${esc(skill)}</text>
<text x="10" y="632" font-size="11">rain 3 h Brier: ${esc(Object.entries(e.brier).map(([m, b]) => `${m} ${Number.isFinite(b) ? b.toFixed(4) : 'n/a'}`).join(', '))}</text>
</svg>
`;
}
