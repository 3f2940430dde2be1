// An in-process transport pair for fast unit tests and the simulator's in-process exposure:
// `device` is the far end (what a sensor would send and receive), the pair's `transport`
// is what a driver gets. Same contract as serial/TCP: writes while down return false.
import { EventEmitter } from 'node:events';
import type { Transport } from './types.ts';

export class MemoryTransport extends EventEmitter implements Transport {
  readonly url: string;
  private up = false;
  private wanted = false;
  /** What the driver wrote, in order (the device side can also listen to 'written'). */
  readonly written: string[] = [];
  readonly device = {
    /** Bytes from the device to the driver; dropped while down, as on a real wire. */
    send: (data: string | Buffer): boolean => {
      if (!this.up) return false;
      this.emit('data', Buffer.isBuffer(data) ? data : Buffer.from(data, 'latin1'));
      return true;
    },
    /** Simulate unplug: the link drops; it comes back with `plug()` if still wanted. */
    unplug: (reason = 'unplugged'): void => {
      if (!this.up) return;
      this.up = false;
      this.emit('close', reason);
    },
    plug: (): void => {
      if (this.wanted && !this.up) {
        this.up = true;
        this.emit('open');
      }
    },
  };

  constructor(url = 'mem://device') {
    super();
    this.url = url;
  }

  get isOpen(): boolean {
    return this.up;
  }

  open(): void {
    if (this.wanted) return;
    this.wanted = true;
    // Asynchronous like real transports, so listeners attached right after open() see 'open'.
    queueMicrotask(() => this.device.plug());
  }

  async close(): Promise<void> {
    this.wanted = false;
    if (this.up) {
      this.up = false;
      this.emit('close', 'closed by caller');
    }
  }

  write(data: string | Buffer): boolean {
    if (!this.up) return false;
    const text = Buffer.isBuffer(data) ? data.toString('latin1') : data;
    this.written.push(text);
    this.emit('written', text);
    return true;
  }
}
