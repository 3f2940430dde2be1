// Hourly station records from a CSV of the schema of shared/data/nyc-2013-hourly.csv
// (the nycflights13 `weather` table): first column the station id whatever its header,
// temp/dewp °F, wind mph, precip inches, pressure hPa (sea level), `NA` missing, numbers
// possibly written `2015.0`, `time_hour` the UTC hour, year/month/day/hour the local time.
// Converted here, once, to WMO units; impossible values (the set has a 1048-mph wind) become
// missing, so one bad row cannot poison a window.
import { convert } from '../core/index.ts';

/** One station's hours, a regular series: index i is the hour start + i h; NaN is missing. */
export interface HourlySeries {
  station: string;
  start: number; // UTC ms of index 0
  temperature: Float64Array; // °C
  dewPoint: Float64Array; // °C
  pressure: Float64Array; // hPa, sea level
  windSpeed: Float64Array; // m/s
  windFrom: Float64Array; // degrees, from; NaN when calm or missing
  precip: Float64Array; // mm in the hour ending at the index's time
  localHour: Float64Array; // 0..23, local clock hour (the station's own day)
}

export const HOUR_MS = 3_600_000;

const LIMITS = {
  temperature: [-80, 60],
  dewPoint: [-90, 40],
  pressure: [870, 1090],
  windSpeed: [0, 75],
  precip: [0, 300],
} as const;

function num(s: string | undefined): number {
  if (s === undefined) return NaN;
  const t = s.trim().replace(/^"|"$/g, '');
  if (t === '' || t === 'NA' || t === 'NaN') return NaN;
  const n = Number(t);
  return Number.isFinite(n) ? n : NaN;
}

/** time_hour is UTC: '2013-01-01T06:00:00Z', '2013-01-01 06:00:00' (R, pandas) or with '+00:00'.
 *  Without a zone JavaScript would read local time, so a missing zone means UTC here. */
function parseUtc(raw: string): number {
  let t = raw.trim().replace(/^"|"$/g, '').replace(' ', 'T');
  if (/^\d{4}-\d{2}-\d{2}$/.test(t)) t += 'T00:00:00';
  if (!/(Z|[+-]\d{2}:?\d{2})$/i.test(t)) t += 'Z';
  return Date.parse(t);
}

function limit(v: number, [lo, hi]: readonly [number, number]): number {
  return v >= lo && v <= hi ? v : NaN;
}

/** Parses the CSV text into one regular hourly series per station. Throws on a header without the needed columns. */
export function parseHourlyCsv(text: string): HourlySeries[] {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  if (lines.length < 2) throw new Error('hourly CSV: no data rows');
  const header = lines[0]!.split(',').map((h) => h.trim().replace(/^"|"$/g, ''));
  const col = (name: string) => {
    const i = header.indexOf(name);
    if (i < 0) throw new Error(`hourly CSV: no column "${name}" (header: ${header.join(',')})`);
    return i;
  };
  const c = { time: col('time_hour'), temp: col('temp'), dewp: col('dewp'), dir: col('wind_dir'), speed: col('wind_speed'), precip: col('precip'), pressure: col('pressure'), hour: col('hour') };
  const byStation = new Map<string, { ts: number; f: string[] }[]>();
  let badTime = 0;
  for (const line of lines.slice(1)) {
    const f = line.split(',');
    const ts = parseUtc(f[c.time]!);
    if (!Number.isFinite(ts)) { badTime++; continue; }
    const station = f[0]!.trim().replace(/^"|"$/g, '');
    let rows = byStation.get(station);
    if (!rows) byStation.set(station, (rows = []));
    rows.push({ ts: Math.floor(ts / HOUR_MS) * HOUR_MS, f });
  }
  if (byStation.size === 0) throw new Error(`hourly CSV: no row with a readable time_hour (${badTime} unreadable)`);
  const out: HourlySeries[] = [];
  for (const [station, rows] of byStation) {
    rows.sort((a, b) => a.ts - b.ts);
    const start = rows[0]!.ts;
    const n = (rows.at(-1)!.ts - start) / HOUR_MS + 1;
    const arr = () => new Float64Array(n).fill(NaN);
    const s: HourlySeries = { station, start, temperature: arr(), dewPoint: arr(), pressure: arr(), windSpeed: arr(), windFrom: arr(), precip: arr(), localHour: arr() };
    for (const { ts, f } of rows) {
      const i = (ts - start) / HOUR_MS;
      s.temperature[i] = limit(convert.fToC(num(f[c.temp])), LIMITS.temperature);
      s.dewPoint[i] = limit(convert.fToC(num(f[c.dewp])), LIMITS.dewPoint);
      s.pressure[i] = limit(num(f[c.pressure]), LIMITS.pressure);
      const speed = limit(convert.mphToMs(num(f[c.speed])), LIMITS.windSpeed);
      s.windSpeed[i] = speed;
      const dir = num(f[c.dir]);
      s.windFrom[i] = speed > 0 && dir >= 0 && dir <= 360 ? dir : NaN;
      s.precip[i] = limit(convert.inToMm(num(f[c.precip])), LIMITS.precip);
      s.localHour[i] = num(f[c.hour]);
    }
    // Hours with no row: local hour follows from the neighbours (a row's UTC offset holds for hours).
    for (let i = 1; i < n; i++) if (Number.isNaN(s.localHour[i]!) && !Number.isNaN(s.localHour[i - 1]!)) s.localHour[i] = (s.localHour[i - 1]! + 1) % 24;
    out.push(s);
  }
  return out;
}

/** Index range [from, to) of a series whose times fall in [fromMs, toMs). */
export function indexRange(s: HourlySeries, fromMs = -Infinity, toMs = Infinity): [number, number] {
  const n = s.temperature.length;
  const lo = Number.isFinite(fromMs) ? Math.min(n, Math.max(0, Math.ceil((fromMs - s.start) / HOUR_MS))) : 0;
  const hi = Number.isFinite(toMs) ? Math.min(n, Math.ceil((toMs - s.start) / HOUR_MS)) : n;
  return [lo, Math.max(lo, hi)];
}
