// The commands a newcomer types: `bonin demo … --json` and `bonin run` on a bad file.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const BONIN = resolve(dirname(fileURLToPath(import.meta.url)), '../../bin/bonin.js');
const bonin = (...args: string[]) => spawnSync(process.execPath, [BONIN, ...args], { encoding: 'utf8', timeout: 120_000 });

describe('bonin command line', () => {
  it('demo --minutes 2 --speed 30 --json ends with a summary line: every committed record acked, none lost', () => {
    const r = bonin('demo', '--minutes', '2', '--speed', '30', '--json');
    expect(r.status).toBe(0);
    const last = r.stdout.trim().split('\n').at(-1)!;
    const s = JSON.parse(last);
    expect(Object.keys(s)).toEqual(['minutes', 'observations', 'recordsCommitted', 'batchesSent', 'recordsAcked', 'receiverRecords', 'receiverDuplicatesDropped', 'lost', 'receiverAggregates', 'aggregatesLost', 'framesStored', 'thumbnailsReceived']);
    expect(s.recordsCommitted).toBeGreaterThanOrEqual(2);
    expect(s.observations).toBeGreaterThan(100);
    expect(s.recordsAcked).toBe(s.recordsCommitted);
    expect(s.receiverRecords).toBe(s.recordsCommitted);
    expect(s.lost).toBe(0);
    expect(s.aggregatesLost).toBe(0);
  });

  it('run with an invalid station file exits 78 and names the key and the reason', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bonin-cli-'));
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, [
      'station: { id: STN, name: Test, latitude: 27.09, longitude: 142.19, elevation_m: 3 }',
      'storage: { path: x.db }',
      'uplink: { broker: "localhost:1883" }',
      'sensors: [{ id: wxt530, type: vaisala-wxt530, port: /dev/ttyUSB0, baud: -5 }]',
    ].join('\n'));
    const r = bonin('run', '--config', file);
    expect(r.status).toBe(78);
    expect(r.stderr).toContain(file);
    expect(r.stderr).toMatch(/uplink\.broker: must be a URL/);
    expect(r.stderr).toMatch(/sensors\.0\.baud: /);
  });

  it('parse wxt prints an observation per value and a refusal per bad frame, with input line numbers', () => {
    const r = spawnSync(process.execPath, [BONIN, 'parse', 'wxt'], {
      encoding: 'utf8', input: '0R2,Ta=23.6C,Ua=14.2P,Pa=1026.6H\r\ngarbage\n0r1,Dn=236D,Dm=283D,Dx=031D,Sn=0.0M,Sm=1.0M,Sx=2.2MXXX\r\n',
    });
    expect(r.status).toBe(0);
    const out = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(out[0]).toEqual({ line: 1, quantity: 'air_temperature', value: 23.6, unit: 'degC', qc: { flag: 'not_checked', reasons: [] }, sensor: 'sensor' });
    expect(out.filter((o) => o.line === 1).map((o) => o.quantity)).toEqual(['air_temperature', 'relative_humidity', 'air_pressure']);
    expect(out.find((o) => o.line === 2)).toMatchObject({ rejected: true });
    expect(out.find((o) => o.line === 3)).toMatchObject({ rejected: true }); // wrong CRC
  });
});
