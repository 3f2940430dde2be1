// Issue 9, "done when": from a bare machine plus the rack, provisioning produces a station
// file on which `bonin run` delivers data to the receiver over a real Mosquitto. The rack's
// twins run at 10× on a shared clock, and `bonin run --clock` shares it, so minutes close
// every 6 s of real time.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ScaledClock } from '../../core/index.ts';
import { loadConfig } from '../../gateway/config/load.ts';
import { Receiver } from '../../hw-sim/receiver/index.ts';
import { describeRack, startRack } from '../../hw-sim/rack.ts';
import { Mosquitto } from '../helpers/mosquitto.ts';
import { waitFor } from '../helpers/wait.ts';
import { BONIN, compareWithRack, readReport, runProvision, SCAN_FLAGS } from './provision-helpers.ts';

const cleanup: Array<() => Promise<void> | void> = [];
afterAll(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

describe('provisioned station runs', () => {
  it('bonin run on the written station file delivers every sensor\'s minutes and the camera\'s records to the receiver', { timeout: 300_000 }, async () => {
    const work = mkdtempSync(join(tmpdir(), 'bonin-provision-run-'));
    cleanup.push(() => rmSync(work, { recursive: true, force: true }));
    const clock = new ScaledClock({ speed: 10 });
    const broker = await Mosquitto.start();
    cleanup.push(() => broker.stop());
    const receiver = new Receiver({ broker: broker.url, dbPath: join(work, 'receiver.db'), group: 'run', clock });
    await receiver.start();
    cleanup.push(() => receiver.stop());
    // Seed 3: three WXT530s (automatic and polled), a polled WindSonic, a PTB330, an absent port, a garbage port.
    const rack = await startRack(3, clock);
    cleanup.push(() => rack.stop());

    const out = join(work, 'station.yaml');
    const r = await runProvision(['--port', ...rack.slots.map((s) => s.path), '--out', out, '--technician', 'T. Run', '--site', 'chichijima', '--broker', broker.url, '--self-test-s', '4', '--json', ...SCAN_FLAGS,
      // The camera with the technician's password only: commissioning passes, and the station file gets it.
      '--camera', rack.cameras.find((c) => c.expect === 'ok')!.xaddr, '--no-camera-discovery', '--camera-user', rack.credentials.user, '--camera-password', rack.credentials.password]);
    expect(r.code, r.stderr).toBe(0);
    expect(compareWithRack(rack.slots, readReport(r.stdout)), describeRack(rack)).toEqual([]);
    const cfg = loadConfig(out);
    expect(cfg.sensors.length).toBeGreaterThanOrEqual(2);
    expect(cfg.cameras.devices.length).toBe(1);

    const run: ChildProcess = spawn(process.execPath, [BONIN, 'run', '--config', out, '--clock', clock.toSpec()], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    run.stderr!.on('data', (b: Buffer) => { stderr = (stderr + b.toString()).slice(-4000); });
    cleanup.push(() => new Promise<void>((res) => {
      if (run.exitCode !== null) return res();
      run.once('exit', () => res());
      run.kill('SIGKILL');
    }));
    const delivered = () => new Set((receiver.store.db.prepare('SELECT DISTINCT sensor FROM records WHERE station = ?').all(cfg.station.id) as Array<{ sensor: string }>).map((x) => x.sensor));
    // Every sensor's minutes, and the camera's sky features (records of sensor cam-1, issue 8).
    const ids = [...cfg.sensors.map((s) => s.id), ...cfg.cameras.devices.map((c) => c.id)].sort();
    await waitFor(`records of every sensor and camera at the receiver (got ${[...delivered()].join(', ')}; gateway stderr: ${stderr})`, () => ids.every((id) => delivered().has(id)), 150_000, 500);
    expect([...delivered()].sort()).toEqual(ids);
    // The self-test's batch went as the separate test station, never under the real id's seqs.
    expect(receiver.store.stations()).toEqual(expect.arrayContaining([cfg.station.id, `${cfg.station.id}-selftest`]));
  });
});
