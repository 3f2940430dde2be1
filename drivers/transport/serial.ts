// A local serial port (serialport 13). Every attempt uses a fresh SerialPort object: after a
// disconnect the old object queues writes and replays them on its next open
// (docs/serial-node.md), which must never reach a sensor.
import { realpathSync, statSync } from 'node:fs';
import { SerialPort } from 'serialport';
import { ReconnectingTransport, type LinkEvents } from './base.ts';
import { pollReadBinding } from './serial-read.ts';
import type { TransportOptions } from './types.ts';

export class SerialTransport extends ReconnectingTransport {
  private readonly opts: TransportOptions;
  private port: SerialPort | null = null;
  /** Where the path pointed when we opened it: a PTY or udev link re-pointed under us means our fd is stale. */
  private openedTarget: string | null = null;
  /** device number of what the path led to at open: one stat() a second tells a new device (cheaper than realpath's lstat per path component) */
  private openedRdev: number | null = null;

  constructor(path: string, opts: TransportOptions) {
    super(path, opts);
    this.opts = opts;
  }

  protected connectLink(ev: LinkEvents): void {
    // SerialPort spreads our options over its detected binding: `binding` swaps in the cheap
    // unix read path (serial-read.ts). Its options type omits `binding`, hence the cast.
    const port = new SerialPort({
      binding: pollReadBinding,
      path: this.url,
      baudRate: this.opts.baudRate ?? 19200,
      dataBits: this.opts.dataBits ?? 8,
      parity: this.opts.parity ?? 'none',
      stopBits: this.opts.stopBits ?? 1,
      autoOpen: false,
      lock: true,
    } as ConstructorParameters<typeof SerialPort>[0]);
    this.port = port;
    port.on('data', (chunk: Buffer) => ev.data(chunk));
    // A disconnect arrives as 'close' with a DisconnectedError; a normal close has no error.
    port.on('close', (err?: Error | null) => ev.lost(err ? `port closed: ${err.message}` : 'port closed', err ?? undefined));
    port.on('error', (err: Error) => ev.lost(`port error: ${err.message}`, err));
    port.open((err) => {
      if (err) {
        ev.lost(`open failed: ${err.message}`, err);
        return;
      }
      this.openedTarget = resolveTarget(this.url);
      this.openedRdev = statSync(this.url, { throwIfNoEntry: false })?.rdev ?? null;
      ev.opened();
    });
  }

  protected override healthCheck(): string | null {
    // The missed-disconnect race: bindings spin on read() == 0 with isOpen still true and
    // no 'close'. The path vanishing (unplug, socat gone) or pointing elsewhere (socat
    // restarted, device re-enumerated) tells us without waiting for the idle timeout.
    // One stat() (it follows links) a second per port: existsSync + realpathSync cost ~1 % of
    // a core with seven sensors (CPU profile of bench/station.ts). The path is resolved only
    // when the device number changed, for the message.
    const st = statSync(this.url, { throwIfNoEntry: false });
    if (!st) return `path ${this.url} disappeared`;
    if (this.openedRdev !== null && st.rdev !== this.openedRdev) {
      const target = resolveTarget(this.url);
      if (this.openedTarget && target && target !== this.openedTarget) return `path ${this.url} now points to ${target}`;
    }
    if (this.port && !this.port.isOpen) return 'port no longer open';
    return null;
  }

  protected destroyLink(): Promise<void> {
    const port = this.port;
    this.port = null;
    this.openedTarget = null;
    this.openedRdev = null;
    if (!port) return Promise.resolve();
    return new Promise((resolve) => {
      // Keep an 'error' listener: a late error with none attached would throw.
      port.removeAllListeners();
      port.on('error', () => {});
      if (!port.isOpen) {
        resolve();
        return;
      }
      try {
        port.close(() => resolve()); // errors (dead port) are expected and irrelevant here
      } catch {
        resolve();
      }
    });
  }

  protected writeLink(data: string | Buffer): boolean {
    const port = this.port;
    if (!port || !port.isOpen) return false;
    port.write(data, (err) => {
      if (err) this.log.warn({ url: this.url, err: err.message }, 'serial write failed');
    });
    return true;
  }
}

function resolveTarget(path: string): string | null {
  try {
    return realpathSync(path);
  } catch {
    return null;
  }
}
