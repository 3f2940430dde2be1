// Reading shared/data/nyc-2013-hourly.csv (../shared/data/README.md) into per-station hourly
// series in WMO units. Kept apart from the replay so the parsing can be tested on its own.
import { readFileSync } from 'node:fs';
import { convert } from '../../core/quantities.ts';

export interface HourlyRow {
  /** time_hour, UTC ms */
  t: number;
  /** °C */
  temp: number | null;
  /** % */
  humid: number | null;
  /** degrees from, 0 with a calm */
  windDir: number | null;
  /** m/s */
  windSpeed: number | null;
  /** mm in the hour ending at t */
  precip: number | null;
  /** sea-level pressure, hPa */
  pressure: number | null;
  /** visibility, m (the CSV's `visib` is in statute miles; METAR caps it at 10 mi) */
  visib: number | null;
}

/** `NA` or empty is missing; numbers may come as `2015.0` or `10.357019999999999`. */
function num(s: string | undefined): number | null {
  if (s === undefined) return null;
  const v = s.trim();
  if (v === '' || v === 'NA') return null;
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
}

const cache = new Map<string, Map<string, HourlyRow[]>>();

/**
 * Parse the CSV into rows per station id, sorted by time. The station id is the first
 * column whatever its header says; the other columns are found by name. Cached per path:
 * every replay of a run shares one parse.
 */
export function loadNycCsv(path: string): Map<string, HourlyRow[]> {
  const hit = cache.get(path);
  if (hit) return hit;
  const lines = readFileSync(path, 'utf8').split(/\r?\n/).filter((l) => l.trim() !== '');
  const header = (lines.shift() ?? '').split(',').map((h) => h.trim().replace(/^"|"$/g, ''));
  const col = (name: string): number => {
    const i = header.indexOf(name);
    if (i < 0) throw new Error(`${path}: no column "${name}" in header`);
    return i;
  };
  const c = { temp: col('temp'), humid: col('humid'), dir: col('wind_dir'), speed: col('wind_speed'), precip: col('precip'), pressure: col('pressure'), visib: col('visib'), time: col('time_hour') };
  const byStation = new Map<string, HourlyRow[]>();
  for (const line of lines) {
    const f = line.split(',').map((x) => x.trim().replace(/^"|"$/g, ''));
    const t = Date.parse(f[c.time] ?? '');
    if (!Number.isFinite(t)) continue;
    const id = f[0] ?? '';
    const temp = num(f[c.temp]);
    const speed = num(f[c.speed]);
    const precip = num(f[c.precip]);
    const visib = num(f[c.visib]);
    const row: HourlyRow = {
      t,
      temp: temp === null ? null : convert.fToC(temp),
      humid: num(f[c.humid]),
      windDir: num(f[c.dir]),
      windSpeed: speed === null ? null : convert.mphToMs(speed),
      precip: precip === null ? null : convert.inToMm(precip),
      pressure: num(f[c.pressure]),
      visib: visib === null ? null : visib * 1609.344,
    };
    let rows = byStation.get(id);
    if (!rows) byStation.set(id, (rows = []));
    rows.push(row);
  }
  for (const rows of byStation.values()) rows.sort((a, b) => a.t - b.t);
  cache.set(path, byStation);
  return byStation;
}
