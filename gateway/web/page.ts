// The status page itself: one HTML document with its CSS and script inline (the station has
// no internet, so nothing comes from a CDN). Made for a technician's phone: one column, large
// type, no table wider than the screen. The script polls /api/status every 5 s for the live
// values and /api/series every 60 s for the 24-hour plots, which it draws as SVG paths.
// Read-only on purpose: see docs/status-page.md ("Why nothing can be changed here").

export function pageHtml(station: { id: string; name: string }): string {
  const title = `${esc(station.name)} (${esc(station.id)})`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Bonin — ${title}</title>
<style>${CSS}</style></head>
<body>
<header><h1>${title}</h1>
<p id="clock" class="sub">station clock …</p>
<p id="fresh" class="sub">waiting for the gateway …</p></header>
<main>
<section><h2>Now</h2><div id="readings" class="list"></div></section>
<section><h2>Sensors</h2><div id="sensors" class="list"></div></section>
<section><h2>Link and queue</h2><div id="link" class="list"></div></section>
<section><h2>Camera</h2><div id="camera"><p class="sub">no camera frame</p></div></section>
<section><h2>Last 24 hours</h2><div id="plots"></div></section>
</main>
<footer>Read-only: this page changes nothing on the station. JSON: <a href="/api/status">/api/status</a> · metrics: <a href="/metrics">/metrics</a></footer>
<script>${SCRIPT}</script>
</body></html>
`;
}

export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const CSS = `
*{box-sizing:border-box}
body{margin:0;font:18px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:#f4f6f8;color:#111}
header,main,footer{max-width:720px;margin:0 auto;padding:12px 16px}
h1{font-size:1.5rem;margin:.2em 0}
h2{font-size:1.2rem;margin:1em 0 .4em;border-bottom:2px solid #ccd}
.sub{color:#555;margin:.1em 0;font-size:.95rem}
.list{display:flex;flex-direction:column;gap:6px}
.row{display:flex;justify-content:space-between;align-items:baseline;gap:8px;background:#fff;border-radius:8px;padding:10px 12px;overflow-wrap:anywhere}
.row .name{flex:1 1 auto;min-width:0}
.row .val{font-size:1.4rem;font-weight:600;white-space:nowrap}
.small{font-size:.85rem;color:#555}
.flag{display:inline-block;font-size:.8rem;padding:1px 7px;border-radius:10px;margin-left:6px;vertical-align:middle;font-weight:600}
.good{background:#d7f5dc;color:#135a20}.suspect{background:#fff0c2;color:#6b4b00}.bad{background:#ffd6d6;color:#8a1010}
.missing,.not_checked{background:#e4e4e4;color:#333}
.ok{color:#135a20}.warn{color:#8a1010;font-weight:600}
svg{width:100%;height:auto;background:#fff;border-radius:8px;display:block}
.plot{margin-bottom:14px}
.plot h3{font-size:1rem;margin:.3em 0}
img{max-width:100%;height:auto;border-radius:8px;display:block}
footer{font-size:.85rem;color:#555}
a{color:#0b5394}
`;

// Plain ES2017 in the browser; no framework. Text goes in through an escaping helper.
const SCRIPT = `
const $ = (id) => document.getElementById(id);
const e = (s) => String(s).replace(/[&<>"']/g, (c) => '&#' + c.charCodeAt(0) + ';');
const ago = (s) => s === null || s === undefined ? 'never' : s < 90 ? s + ' s ago' : s < 5400 ? Math.round(s / 60) + ' min ago' : s < 172800 ? Math.round(s / 3600) + ' h ago' : Math.round(s / 86400) + ' days ago';
const UNITS = { 'degC': '°C', 'm s-1': 'm/s', 'degree': '°', 'mm h-1': 'mm/h' };
const unit = (u) => UNITS[u] || u;
const flag = (f) => '<span class="flag ' + e(f) + '">' + e(f.replace('_', ' ')) + '</span>';
const row = (name, val, sub) => '<div class="row"><div class="name">' + name + (sub ? '<div class="small">' + sub + '</div>' : '') + '</div><div class="val">' + val + '</div></div>';
let lastOk = 0;

function fmt(v) { return v === null ? '—' : Math.abs(v) >= 100 ? v.toFixed(1) : v.toFixed(2).replace(/0$/, ''); }

function render(s) {
  $('clock').textContent = 'Station clock ' + s.clock.iso.replace('T', ' ').slice(0, 19) + ' UTC — ' + s.clock.state + (s.clock.detail ? ' (' + s.clock.detail + ')' : '');
  $('readings').innerHTML = s.readings.length ? s.readings.map((r) =>
    row(e(r.label) + flag(r.flag), '<span data-q="' + e(r.quantity) + '">' + fmt(r.value) + '</span> ' + e(unit(r.unit)),
      e(r.sensor) + ', ' + ago(r.age_s) + (r.reasons.length ? ' — ' + e(r.reasons.join(', ')) : ''))).join('') : '<p class="sub">no reading yet</p>';
  $('sensors').innerHTML = s.sensors.map((x) => {
    const up = x.state === 'open';
    return row(e(x.id) + ' <span class="small">' + e(x.type) + '</span>', '<span class="' + (up ? 'ok' : 'warn') + '">' + e(x.state) + '</span>',
      'last value ' + ago(x.last_value_age_s) + ' · ' + x.lines + ' lines · ' + x.rejections + ' rejected');
  }).join('');
  const q = s.queue, l = s.link;
  $('link').innerHTML = [
    row('Satellite link', '<span class="' + (l.up ? 'ok' : 'warn') + '">' + (l.up ? 'up' : 'down') + '</span>', 'last ack ' + ago(l.last_ack_age_s) + ' · ' + l.reconnects + ' reconnects'),
    row('Waiting to send', q.records + ' records', q.batches + ' batches' + (q.oldest_unsent_age_s !== null ? ' · oldest ' + ago(q.oldest_unsent_age_s) : '')),
    row('Store', s.disk.store_mb + ' MB', (s.disk.quota_mb ? 'quota ' + s.disk.quota_mb + ' MB · ' : '') + s.disk.evicted_rows + ' rows evicted'),
    s.nowcast ? row('Nowcast', e(s.nowcast.state), e(s.nowcast.model || 'no model')) : '',
    s.log ? row('Log file', s.log.failing ? '<span class="warn">failing</span>' : '<span class="ok">ok</span>', s.log.linesDropped + ' lines dropped' + (s.log.failing ? ' — ' + e(s.log.failing) : '')) : '',
  ].join('');
  if (s.camera) {
    const img = $('camera').querySelector('img');
    if (!img || img.dataset.ts !== String(s.camera.ts)) $('camera').innerHTML = '<img alt="latest camera frame" data-ts="' + s.camera.ts + '" src="' + e(s.camera.url) + '"><p class="sub">taken ' + ago(s.camera.age_s) + '</p>';
  }
}

const COLORS = ['#0b5394', '#b45f06', '#38761d', '#741b47'];
function plot(q, now) {
  const W = 360, H = 150, L = 40, R = 6, T = 8, B = 22;
  const all = q.sensors.flatMap((s) => s.points);
  let lo = Math.min(...all.map((p) => p.v)), hi = Math.max(...all.map((p) => p.v));
  if (hi - lo < 1e-9) { lo -= 1; hi += 1; }
  const t0 = now - 86400000;
  const x = (t) => L + ((t - t0) / 86400000) * (W - L - R);
  const y = (v) => T + (1 - (v - lo) / (hi - lo)) * (H - T - B);
  let svg = '<svg viewBox="0 0 ' + W + ' ' + H + '" role="img" aria-label="' + e(q.label) + ', last 24 hours" data-q="' + e(q.quantity) + '">';
  for (const v of [lo, (lo + hi) / 2, hi]) svg += '<line x1="' + L + '" x2="' + (W - R) + '" y1="' + y(v).toFixed(1) + '" y2="' + y(v).toFixed(1) + '" stroke="#e3e3e3"/><text x="' + (L - 4) + '" y="' + (y(v) + 4).toFixed(1) + '" font-size="11" text-anchor="end" fill="#555">' + fmt(v) + '</text>';
  for (const h of [-24, -18, -12, -6, 0]) svg += '<text x="' + (h ? x(now + h * 3600000) : W - R).toFixed(1) + '" y="' + (H - 6) + '" font-size="11" text-anchor="' + (h ? 'middle' : 'end') + '" fill="#555">' + (h ? h + ' h' : 'now') + '</text>';
  q.sensors.forEach((s, i) => {
    let d = '', prev = null;
    for (const p of s.points) {
      // a gap longer than 20 minutes is drawn as a gap, not a line across it
      d += (prev === null || p.t - prev > 1200000 ? 'M' : 'L') + x(p.t).toFixed(1) + ' ' + y(p.v).toFixed(1) + ' ';
      prev = p.t;
    }
    svg += '<path d="' + d.trim() + '" fill="none" stroke="' + COLORS[i % COLORS.length] + '" stroke-width="1.6" data-sensor="' + e(s.sensor) + '"/>';
    for (const p of s.points) if (p.f === 'suspect' || p.f === 'bad') svg += '<circle cx="' + x(p.t).toFixed(1) + '" cy="' + y(p.v).toFixed(1) + '" r="2.5" class="flagged" fill="' + (p.f === 'bad' ? '#c00' : '#e69138') + '"/>';
  });
  svg += '</svg>';
  const legend = q.sensors.length > 1 ? ' <span class="small">' + q.sensors.map((s, i) => '<span style="color:' + COLORS[i % COLORS.length] + '">■</span> ' + e(s.sensor)).join(' ') + '</span>' : '';
  return '<div class="plot"><h3>' + e(q.label) + ' (' + e(unit(q.unit)) + ')' + legend + '</h3>' + svg + '</div>';
}

async function status() {
  try {
    const r = await fetch('/api/status', { cache: 'no-store' });
    const s = await r.json();
    render(s);
    lastOk = Date.now();
    window.lastStatus = s;
  } catch (err) { /* shown by the freshness line */ }
  $('fresh').textContent = lastOk ? 'updated ' + Math.round((Date.now() - lastOk) / 1000) + ' s ago (every 5 s)' : 'cannot reach the gateway';
}

async function series() {
  try {
    const r = await fetch('/api/series', { cache: 'no-store' });
    const s = await r.json();
    $('plots').innerHTML = s.series.length ? s.series.map((q) => plot(q, s.now)).join('') : '<p class="sub">no minute closed yet</p>';
  } catch (err) { /* next time */ }
}

status(); series();
setInterval(status, 5000);
setInterval(series, 60000);
`;
