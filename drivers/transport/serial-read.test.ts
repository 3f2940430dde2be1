// The poll-then-read path (serial-read.ts): fake pollers over real fds for its branches, a
// socat PTY pair for the real thing.
import { EventEmitter } from 'node:events';
import { closeSync, openSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../core/index.ts';
import { createTransport } from './index.ts';
import { pollRead } from './serial-read.ts';
import { FarEnd } from './testing/far-end.ts';
import { SocatPair } from './testing/socat.ts';
import { collect, nextEvent, waitUntil } from './testing/wait.ts';
import type { Transport } from './types.ts';

/** A poller that says 'readable' (or fails) on the next tick, and counts the waits. */
function fakePort(fd: number | null, failWith?: Error) {
  const em = new EventEmitter();
  let waits = 0;
  return {
    fd,
    get waits() { return waits; },
    poller: {
      once(event: 'readable', cb: (err?: Error | null) => void) {
        waits++;
        em.once(event, cb);
        setImmediate(() => em.emit(event, failWith ?? null));
        return this;
      },
    },
  };
}

const fds: number[] = [];
const dirs: string[] = [];
afterEach(() => {
  for (const fd of fds.splice(0)) closeSync(fd);
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('pollRead', () => {
  it('reads what is there once the poller says readable', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bonin-pollread-'));
    dirs.push(dir);
    writeFileSync(join(dir, 'f'), '0R1,Dn=236D\r\n');
    const fd = openSync(join(dir, 'f'), 'r');
    fds.push(fd);
    const buf = Buffer.alloc(64);
    const r = await pollRead(fakePort(fd), buf, 4, 60);
    expect(r.bytesRead).toBe(13);
    expect(buf.subarray(4, 4 + r.bytesRead).toString()).toBe('0R1,Dn=236D\r\n');
  });

  it('takes 0 bytes (a hung-up tty) as a disconnect, never as a reason to read again', async () => {
    const fd = openSync('/dev/null', 'r');
    fds.push(fd);
    const port = fakePort(fd);
    const err = await pollRead(port, Buffer.alloc(16), 0, 16).catch((e: unknown) => e);
    expect(err).toMatchObject({ disconnect: true, message: expect.stringMatching(/hung up/) });
    expect((err as { canceled?: boolean }).canceled).toBeUndefined(); // the stream closes on it
    expect(port.waits).toBe(1);
  });

  it('passes on the poller error (canceled on our close) and is canceled when the fd is gone', async () => {
    const cancel = Object.assign(new Error('Canceled'), { canceled: true });
    await expect(pollRead(fakePort(3, cancel), Buffer.alloc(4), 0, 4)).rejects.toBe(cancel);
    await expect(pollRead(fakePort(null), Buffer.alloc(4), 0, 4)).rejects.toMatchObject({ canceled: true });
  });
});

describe('SerialTransport reads through pollRead over a socat PTY pair', () => {
  let pair: SocatPair | null = null;
  let far: FarEnd | null = null;
  let t: Transport | null = null;
  afterEach(async () => {
    await t?.close();
    await far?.close();
    await pair?.dispose();
    t = far = pair = null;
  });

  it('delivers a stream of lines whole and in order, and the far end dying closes the port at once', async () => {
    pair = new SocatPair();
    await pair.start();
    far = new FarEnd(pair.b);
    t = createTransport(pair.a, { clock: systemClock });
    const got = collect(t);
    t.open();
    await nextEvent(t, 'open', 3000);
    await far.open();
    const lines = Array.from({ length: 200 }, (_, i) => `$WIMWV,${i},R,4.2,M,A*00\r\n`);
    for (const l of lines) await far.write(l);
    await waitUntil(() => got.data.length === lines.join('').length, 3000, 'all lines');
    expect(got.data).toBe(lines.join(''));

    const flood = setInterval(() => far!.writeQuiet('0R1,Sm=1.0M\r\n'), 1);
    await waitUntil(() => got.data.length > lines.join('').length, 2000, 'flood arriving');
    // The read path itself notices (a poll error, EIO or 0 bytes), well before the 1 s path watchdog.
    const closed = nextEvent<string>(t, 'close', 900);
    await pair.kill('SIGKILL');
    clearInterval(flood);
    expect(await closed).toMatch(/^port closed/);
  });
});
