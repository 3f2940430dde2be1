// The service step of provisioning calls `bonin install-service`'s own code on the station
// file just written; here into a scratch unit folder.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { systemdRuns } from '../service/install.ts';
import { installServiceCheck } from './service.ts';

const dir = mkdtempSync(join(tmpdir(), 'bonin-service-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('service install step', () => {
  it.skipIf(systemdRuns())('writes the unit for the station file; without systemd it is a remark saying what to run', () => {
    const config = join(dir, 'station.yaml');
    writeFileSync(config, 'station: { id: 0-392-0-47971, name: C, latitude: 27, longitude: 142, elevation_m: 3 }\nstorage: { path: st.db }\nuplink: { broker: "mqtt://h:1883" }\nsensors: [{ id: wxt530, type: vaisala-wxt530, port: /dev/ttyUSB0 }]\n');
    mkdirSync(join(dir, 'units'));
    const r = installServiceCheck(config, { unitDir: join(dir, 'units') });
    expect(existsSync(join(dir, 'units', 'bonin.service'))).toBe(true);
    expect(readFileSync(join(dir, 'units', 'bonin.service'), 'utf8')).toContain(config);
    expect(r).toMatchObject({ item: 'service install', verdict: 'warn', advice: expect.stringMatching(/systemctl enable --now bonin\.service/) });
  });

  it('an invalid station file fails the step with the reason', () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'station: {}\n');
    expect(installServiceCheck(bad, { unitDir: join(dir, 'units2') })).toMatchObject({ verdict: 'fail', detail: expect.stringMatching(/station\.id/) });
  });
});
