// A virtual device behind a pseudo-terminal pair (socat), so the gateway's real serialport
// code runs against it (../shared/docs/serial-node.md, "PTY pairs" and "Disconnects").
//
//   <dir>/<name>      the gateway opens this path, like /dev/ttyUSB0 (any baud opens: a PTY ignores it)
//   <dir>/<name>.sim  the simulator's end, opened here with serialport
//
// unplug() kills socat: the gateway's port closes (DisconnectedError) as when a USB adapter
// is pulled. replug() starts socat again on the same link paths and reopens the sim end.
// Bytes the device writes while the gateway's end is not open are discarded by the PTY.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { SerialPort } from 'serialport';
import { SwitchLink, type Attachable } from './switch-link.ts';

let socatKnown: boolean | null = null;

/** True when `socat` can be run (PTY exposure needs it; TCP does not). */
export function hasSocat(): boolean {
  if (socatKnown === null) socatKnown = spawnSync('socat', ['-V'], { stdio: 'ignore' }).status === 0;
  return socatKnown;
}

// socat children still running, killed if this process exits without closing them, so no
// orphaned socat keeps a dangling PTY link alive after a crashed test run.
const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const c of live) c.kill('SIGKILL');
});

export interface PtyExposure {
  readonly kind: 'pty';
  /** The path the gateway opens. */
  readonly path: string;
  /** The simulator's end of the pair. */
  readonly simPath: string;
  readonly plugged: boolean;
  unplug(): Promise<void>;
  replug(): Promise<void>;
  close(): Promise<void>;
}

function startSocat(path: string, simPath: string): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn('socat', ['-d', '-d', `pty,raw,echo=0,link=${path}`, `pty,raw,echo=0,link=${simPath}`], { stdio: ['ignore', 'ignore', 'pipe'] });
    live.add(child);
    let log = '';
    let ready = false;
    const timer = setTimeout(() => fail(new Error(`socat not ready after 5 s: ${log.trim()}`)), 5000);
    const fail = (e: Error) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(e);
    };
    child.once('error', fail);
    child.once('exit', (code) => {
      live.delete(child);
      fail(new Error(`socat exited (${code}) before the PTY pair was ready: ${log.trim()}`));
    });
    child.stderr!.on('data', (b: Buffer) => {
      if (ready) return; // socat keeps logging (signals, exit): only the start matters
      log += b.toString();
      if (log.includes('starting data transfer loop')) {
        ready = true;
        clearTimeout(timer);
        child.removeAllListeners('exit');
        child.once('exit', () => live.delete(child));
        resolve(child);
      }
    });
  });
}

function stopSocat(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const t = setTimeout(() => child.kill('SIGKILL'), 2000);
    child.once('exit', () => {
      clearTimeout(t);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

function openPort(path: string): Promise<SerialPort> {
  return new Promise((resolve, reject) => {
    const port = new SerialPort({ path, baudRate: 19200, lock: false, autoOpen: false });
    port.open((err) => (err ? reject(err) : resolve(port)));
  });
}

/** Close, but never wait more than a second: a port whose far end vanished may not call back. */
function closePort(port: SerialPort): Promise<void> {
  return new Promise((resolve) => {
    if (!port.isOpen) return resolve();
    const t = setTimeout(resolve, 1000);
    port.close(() => {
      clearTimeout(t);
      resolve();
    });
  });
}

export async function exposePty(device: Attachable, opts: { dir: string; name?: string }): Promise<PtyExposure> {
  if (!hasSocat()) throw new Error('exposePty needs socat (apt-get install socat); use the TCP exposure instead');
  mkdirSync(opts.dir, { recursive: true });
  const name = opts.name ?? device.name;
  const path = join(opts.dir, name);
  const simPath = join(opts.dir, `${name}.sim`);
  const link = new SwitchLink();
  device.attach(link);

  let socat: ChildProcess | null = null;
  let port: SerialPort | null = null;

  async function plug(): Promise<void> {
    socat = await startSocat(path, simPath);
    // A fresh SerialPort each time: writes to a disconnected one are queued, not failed.
    const p = await openPort(simPath);
    port = p;
    p.on('data', (b: Buffer) => link.deliver(b));
    p.on('error', () => { /* the close that follows is what matters */ });
    p.on('close', () => {
      if (port === p) {
        port = null;
        link.disconnect();
      }
    });
    link.connect((b) => {
      if (p.isOpen) p.write(b);
    });
  }

  async function unplug(): Promise<void> {
    link.disconnect();
    const [s, p] = [socat, port];
    socat = null;
    port = null;
    // Let bytes in flight drain before the kill: killing socat mid-transfer can leave the
    // gateway's serialport spinning without a 'close' (serial-node.md, "the trap"), which
    // would make unplug an unreliable fixture. Drivers must still survive that race: test it
    // with a device that keeps talking, not with this.
    if (s) await new Promise((r) => setTimeout(r, 50));
    // Our end first: closing it after socat is gone can hang in the bindings' read loop.
    if (p) await closePort(p);
    if (s) await stopSocat(s);
  }

  await plug();
  return {
    kind: 'pty',
    path,
    simPath,
    get plugged() {
      return socat !== null;
    },
    unplug,
    async replug() {
      if (!socat) await plug();
    },
    async close() {
      await unplug();
      rmSync(path, { force: true });
      rmSync(simPath, { force: true });
    },
  };
}
