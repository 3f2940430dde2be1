// SerialTransport over real PTYs (socat): the real serialport bindings, real disconnects.
import { symlinkSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock, ScaledClock, systemClock } from '../../core/index.ts';
import { createTransport } from './index.ts';
import { SerialTransport } from './serial.ts';
import { FarEnd } from './testing/far-end.ts';
import { SocatPair } from './testing/socat.ts';
import { collect, nextEvent, waitUntil } from './testing/wait.ts';
import type { Transport } from './types.ts';

let pair: SocatPair;
let far: FarEnd;
let t: Transport | null = null;

beforeEach(async () => {
  pair = new SocatPair();
  await pair.start();
  far = new FarEnd(pair.b);
});

afterEach(async () => {
  await t?.close();
  t = null;
  await far.close();
  await pair.dispose();
});


describe('SerialTransport over a socat PTY pair', () => {
  it('is chosen for a device path and moves bytes both ways', async () => {
    t = createTransport(pair.a, { clock: systemClock });
    expect(t).toBeInstanceOf(SerialTransport);
    expect(t.url).toBe(pair.a);
    const got = collect(t);
    expect(t.write('early')).toBe(false); // not connected: refused, not queued
    t.open();
    await nextEvent(t, 'open', 3000);
    expect(t.isOpen).toBe(true);
    await far.open();
    await far.write('0R2,Ta=23.6C\r\n');
    await waitUntil(() => got.data === '0R2,Ta=23.6C\r\n', 2000, 'data at the near end');
    expect(t.write('0R0\r\n')).toBe(true);
    await waitUntil(() => far.received === '0R0\r\n', 2000, 'poll at the far end');
  });

  it('reopens after socat is killed (dangling links) and restarted; writes in the gap are not queued', async () => {
    t = createTransport(pair.a, { clock: systemClock });
    const got = collect(t);
    t.open();
    await nextEvent(t, 'open', 3000);
    await far.open();

    await pair.kill('SIGKILL');
    await far.close();
    await waitUntil(() => !t!.isOpen, 3000, 'the transport to notice the disconnect');
    expect(got.closes.length).toBe(1);
    expect(t.write('stale\r\n')).toBe(false);

    await pair.start();
    const ms = await waitUntil(() => t!.isOpen, 5000, 'reopen');
    expect(ms).toBeLessThan(5000);
    expect(got.opens).toBe(2);
    await far.open();
    await far.write('after\r\n');
    await waitUntil(() => got.data.endsWith('after\r\n'), 2000, 'data after reopen');
    expect(t.write('poll\r\n')).toBe(true);
    await waitUntil(() => far.received.includes('poll\r\n'), 2000, 'write after reopen');
    expect(far.received).not.toContain('stale');
  });

  it('keeps retrying while the path is gone (links removed) and reopens when it returns', async () => {
    t = createTransport(pair.a, { clock: systemClock });
    t.open();
    await nextEvent(t, 'open', 3000);
    await pair.kill('SIGTERM'); // socat removes its links on a clean exit
    await waitUntil(() => !t!.isOpen, 3000, 'disconnect');
    const before = (t as SerialTransport).attempts;
    await new Promise((r) => setTimeout(r, 1500));
    const during = (t as SerialTransport).attempts - before;
    // 200, 400, 800 ms (±20 %): a few attempts, not a busy loop.
    expect(during).toBeGreaterThanOrEqual(1);
    expect(during).toBeLessThanOrEqual(4);
    await pair.start();
    await waitUntil(() => t!.isOpen, 5000, 'reopen');
  });

  it('a port that opens but stays silent is reopened less and less often, until a byte is heard', async () => {
    // A dead sensor behind a live adapter: from the second silent open in a row the wait
    // doubles from one idle timeout (base.ts, SILENT_REOPEN_MAX_MS); each open leaks a native
    // poller in the bindings, and each is logged.
    t = createTransport(pair.a, { clock: systemClock, idleTimeoutMs: 300 });
    const opens: number[] = [];
    const closes: number[] = [];
    t.on('open', () => opens.push(Date.now()));
    t.on('close', () => closes.push(Date.now()));
    t.open();
    await waitUntil(() => opens.length >= 5, 15_000, 'five opens of the silent port');
    const waits = [0, 1, 2, 3].map((k) => opens[k + 1]! - closes[k]!);
    expect(waits[0]).toBeLessThan(500); // the first reopen: the usual backoff (200 ms ± 20 %)
    expect(waits[2]).toBeGreaterThanOrEqual(550); // third silent open: 2 × 300 ms
    expect(waits[3]).toBeGreaterThanOrEqual(1150); // fourth: 4 × 300 ms
    // A byte heard resets it: the next idle trip reopens at once again.
    await far.open();
    const heardAt = opens.length;
    await waitUntil(() => opens.length > heardAt, 10_000, 'the next open');
    await far.write('x');
    const closed = closes.length;
    await waitUntil(() => closes.length > closed, 5000, 'the idle trip after the byte');
    const at = closes.at(-1)!;
    await waitUntil(() => opens.at(-1)! > at, 5000, 'the reopen after it');
    expect(opens.at(-1)! - at).toBeLessThan(500);
  });

  it('the idle watchdog closes and reopens a silent port', async () => {
    t = createTransport(pair.a, { clock: systemClock, idleTimeoutMs: 400 });
    const got = collect(t);
    t.open();
    await nextEvent(t, 'open', 3000);
    const reason = await nextEvent<string>(t, 'close', 3000);
    expect(reason).toMatch(/idle timeout/);
    await waitUntil(() => got.opens === 2, 3000, 'reopen after idle trip');
    // With traffic the watchdog stays quiet.
    await far.open();
    const closesBefore = got.closes.length;
    const feed = setInterval(() => far.writeQuiet('x'), 50);
    try {
      await new Promise((r) => setTimeout(r, 1200));
    } finally {
      clearInterval(feed);
    }
    expect(got.closes.length).toBe(closesBefore);
  });

  it('recovers every time the far end dies while data is flowing (the missed-disconnect race)', async () => {
    t = createTransport(pair.a, { clock: systemClock, idleTimeoutMs: 1500 });
    const got = collect(t);
    t.open();
    for (let round = 0; round < 3; round++) {
      await waitUntil(() => t!.isOpen, 5000, `open in round ${round}`);
      await far.open();
      const flood = setInterval(() => far.writeQuiet('0R1,Sm=1.0M\r\n'), 1);
      await waitUntil(() => got.data.length > 0, 2000, 'flood arriving');
      await pair.kill('SIGKILL');
      clearInterval(flood);
      await far.close();
      await pair.start();
      got.data = '';
      // Either 'close' fired, or the path watchdog / idle timeout tripped: data must resume.
      await waitUntil(() => t!.isOpen, 5000, `reopen in round ${round}`);
      await far.open();
      await waitUntil(() => {
        far.writeQuiet('ping\r\n');
        return got.data.includes('ping');
      }, 5000, `data after round ${round}`);
      await far.close();
    }
  });

  it('the path watchdog drops a port whose path vanished or was re-pointed, even without a close event', async () => {
    // A symlink we control stands for /dev/serial/by-id/…: re-pointing it while our fd stays
    // open is what a fast socat restart or USB re-enumeration does; no 'close' comes from the port.
    const link = join(pair.dir, 'by-id');
    symlinkSync(pair.a, link);
    const other = new SocatPair();
    await other.start();
    try {
      t = createTransport(link, { clock: systemClock });
      const got = collect(t);
      t.open();
      await nextEvent(t, 'open', 3000);
      unlinkSync(link);
      symlinkSync(other.a, link);
      expect(await nextEvent<string>(t, 'close', 3000)).toMatch(/now points to/);
      await waitUntil(() => got.opens === 2, 3000, 'reopen on the new target');
      const otherFar = new FarEnd(other.b);
      await otherFar.open();
      await otherFar.write('new\r\n');
      await waitUntil(() => got.data.includes('new'), 2000, 'data from the new target');
      await otherFar.close();
      unlinkSync(link);
      expect(await nextEvent<string>(t, 'close', 3000)).toMatch(/disappeared/);
    } finally {
      await t?.close();
      await other.dispose();
    }
  });

  it('schedules retries on the injected clock, not in a busy loop', async () => {
    const clock = new ManualClock();
    const tr = new SerialTransport(`${pair.dir}/no-such-port`, { clock, backoff: { jitter: 0 } });
    t = tr;
    tr.open();
    expect(tr.attempts).toBe(1);
    await new Promise((r) => setTimeout(r, 300)); // the ENOENT arrives; real time passes, clock time does not
    expect(tr.attempts).toBe(1);
    clock.advance(199);
    expect(tr.attempts).toBe(1);
    clock.advance(1); // first retry at 200 ms
    expect(tr.attempts).toBe(2);
    await new Promise((r) => setTimeout(r, 100));
    clock.advance(399);
    expect(tr.attempts).toBe(2);
    clock.advance(1); // second at 400 ms
    expect(tr.attempts).toBe(3);
    await tr.close();
    clock.advance(60_000);
    expect(tr.attempts).toBe(3); // close() is for good
  });

  it('a fast scenario clock does not turn the backoff into a busy loop', async () => {
    const fast = new ScaledClock({ speed: 3600 });
    const tr = new SerialTransport(`${pair.dir}/no-such-port`, { clock: fast });
    t = tr;
    tr.open();
    await new Promise((r) => setTimeout(r, 500));
    // At least 50 ms real between attempts: at most ~10 in 500 ms (0.5 ms apart would be ~1000).
    expect(tr.attempts).toBeGreaterThanOrEqual(3);
    expect(tr.attempts).toBeLessThanOrEqual(12);
  });

  it('refuses unknown URL schemes', () => {
    expect(() => createTransport('udp://1.2.3.4:5', { clock: systemClock })).toThrow(/unsupported/);
  });
});
