// `bonin reprocess`: the line reader, the in-process reprocessor, and the verb once as a child process.
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { validateConfig } from '../config/load.ts';
import { Reprocessor } from '../pipeline/aggregates-reprocess.ts';
import { parseLine } from './reprocess.ts';

const T0 = Date.UTC(2026, 6, 1, 0, 0);
const station = {
  station: { id: 'test-1', name: 'T', latitude: 27, longitude: 142, elevation_m: 3 },
  storage: { path: '/tmp/unused.db' },
  uplink: { broker: 'mqtt://127.0.0.1:1883' },
  sensors: [{ id: 'wxt530', type: 'vaisala-wxt530', port: '/dev/null' }],
  qc: { climate_limits: { air_temperature: [5, 37] } },
};

describe('reprocess input lines', () => {
  it('reads `bonin parse` output plus ts (ms or ISO), and skips parse refusals', () => {
    const p = parseLine('{"line":1,"quantity":"air_temperature","value":24.1,"unit":"degC","qc":{"flag":"good","reasons":[]},"sensor":"wxt530","ts":"2026-07-01T00:00:00Z"}', 'x');
    expect(p).toEqual({ ok: true, obs: { ts: T0, sensor: 'wxt530', quantity: 'air_temperature', value: 24.1, qc: { flag: 'good', reasons: [] } } });
    expect(parseLine('{"line":2,"rejected":true,"reason":"bad CRC"}', 'x')).toEqual({ ok: 'skip' });
  });
  it.each([
    ['nonsense', /not JSON/],
    ['{"quantity":"air_temperature","value":1}', /"ts"/],
    ['{"ts":0,"quantity":"temp","value":1}', /unknown quantity/],
    ['{"ts":0,"quantity":"air_temperature","value":"1"}', /number or null/],
    ['{"ts":0,"quantity":"air_temperature","value":70,"unit":"degF"}', /not degC/],
  ])('refuses %s with a reason', (line, reason) => {
    const p = parseLine(line, 'x');
    expect(p.ok).toBe(false);
    expect((p as { reason: string }).reason).toMatch(reason);
  });
});

describe('reprocessing with new limits', () => {
  it('our old flags are dropped and the new limits decide; the device\'s own status survives', () => {
    const r = new Reprocessor(validateConfig(station));
    const was = { flag: 'bad' as const, reasons: ['range' as const] };
    expect(r.add({ ts: T0, sensor: 'wxt530', quantity: 'air_temperature', value: 30, qc: was }).qc).toEqual({ flag: 'good', reasons: [] });
    expect(r.add({ ts: T0, sensor: 'wxt530', quantity: 'air_temperature', value: 38, qc: { flag: 'good', reasons: [] } }).qc).toEqual({ flag: 'suspect', reasons: ['range', 'step'] }); // 8 °C from the reading before
    expect(r.add({ ts: T0, sensor: 'wxt530', quantity: 'relative_humidity', value: null, qc: { flag: 'missing', reasons: ['sensor_status'] } }).qc).toEqual({ flag: 'missing', reasons: ['sensor_status'] });
    const out = r.finish();
    expect(out.minutes).toHaveLength(1);
    expect(out.minutes[0]!.values.air_temperature).toMatchObject({ v: 34, f: 'suspect' });
  });
});

describe('bonin reprocess FILE --config STATION', () => {
  it('prints flagged observations, minutes and 10-min aggregates as JSON lines; a bad line is reported and skipped', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bonin-reprocess-'));
    writeFileSync(join(dir, 'station.json'), JSON.stringify(station));
    const lines: string[] = [];
    for (let s = 0; s < 600; s += 5) lines.push(JSON.stringify({ ts: T0 + s * 1000, sensor: 'wxt530', quantity: 'air_temperature', value: 20 + s / 600, unit: 'degC' }));
    lines.splice(3, 0, '{"ts":1,"quantity":"nope","value":1}');
    writeFileSync(join(dir, 'raw.jsonl'), `${lines.join('\n')}\n`);
    const run = promisify(execFile)(process.execPath, ['bin/bonin.js', 'reprocess', join(dir, 'raw.jsonl'), '--config', join(dir, 'station.json')], { cwd: process.cwd() });
    const err = await run.then(() => null, (e: { code: number; stdout: string; stderr: string }) => e);
    expect(err?.code).toBe(65);
    expect(err!.stderr).toMatch(/line 4: unknown quantity "nope"; skipped/);
    const out = err!.stdout.trim().split('\n').map((l) => JSON.parse(l) as { kind: string; values?: Record<string, { v: number; f: string }> });
    expect(out.filter((o) => o.kind === 'observation')).toHaveLength(120);
    expect(out.filter((o) => o.kind === 'minute')).toHaveLength(10);
    const ten = out.filter((o) => o.kind === '10min');
    expect(ten).toHaveLength(1);
    expect(ten[0]!.values!.air_temperature).toMatchObject({ f: 'good' });
    expect(ten[0]!.values!.air_temperature!.v).toBeCloseTo(20.496, 2);
  }, 30_000);
});
