// Issue #6 redundant sensors end to end: a simulated WXT530 (primary) and a Gill WindSonic
// (backup) on real PTYs measure the wind; the gateway cross-checks them every minute and, when
// the WXT530 is unplugged, takes the station's wind from the WindSonic, and back on replug.
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/wait.ts';
import { ScaledClock } from '../../core/index.ts';
import { validateConfig } from '../../gateway/config/load.ts';
import { createLogger } from '../../gateway/log.ts';
import { StationGateway } from '../../gateway/pipeline/station.ts';
import type { StationMinute } from '../../gateway/qc/redundancy.ts';
import { unpackJson } from '../../gateway/store/record-codec.ts';
import { startSimulation } from '../../hw-sim/index.ts';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

describe('redundant wind sensors (real PTYs)', () => {
  it('primary while it works, the backup while it is unplugged, the primary again after', async () => {
    const clock = new ScaledClock({ speed: 30 });
    const dir = mkdtempSync(join(tmpdir(), 'bonin-e2e-red-'));
    const sim = await startSimulation({ clock, scenario: 'trade-wind', expose: 'pty', dir, devices: [{ kind: 'vaisala-wxt530' }, { kind: 'gill-windsonic' }] });
    cleanup.push(() => sim.stop());
    const [wxt, sonic] = sim.devices;
    const config = validateConfig({
      station: { id: 'RED-1', name: 'E2E', latitude: 27.0917, longitude: 142.1917, elevation_m: 3 },
      storage: { path: join(dir, 'station.db') },
      uplink: { broker: 'mqtt://127.0.0.1:1' }, // no broker: records wait in the outbox, not the point here
      sensors: [
        { id: 'wxt530', type: 'vaisala-wxt530', port: wxt!.path, idle_timeout_s: 10 },
        { id: 'sonic', type: 'gill-windsonic', port: sonic!.path, idle_timeout_s: 10 },
      ],
      qc: { redundancy: { wind_speed: { primary: 'wxt530', backup: 'sonic' }, wind_from_direction: { primary: 'wxt530', backup: 'sonic' } } },
      log: { level: 'warn', file: join(dir, 'gateway.log') },
    });
    const gateway = new StationGateway(config, clock, createLogger({ level: 'silent' }));
    cleanup.push(() => gateway.stop());
    gateway.start();
    const choice = () => (gateway.db.prepare("SELECT record FROM aggregates WHERE period = '1min' AND sensor = 'station' ORDER BY ts").all() as Array<{ record: Buffer }>)
      .map((r) => unpackJson<StationMinute>(r.record));

    await clock.sleep(3 * 60_000);
    await wxt!.exposure.unplug();
    const unpluggedAt = clock.now();
    await clock.sleep(3 * 60_000);
    await wxt!.exposure.replug();
    const replugAt = clock.now();
    await clock.sleep(3 * 60_000);
    const endAt = clock.now();
    // A minute closes 2 s (clock) after its end; under load later still: wait for the first whole minute after the replug.
    await waitFor('a whole minute after the replug to close', () => choice().some((m) => m.ts >= replugAt + 60_000 && m.ts + 60_000 <= endAt), 20_000);

    const minutes = choice();
    const whole = (from: number, to: number) => minutes.filter((m) => m.ts >= from && m.ts + 60_000 <= to);
    const before = whole(0, unpluggedAt).filter((m) => m.values.wind_speed?.n);
    const during = whole(unpluggedAt + 60_000, replugAt);
    const after = whole(replugAt + 60_000, endAt);
    expect(before.length).toBeGreaterThan(0);
    expect(during.length).toBeGreaterThan(0);
    expect(after.length).toBeGreaterThan(0);
    for (const m of before) expect(m.source.wind_speed).toBe('wxt530');
    for (const m of during) {
      expect(m.source.wind_speed).toBe('sonic');
      expect(m.values.wind_speed!.v).toBeGreaterThan(0);
    }
    for (const m of after) expect(m.source.wind_speed).toBe('wxt530');
  }, 120_000);
});
