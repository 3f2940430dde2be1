// Sanity run of the QC checks over real data: `npx tsx gateway/qc/flag-rates.ts [CSV]`
// (default ../shared/data/nyc-2013-hourly.csv, hourly METAR of JFK/LGA/EWR 2013). Prints a
// Markdown table of flag rates per check, the one in docs/qc.md. Hourly data, so: the step
// test uses the [305] hourly limits, persistence (defined on 60 one-minute values) and the
// SLP-vs-station check (no station pressure in the file) do not apply.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { convert, qc, type MinuteRecord, type MinuteValue, type Quantity } from '../../core/index.ts';
import { checkConsistency } from './consistency.ts';
import { rangeVerdict } from './range.ts';

/** [305] hourly step limits: hours of gap → largest credible change (T, Td in °C; pressure 3 hPa per hour). */
const HOURLY_STEP: Partial<Record<Quantity, Record<number, number>>> = {
  air_temperature: { 1: 4, 2: 7, 3: 9, 6: 15, 12: 25 },
  dew_point_temperature: { 1: 4, 2: 6, 3: 8, 6: 12, 12: 20 },
  air_pressure_at_mean_sea_level: { 1: 3, 2: 6, 3: 9, 6: 18, 12: 36 },
};
const stepLimit = (q: Quantity, hours: number) => {
  const t = HOURLY_STEP[q];
  if (!t) return null;
  const k = Object.keys(t).map(Number).find((h) => h >= hours);
  return k === undefined ? null : t[k]!;
};

type Tally = Record<string, { tested: number; suspect: number; bad: number; missing: number }>;

export function flagRates(csv: string): { rows: number; tally: Tally } {
  const lines = csv.trim().split('\n');
  const head = lines[0]!.split(',');
  const col = (name: string) => head.indexOf(name);
  const num = (f: string[], name: string) => {
    const s = f[col(name)];
    return s === undefined || s === 'NA' || s === '' ? null : Number(s);
  };
  const tally: Tally = {};
  const count = (check: string, flag: string | null) => {
    const t = (tally[check] ??= { tested: 0, suspect: 0, bad: 0, missing: 0 });
    t.tested++;
    if (flag === 'suspect') t.suspect++;
    if (flag === 'bad') t.bad++;
    if (flag === 'missing') t.missing++;
  };
  const prev = new Map<string, { ts: number; values: Partial<Record<Quantity, number>> }>();
  for (const line of lines.slice(1)) {
    const f = line.split(',');
    const station = f[col('origin')]!;
    const ts = Date.parse(f[col('time_hour')]!);
    const v = (x: number | null, conv: (x: number) => number = (y) => y) => (x === null ? null : conv(x));
    const speed = v(num(f, 'wind_speed'), convert.mphToMs);
    const dirRaw = num(f, 'wind_dir');
    const values: Partial<Record<Quantity, number | null>> = {
      air_temperature: v(num(f, 'temp'), convert.fToC),
      dew_point_temperature: v(num(f, 'dewp'), convert.fToC),
      relative_humidity: num(f, 'humid'),
      air_pressure_at_mean_sea_level: num(f, 'pressure'),
      wind_speed: speed,
      // "0 @ 0" in a METAR replay is calm: no direction (qc.md §5)
      wind_from_direction: dirRaw === 0 && speed === 0 ? null : dirRaw,
      wind_speed_of_gust: v(num(f, 'wind_gust'), convert.mphToMs),
      precipitation_amount: v(num(f, 'precip'), convert.inToMm),
    };
    // Range, per quantity.
    for (const [q, x] of Object.entries(values) as Array<[Quantity, number | null]>) {
      if (x === null) continue;
      // hourly rain: 305 mm/h is the world record (qc.md §2); the 1-min limit does not apply
      const verdict = q === 'precipitation_amount' ? (x > 305 ? qc('bad', 'range') : qc('good')) : rangeVerdict(q, x, {});
      count(`range: ${q}`, verdict.flag);
    }
    // Step against the same station's previous hour (hourly limits).
    const p = prev.get(station);
    if (p) {
      const hours = Math.round((ts - p.ts) / 3_600_000);
      for (const q of Object.keys(HOURLY_STEP) as Quantity[]) {
        const a = values[q];
        const b = p.values[q];
        const lim = stepLimit(q, hours);
        if (a == null || b == null || lim === null) continue;
        count(`step (hourly): ${q}`, Math.abs(a - b) > lim ? 'suspect' : 'good');
      }
    }
    prev.set(station, { ts, values: Object.fromEntries(Object.entries(values).filter(([, x]) => x !== null)) as Partial<Record<Quantity, number>> });
    // Internal consistency on the hour's values.
    const rec: MinuteRecord['values'] = {};
    for (const [q, x] of Object.entries(values) as Array<[Quantity, number | null]>) {
      if (x !== null || q === 'wind_from_direction') rec[q] = { v: x, f: 'good', n: x === null ? 0 : 1 } as MinuteValue;
    }
    if (values.wind_speed == null) delete rec.wind_from_direction;
    const out = checkConsistency(rec, { elevationM: 0, rh10: values.relative_humidity ?? null, derivedSlp: true });
    const flagged = (q: Quantity) => out[q]?.f !== rec[q]?.f;
    if (rec.air_temperature && rec.dew_point_temperature) count('consistency: dew point ≤ T + 0.5', flagged('dew_point_temperature') ? 'suspect' : 'good');
    if (rec.wind_speed && rec.wind_speed_of_gust) count('consistency: gust ≥ mean (and < mean + 38.6)', flagged('wind_speed_of_gust') ? 'suspect' : 'good');
    if (rec.wind_speed && rec.wind_from_direction) count('consistency: calm ⇔ no direction', flagged('wind_from_direction') ? out.wind_from_direction!.f : 'good');
    if (rec.precipitation_amount && rec.precipitation_amount.v! > 0 && values.relative_humidity != null) count('consistency: rain with RH < 60 % (rainy hours)', flagged('precipitation_amount') ? 'suspect' : 'good');
  }
  return { rows: lines.length - 1, tally };
}

export function tallyTable(t: Tally): string {
  const pct = (n: number, d: number) => (d ? `${((100 * n) / d).toFixed(2)} %` : '–');
  const rows = Object.entries(t).sort(([a], [b]) => a.localeCompare(b))
    .map(([k, x]) => `| ${k} | ${x.tested} | ${x.suspect} (${pct(x.suspect, x.tested)}) | ${x.bad} (${pct(x.bad, x.tested)}) | ${x.missing} (${pct(x.missing, x.tested)}) |`);
  return ['| check | values tested | suspect | bad | missing |', '| --- | ---: | ---: | ---: | ---: |', ...rows].join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const file = process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), '../../../shared/data/nyc-2013-hourly.csv');
  const r = flagRates(readFileSync(file, 'utf8'));
  process.stdout.write(`${r.rows} rows of ${file}\n\n${tallyTable(r.tally)}\n`);
}
