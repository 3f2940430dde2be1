// `bonin parse nmea|windsonic FILE` on the real captures of the golden cases: what a
// technician sees when checking a device's bytes.
import { spawnSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const parse = (driver: string, file: string) => {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/bonin.js'), 'parse', driver, join(ROOT, file)], { encoding: 'utf8', timeout: 60_000 });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
};

describe('bonin parse nmea / windsonic', () => {
  it('nmea: observations in WMO units with their line, XDR names in the sensor, refusals with reasons', () => {
    const mwv = parse('nmea', 'drivers/nmea/testcases/mwv_real/input.txt');
    expect(mwv[0]).toEqual({ line: 1, quantity: 'wind_from_direction', value: 271, unit: 'degree', qc: { flag: 'not_checked', reasons: [] }, sensor: 'sensor' });
    expect(mwv[1]).toMatchObject({ line: 1, quantity: 'wind_speed', unit: 'm s-1' });
    expect(mwv.filter((o) => o.line === 3).map((o) => [o.value, (o.qc as { flag: string }).flag])).toEqual([[null, 'missing'], [null, 'missing']]);
    const xdr = parse('nmea', 'drivers/nmea/testcases/xdr_real/input.txt');
    expect(xdr[0]).toMatchObject({ line: 1, quantity: 'air_pressure', value: 1024.81, unit: 'hPa', sensor: 'sensor/Barometer' });
    const refused = parse('nmea', 'drivers/nmea/testcases/manual_examples_refused/input.txt');
    expect(refused.map((o) => [o.line, o.rejected])).toEqual([[1, true], [2, true], [3, true]]);
    expect(refused[0]!.reason).toBe('checksum mismatch: got 57, computed 54');
  });

  it('windsonic: the manual frame, the banner ignored, status codes as flags', () => {
    expect(parse('windsonic', 'drivers/windsonic/testcases/banner_then_data/input.txt')).toEqual([
      { line: 8, quantity: 'wind_speed', value: 2.74, unit: 'm s-1', qc: { flag: 'not_checked', reasons: [] }, sensor: 'sensor' },
      { line: 8, quantity: 'wind_from_direction', value: 229, unit: 'degree', qc: { flag: 'not_checked', reasons: [] }, sensor: 'sensor' },
    ]);
    const st = parse('windsonic', 'drivers/windsonic/testcases/status_codes/input.txt');
    expect(st.find((o) => o.line === 4)).toMatchObject({ value: 3, qc: { flag: 'bad', reasons: ['sensor_status'] } });
  });
});
