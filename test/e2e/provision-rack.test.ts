// Issue 9: `bonin provision --non-interactive` (the real CLI, a child process) against many
// random mystery racks (hw-sim/rack.ts: devices of every family on PTYs at random baud rates
// they really keep, an absent device, a garbage port), with a real Mosquitto and the
// reference receiver. Every device identified with its baud and mode, nothing misclaimed,
// the station file valid for the gateway's own loader, the self-test and the report right.
// PROVISION_SEEDS=1,2,… picks the racks (default 8 seeds, two racks at a time).
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../core/index.ts';
import { loadConfig } from '../../gateway/config/load.ts';
import { selfTestStation } from '../../gateway/provision/selftest-system.ts';
import { Receiver } from '../../hw-sim/receiver/index.ts';
import { describeRack, startRack } from '../../hw-sim/rack.ts';
import { Mosquitto } from '../helpers/mosquitto.ts';
import { compareWithRack, readReport, runProvision, SCAN_FLAGS } from './provision-helpers.ts';

const SEEDS = (process.env.PROVISION_SEEDS ?? '1,2,3,4,5,6,7,8').split(',').map(Number);
const work = mkdtempSync(join(tmpdir(), 'bonin-provision-'));
let broker: Mosquitto;
let receiver: Receiver;

beforeAll(async () => {
  broker = await Mosquitto.start();
  receiver = new Receiver({ broker: broker.url, dbPath: join(work, 'receiver.db'), group: 'provision' });
  await receiver.start();
}, 30_000);

afterAll(async () => {
  await receiver?.stop();
  await broker?.stop();
  rmSync(work, { recursive: true, force: true });
});

// Two racks at a time: each scan is mostly waiting, but a 2-core machine must not starve the twins.
describe.concurrent('bonin provision on mystery racks', { timeout: 300_000 }, () => {
  let running = 0;
  const queue: Array<() => void> = [];
  const slot = async () => {
    if (running >= 2) await new Promise<void>((r) => queue.push(r));
    running++;
  };
  const release = () => {
    running--;
    queue.shift()?.();
  };

  for (const seed of SEEDS) {
    it(`rack ${seed}: every device identified, nothing misclaimed, config valid, self-test and report right`, async () => {
      await slot();
      const rack = await startRack(seed, systemClock);
      try {
        const dir = join(work, `seed-${seed}`);
        const out = join(dir, 'station.yaml');
        const r = await runProvision([
          '--port', ...rack.slots.map((s) => s.path), '--out', out, '--technician', 'T. Rack', '--site', 'chichijima',
          '--station-id', `0-392-9-${seed}`, '--broker', broker.url, '--self-test-s', '12', '--json', ...SCAN_FLAGS,
          '--camera', ...rack.cameras.map((c) => c.xaddr), '--no-camera-discovery', '--camera-user', rack.credentials.user, '--camera-password', rack.credentials.password,
        ]);
        // The camera whose password the technician does not have fails commissioning (exit 1), and nothing else does.
        expect(r.code, `${describeRack(rack)}\n${r.stderr}`).toBe(1);
        const report = readReport(r.stdout);
        expect(compareWithRack(rack.slots, report), describeRack(rack)).toEqual([]);

        // Cameras: the right one found with a snapshot, the other reported as a wrong password and left out.
        const failed = [...report.cameras, ...report.self_test.checks].filter((c) => c.verdict === 'fail');
        expect(failed.map((c) => c.item)).toEqual(['camera camera-2']);
        expect(failed[0]!.detail).toMatch(/wrong password/);
        expect(report.cameras.find((c) => c.item === 'camera camera-1')).toMatchObject({ verdict: 'pass', detail: expect.stringMatching(/snapshot \d+×\d+/) });
        expect(report.self_test.checks.find((c) => c.item === 'camera cam-1 frame')?.verdict).toBe('pass');

        // The station file: the gateway's own loader takes it; one sensor per device, on its port.
        const cfg = loadConfig(out);
        const devices = rack.slots.filter((s) => s.expect.type !== null);
        expect(cfg.sensors.map((s) => [s.port, s.type]).sort()).toEqual(devices.map((s) => [s.path, s.expect.type]).sort());
        expect(cfg.station).toMatchObject({ id: `0-392-9-${seed}`, name: 'Chichijima', latitude: 27.0917, elevation_m: 3 });
        expect(cfg.cameras.devices.map((c) => c.xaddr)).toEqual([rack.cameras.find((c) => c.expect === 'ok')!.xaddr]);
        expect(readFileSync(cfg.cameras.devices[0]!.password_file, 'utf8').trim()).toBe(rack.credentials.password);
        expect(statSync(cfg.cameras.devices[0]!.password_file).mode & 0o777).toBe(0o600);

        // Self-test: every sensor read through its driver (no failure), the round trip acked by the receiver.
        expect(report.self_test.sensors.map((s) => [s.sensor, s.verdict === 'fail' ? s.advice : 'ok'])).toEqual(cfg.sensors.map((s) => [s.id, 'ok']));
        for (const s of report.self_test.sensors) expect(s.observations, s.sensor).toBeGreaterThan(0);
        const check = (item: string) => report.self_test.checks.find((c) => c.item === item);
        expect(check('broker connection')?.verdict).toBe('pass');
        expect(check('receiver round trip')?.verdict).toBe('pass');
        expect(check('disk')?.verdict).toBe('pass');
        expect(receiver.store.stations()).toContain(selfTestStation(`0-392-9-${seed}`));
        expect(report.overall).toBe('fail');

        // The report a technician hands in: Markdown with the findings, a plot per sensor, JSON.
        const md = readFileSync(join(dir, `commissioning-0-392-9-${seed}.md`), 'utf8');
        expect(md).toContain('Technician: T. Rack');
        for (const s of rack.slots) expect(md).toContain(s.path);
        if (rack.slots.some((s) => s.kind === 'garbage')) expect(md).toContain('unknown device, garbage (not claimed)');
        for (const s of cfg.sensors) {
          const plot = [...md.matchAll(new RegExp(`\\((commissioning-[^)]*-${s.id}-[a-z_]+\\.svg)\\)`, 'g'))].map((m) => m[1]!);
          expect(plot.length, `plots of ${s.id}`).toBeGreaterThan(0);
          expect(readFileSync(join(dir, plot[0]!), 'utf8')).toMatch(/^<svg[\s\S]*<polyline/);
        }
        expect(statSync(out).mode & 0o777).toBe(0o644);
        expect(existsSync(join(dir, `commissioning-0-392-9-${seed}.json`))).toBe(true);
      } finally {
        await rack.stop();
        release();
      }
    });
  }
});
