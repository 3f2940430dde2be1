// A device twin that speaks only at its own baud rate, behind a PTY that ignores baud rates.
//
// A socat PTY carries bytes whatever rate either end sets, so a probe at the wrong rate would
// hear a twin perfectly: no test of a baud-rate scan could fail. The gate reads the rate the
// host side has really set, from the termios of the host's PTY (an observer fd on the same
// slave, opened before the host and never read from, asked with TCGETS2 through serialport's
// bindings: `getBaudRate()`), at the moment of every chunk each way. When it differs from the
// device's configured rate, the bytes are replaced by what a UART at the wrong rate mostly
// gives: fewer or more bytes (in the ratio of the rates), all framing-error debris with the
// high bit set. So a wrong-rate host hears noise it cannot parse, and the device never
// understands a command sent at the wrong rate. Only the rate is gated, not data bits or
// parity (7E1 and 8N1 frames have the same length, and bytes pass unchanged).
import { SerialPort } from 'serialport';
import type { DeviceLink, SimDevice } from './devices/link.ts';

/** One observer of the host end's termios; open it before the host opens the port. */
export class BaudObserver {
  private constructor(private readonly port: Awaited<ReturnType<typeof SerialPort.binding.open>>) {}

  static async open(path: string): Promise<BaudObserver> {
    // lock: false so the host's own open (which takes TIOCEXCL) still succeeds after ours.
    // The binding alone (not the SerialPort stream) never reads, so it takes no byte from the host.
    return new BaudObserver(await SerialPort.binding.open({ path, baudRate: 9600, lock: false }));
  }

  async baud(): Promise<number | null> {
    try {
      return (await this.port.getBaudRate()).baudRate;
    } catch {
      return null;
    }
  }

  async close(): Promise<void> {
    await this.port.close().catch(() => {});
  }
}

/** Deterministic debris for `n` bytes sent at `from` and received at `to` baud. */
export function garble(bytes: Buffer, from: number, to: number, salt: number): Buffer {
  const n = Math.max(bytes.length > 0 ? 1 : 0, Math.round((bytes.length * to) / from));
  const out = Buffer.alloc(n);
  let h = (salt ^ 0x9e3779b9) >>> 0;
  for (let i = 0; i < n; i++) {
    h = Math.imul(h ^ (bytes[i % bytes.length] ?? 0) ^ i, 0x85ebca6b) >>> 0;
    h ^= h >>> 13;
    out[i] = 0x80 | (h & 0x7f);
  }
  return out;
}

/** Wraps a twin so it talks and listens only when the host's port is at `baud`. */
export class BaudGate implements SimDevice {
  readonly name: string;
  readonly kind: string;
  private chain: Promise<void> = Promise.resolve();
  private salt = 1;
  /** chunks passed / garbled each way, for tests and `bonin sim --rack` */
  readonly counts = { passed: 0, garbled: 0 };

  /** Set once the PTY exists (the observer needs its path); until then every chunk is debris. */
  observer: BaudObserver | null = null;

  constructor(private readonly inner: SimDevice, readonly baud: number) {
    this.name = inner.name;
    this.kind = inner.kind;
  }

  /** Run `f` with the host's current rate, in arrival order. */
  private gated(bytes: Buffer, deliver: (b: Buffer) => void): void {
    this.chain = this.chain.then(async () => {
      const hostBaud = (await this.observer?.baud()) ?? null;
      if (hostBaud === this.baud) {
        this.counts.passed++;
        deliver(bytes);
      } else {
        this.counts.garbled++;
        deliver(garble(bytes, this.baud, hostBaud ?? this.baud, this.salt++));
      }
    });
  }

  attach(link: DeviceLink): void {
    const listeners: Array<(b: Buffer) => void> = [];
    link.onData((b) => this.gated(b, (g) => { for (const l of listeners) l(g); }));
    this.inner.attach({
      write: (b) => this.gated(Buffer.isBuffer(b) ? b : Buffer.from(b, 'latin1'), (g) => link.write(g)),
      onData: (cb) => { listeners.push(cb); },
    });
  }

  start(): void {
    this.inner.start();
  }

  stop(): void {
    this.inner.stop();
  }
}

/** A port that spews random bytes at any rate: a broken converter, a shorted line. */
export class GarbageDevice implements SimDevice {
  readonly kind = 'garbage';
  private link: DeviceLink | null = null;
  private timer: NodeJS.Timeout | null = null;
  private h: number;

  constructor(readonly name: string, seed: number) {
    this.h = (seed * 2654435761) >>> 0 || 1;
  }

  attach(link: DeviceLink): void {
    this.link = link;
  }

  start(): void {
    this.timer = setInterval(() => {
      const b = Buffer.alloc(24);
      for (let i = 0; i < b.length; i++) {
        // xorshift32: full-range bytes, CR and LF included, as line noise is.
        this.h ^= this.h << 13; this.h >>>= 0;
        this.h ^= this.h >>> 17;
        this.h ^= this.h << 5; this.h >>>= 0;
        b[i] = this.h & 0xff;
      }
      this.link?.write(b);
    }, 50);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}

/** A port whose device is announced but not there: unpowered, cable not plugged. */
export class AbsentDevice implements SimDevice {
  readonly kind = 'absent';
  constructor(readonly name: string) {}
  attach(): void {}
  start(): void {}
  stop(): void {}
}
