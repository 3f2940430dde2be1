// The one link a device is attached to for its whole life, whatever happens to the wire
// behind it: an exposure connects and disconnects the far end (a PTY, a TCP client, an
// in-process stream) as the wire is plugged, unplugged or replaced. While nothing is
// connected the device's bytes are dropped, as on an RS-232 line with nobody listening.
import type { DeviceLink } from '../devices/link.ts';

export class SwitchLink implements DeviceLink {
  private sink: ((b: Buffer) => void) | null = null;
  private readonly listeners: Array<(b: Buffer) => void> = [];

  write(bytes: Buffer | string): void {
    this.sink?.(Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes, 'latin1'));
  }

  onData(cb: (bytes: Buffer) => void): void {
    this.listeners.push(cb);
  }

  /** Bytes from the host side, handed to the device. */
  deliver(bytes: Buffer): void {
    for (const l of this.listeners) l(bytes);
  }

  connect(sink: (b: Buffer) => void): void {
    this.sink = sink;
  }

  disconnect(): void {
    this.sink = null;
  }

  get connected(): boolean {
    return this.sink !== null;
  }
}

/** What an exposure needs of a device: to be attached to a link. */
export interface Attachable {
  readonly name: string;
  attach(link: DeviceLink): void;
}
