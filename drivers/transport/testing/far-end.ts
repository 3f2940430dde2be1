// Test helper: the device's side of a socat PTY pair, opened with serialport directly
// (unlocked, so it never competes with the transport under test for the flock).
import { SerialPort } from 'serialport';

export class FarEnd {
  received = '';
  private port: SerialPort | null = null;

  constructor(readonly path: string) {}

  async open(): Promise<void> {
    const port = new SerialPort({ path: this.path, baudRate: 19200, autoOpen: false, lock: false });
    port.on('data', (d: Buffer) => (this.received += d.toString('latin1')));
    port.on('error', () => {});
    await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
    this.port = port;
  }

  /** Write and wait until the bytes are handed to the OS. */
  async write(data: string | Buffer): Promise<void> {
    const port = this.port;
    if (!port) throw new Error('far end not open');
    await new Promise<void>((resolve, reject) => port.write(data, (err) => (err ? reject(err) : port.drain(() => resolve()))));
  }

  /** Fire-and-forget write that ignores errors (for floods while the PTY dies). */
  writeQuiet(data: string | Buffer): void {
    const port = this.port;
    if (port?.isOpen) port.write(data, () => {});
  }

  async close(): Promise<void> {
    const port = this.port;
    this.port = null;
    if (port?.isOpen) await new Promise<void>((resolve) => port.close(() => resolve()));
  }
}
