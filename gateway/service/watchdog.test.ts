// PipelineWatch: which stall stops the watchdog pings. Manual clock; the progress figures are
// set by hand as the gateway's would move (the real gateway is in test/e2e/systemd-notify).
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/index.ts';
import { createLogger } from '../log.ts';
import { waitFor } from '../../test/helpers/wait.ts';
import { SystemdNotifier } from './notify.ts';
import { PipelineWatch, type PipelineProgress } from './watchdog.ts';

const windows = { readingsStaleMs: 60_000, storeStaleMs: 30_000, uplinkStaleMs: 60_000, loopStallMs: 10_000 };

describe('PipelineWatch', () => {
  it('is quiet while readings arrive, the store commits and the uplink ticks; names each stall', () => {
    const clock = new ManualClock();
    const p: PipelineProgress = { now: clock.now(), startedAt: clock.now(), lastReadingAt: null, rawWritten: 0, uplinkTickAt: null };
    const watch = new PipelineWatch(windows, () => ({ ...p, now: clock.now() }));
    expect(watch.problems()).toEqual([]);
    const step = (ms: number, o: { read?: boolean; write?: boolean; tick?: boolean } = {}) => {
      for (let t = 0; t < ms; t += 5000) {
        clock.advance(5000);
        if (o.read !== false) p.lastReadingAt = clock.now();
        if (o.write !== false) p.rawWritten += 6;
        if (o.tick !== false) p.uplinkTickAt = clock.now();
      }
      return watch.problems();
    };
    expect(step(120_000)).toEqual([]);
    // A stuck store: readings arrive, nothing is committed.
    expect(step(25_000, { write: false })).toEqual([]);
    expect(step(10_000, { write: false })).toEqual([expect.stringMatching(/store has committed nothing for 35 s/)]);
    expect(step(5000)).toEqual([]);
    // A hung driver: no readings (and so nothing to commit: the store is not blamed).
    expect(step(65_000, { read: false, write: false })).toEqual([expect.stringMatching(/no reading from any sensor for 65 s/)]);
    expect(step(5000)).toEqual([]);
    // The uplink timer stops turning.
    expect(step(65_000, { tick: false })).toEqual([expect.stringMatching(/uplink timer has not turned for 65 s/)]);
    watch.stop();
  });

  it('a step of the clock by time sync (1970 → today) is not a stall; a real stall after it still is', () => {
    const clock = new ManualClock(0); // a board without a clock: 1970
    const p: PipelineProgress = { now: clock.now(), startedAt: clock.now(), lastReadingAt: null, rawWritten: 0, uplinkTickAt: null, clockSteppedAt: null };
    const watch = new PipelineWatch(windows, () => ({ ...p, now: clock.now() }));
    clock.advance(5000);
    p.lastReadingAt = p.uplinkTickAt = clock.now();
    p.rawWritten = 6;
    expect(watch.problems()).toEqual([]);
    // The GNSS time arrives: the clock jumps 56 years; every mark above is in the old time.
    clock.advance(Date.UTC(2026, 10, 25));
    expect(watch.problems().length).toBeGreaterThan(0); // without knowing of the step it blames everything
    p.clockSteppedAt = clock.now();
    expect(watch.problems()).toEqual([]);
    // Nothing moves after the step: blamed once the windows have passed since the step.
    clock.advance(65_000);
    expect(watch.problems()).toEqual([expect.stringMatching(/no reading from any sensor for 65 s/), expect.stringMatching(/uplink timer has not turned for 65 s/)]);
    watch.stop();
  });

  it('gives a fresh start the whole window before blaming the sensors', () => {
    const clock = new ManualClock();
    const p: PipelineProgress = { now: clock.now(), startedAt: clock.now(), lastReadingAt: null, rawWritten: 0, uplinkTickAt: clock.now() };
    const watch = new PipelineWatch(windows, () => ({ ...p, now: clock.now() }));
    clock.advance(59_000);
    p.uplinkTickAt = clock.now();
    expect(watch.problems()).toEqual([]);
    clock.advance(2000);
    expect(watch.problems()).toEqual([expect.stringMatching(/no reading/)]);
    watch.stop();
  });
});

describe('SystemdNotifier helpers', () => {
  for (const helper of ['python3', 'socat'] as const) {
    it(`${helper} delivers each message as one datagram`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'bonin-notify-'));
      const sock = join(dir, 'n.sock');
      const py = spawn('python3', ['-u', '-c', 'import socket,sys,json\ns=socket.socket(socket.AF_UNIX,socket.SOCK_DGRAM)\ns.bind(sys.argv[1])\nprint("up",flush=True)\nwhile True: print(json.dumps(s.recv(4096).decode()),flush=True)', sock], { stdio: ['ignore', 'pipe', 'inherit'] });
      const got: string[] = [];
      let up = false;
      createInterface({ input: py.stdout! }).on('line', (l) => (l === 'up' ? (up = true) : got.push(JSON.parse(l) as string)));
      try {
        await waitFor('listener', () => up, 15_000);
        const n = SystemdNotifier.fromEnv({ NOTIFY_SOCKET: sock }, createLogger({ level: 'silent' }), [helper])!;
        expect(n.via).toBe(helper);
        n.send({ READY: '1', STATUS: 'running:\tall\nfine' });
        await waitFor('READY', () => got.length >= 1, 15_000);
        n.send({ WATCHDOG: '1' });
        await waitFor('WATCHDOG', () => got.join('\n').includes('WATCHDOG=1'), 15_000);
        await n.close();
        expect(got[0]!.split('\n').filter(Boolean)).toEqual(['READY=1', 'STATUS=running: all fine']);
      } finally {
        py.kill('SIGKILL');
      }
    });
  }

  it('is off without NOTIFY_SOCKET', () => {
    expect(SystemdNotifier.fromEnv({}, createLogger({ level: 'silent' }))).toBeNull();
  });
});
