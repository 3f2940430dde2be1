// Builds a station for end-to-end tests: the simulated WXT530, a real Mosquitto, the
// reference receiver, and a station file pointing the gateway at them.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyPairSync } from 'node:crypto';
import type { Clock } from '../../core/index.ts';
import { Receiver } from '../../hw-sim/receiver/index.ts';
import { startSimulation } from '../../hw-sim/index.ts';
import { Mosquitto } from './mosquitto.ts';

export const STATION = 'TEST-47971';

/** `sharedReads`: the test reads the station's database while the gateway runs (storage.shared_reads) */
export async function startRig(clock: Clock, opts: { expose?: 'pty' | 'tcp'; resendAfterS?: number; sharedReads?: boolean } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'bonin-e2e-'));
  const broker = await Mosquitto.start();
  // The centre's command key (docs/commands.md): the receiver signs its gap requests with it, the gateway trusts its public half.
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const cmdKeys = { privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString() };
  const receiver = new Receiver({ broker: broker.url, dbPath: join(dir, 'receiver.db'), group: 'e2e', clock, cmdKey: cmdKeys.privatePem });
  await receiver.start();
  const sim = await startSimulation({ clock, scenario: 'trade-wind', expose: opts.expose ?? 'pty', dir });
  const device = sim.devices[0]!;
  const config = {
    station: { id: STATION, name: 'E2E', latitude: 27.0917, longitude: 142.1917, elevation_m: 3 },
    // A commit a minute, as before storage.commit_every_min: these tests wait for records minute
    // by minute at scaled clocks. The field default (2) runs in the soak, the station bench and
    // minutes.test.ts.
    storage: { path: join(dir, 'station.db'), commit_every_min: 1, ...(opts.sharedReads ? { shared_reads: true } : {}) },
    uplink: { broker: broker.url, resend_after_s: opts.resendAfterS ?? 30, keepalive_s: 10 },
    sensors: [{ id: 'wxt530', type: 'vaisala-wxt530', port: device.path, idle_timeout_s: 10 }],
    log: { level: 'warn', file: join(dir, 'gateway.log') },
    // tests talk to loopback only, on a port of their own (the field default is 0.0.0.0:8080)
    status_page: { host: '127.0.0.1', port: 0 },
    commands: { public_keys: [cmdKeys.publicPem] },
  };
  const configPath = join(dir, 'station.json');
  writeFileSync(configPath, JSON.stringify(config, null, 2));
  return {
    dir, broker, receiver, sim, device, config, configPath, cmdKeys,
    async stop() {
      await sim.stop();
      await receiver.stop();
      await broker.stop();
    },
  };
}
