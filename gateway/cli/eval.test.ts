// `bonin eval` as a technician runs it, on a CSV of the shared schema written differently:
// another station-id header, numbers as `2013.0`, one station only.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '../..');
const CSV = join(ROOT, '../shared/data/nyc-2013-hourly.csv');

describe('bonin eval', () => {
  it('scores the shipped model and the baselines and prints one JSON object last', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bonin-eval-'));
    const lines = readFileSync(CSV, 'utf8').trim().split('\n');
    const rows = lines.filter((l) => /^LGA,2013,(10|11),/.test(l)).map((l) => l.replace(/^LGA,(\d+),(\d+),(\d+),(\d+),/, 'X1,$1.0,$2.0,$3.0,$4.0,'));
    writeFileSync(join(dir, 'x1.csv'), [lines[0]!.replace(/^origin/, 'station_id'), ...rows].join('\n'));
    const { stdout } = await run(process.execPath, [join(ROOT, 'bin/bonin.js'), 'eval', '--data', join(dir, 'x1.csv'), '--from', '2013-10-15', '--json', '--svg', join(dir, 'r.svg')], { cwd: ROOT });
    const out = JSON.parse(stdout.trim().split('\n').at(-1)!);
    expect(out.stations).toEqual(['X1']);
    expect(out.from).toBe('2013-10-15T00:00:00.000Z');
    expect(out.n).toBeGreaterThan(300);
    for (const q of ['air_temperature', 'air_pressure_at_mean_sea_level', 'wind_speed']) {
      for (const h of ['1h', '3h', '6h']) {
        expect(Number.isFinite(out.skill[q][h])).toBe(true);
        expect(out.mae.model[q][h]).toBeGreaterThan(0);
        expect(out.skill[q][h]).toBeCloseTo(1 - out.mae.model[q][h] / out.mae.persistence[q][h], 12);
      }
    }
    expect(out.skill.air_temperature['3h']).toBeGreaterThan(0); // beats persistence on a month it never saw
    expect(Object.keys(out.brier)).toEqual(['model', 'persistence', 'rate_7day']);
    expect(stdout).toMatch(/air_temperature {2}MAE by horizon/);
    expect(readFileSync(join(dir, 'r.svg'), 'utf8')).toMatch(/^<svg[^]*polyline[^]*<\/svg>\s*$/);
  });

  it('scores a station that reports no precipitation at all: nowcasts flagged, no Brier score', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bonin-eval-'));
    const lines = readFileSync(CSV, 'utf8').trim().split('\n');
    const rows = lines.filter((l) => /^JFK,2013,11,/.test(l)).map((l) => { const f = l.split(','); f[11] = 'NA'; return f.join(','); });
    writeFileSync(join(dir, 'dry.csv'), [lines[0]!, ...rows].join('\n'));
    const { stdout } = await run(process.execPath, [join(ROOT, 'bin/bonin.js'), 'eval', '--data', join(dir, 'dry.csv'), '--json', '--svg', join(dir, 'r.svg')], { cwd: ROOT });
    const out = JSON.parse(stdout.trim().split('\n').at(-1)!);
    expect(out.n).toBeGreaterThan(300);
    expect(out.flagged).toBe(out.n);
    expect(out.brier.model).toBeNull();
    expect(out.skill.air_temperature['3h']).toBeGreaterThan(0);
  });

  it('refuses a date it cannot read, with exit code 2', async () => {
    const err = await run(process.execPath, [join(ROOT, 'bin/bonin.js'), 'eval', '--data', CSV, '--from', 'last-tuesday'], { cwd: ROOT }).catch((e: { code: number; stderr: string }) => e);
    expect((err as { code: number }).code).toBe(2);
    expect((err as { stderr: string }).stderr).toMatch(/--from last-tuesday is not a date/);
  });
});
