// `bonin provision` asked interactively (prompts with defaults on stderr, answers typed on
// stdin), on a one-device rack: Enter keeps a default, typed answers win.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../core/index.ts';
import { loadConfig } from '../../gateway/config/load.ts';
import { startRack } from '../../hw-sim/rack.ts';
import { Receiver } from '../../hw-sim/receiver/index.ts';
import { Mosquitto } from '../helpers/mosquitto.ts';
import { BONIN, SCAN_FLAGS } from './provision-helpers.ts';

const cleanup: Array<() => Promise<void> | void> = [];
afterAll(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

describe('bonin provision, interactive', () => {
  it('prompts show defaults; Enter keeps them, typed answers replace them', { timeout: 240_000 }, async () => {
    const work = mkdtempSync(join(tmpdir(), 'bonin-provision-ask-'));
    cleanup.push(() => rmSync(work, { recursive: true, force: true }));
    const broker = await Mosquitto.start();
    cleanup.push(() => broker.stop());
    const receiver = new Receiver({ broker: broker.url, dbPath: join(work, 'receiver.db'), group: 'ask' });
    await receiver.start();
    cleanup.push(() => receiver.stop());
    const rack = await startRack(11, systemClock, { devices: 1, cameras: false });
    cleanup.push(() => rack.stop());
    const out = join(work, 'station.yaml');
    // What the technician types at each prompt ('' = Enter); the rest of the prompts get Enter.
    const typed: Array<[RegExp, string]> = [
      [/^Technician name: $/, 'K. Sato'], [/^Site preset .*: $/, 'chichijima'], [/^Station name \[Chichijima\]: $/, 'Chichijima-East'],
      [/^Barometer elevation .* \[3\]: $/, ''], [/^Mast heading offset.*\[0\]: $/, '7'], [/^Central broker URL: $/, broker.url], [/^Self-test duration \(s\) \[20\]: $/, '5'],
    ];
    const child = spawn(process.execPath, [BONIN, 'provision', '--no-system-ports', '--port', ...rack.slots.map((s) => s.path), '--out', out, '--no-camera-discovery', '--json', ...SCAN_FLAGS], { stdio: ['pipe', 'pipe', 'pipe'] });
    const prompts: string[] = [];
    let stdout = '';
    let pending = '';
    child.stdout.on('data', (b: Buffer) => { stdout += b.toString(); });
    child.stderr.on('data', (b: Buffer) => {
      pending += b.toString();
      // A prompt is the last unfinished line, ending with ": ".
      const last = pending.split('\n').at(-1)!;
      if (!last.endsWith(': ')) return;
      prompts.push(last);
      pending = '';
      const answer = typed.find(([re]) => re.test(last))?.[1] ?? '';
      child.stdin.write(`${answer}\n`);
    });
    let all = '';
    child.stderr.on('data', (b: Buffer) => { all = (all + b.toString()).slice(-3000); });
    const code = await new Promise<number | null>((r) => child.on('exit', r));
    expect(code, `${all}\n${stdout}`).toBe(0);
    expect(prompts).toContain('WIGOS station identifier [0-392-0-47971]: ');
    const cfg = loadConfig(out);
    expect(cfg.station).toMatchObject({ id: '0-392-0-47971', name: 'Chichijima-East', elevation_m: 3, mast_heading_offset_deg: 7 });
    expect(cfg.uplink.broker).toBe(broker.url);
    expect(cfg.sensors).toHaveLength(1);
    expect(JSON.parse(stdout.trim().split('\n').at(-1)!)).toMatchObject({ overall: expect.stringMatching(/pass|warn/) });
  });
});
