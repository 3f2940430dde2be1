// How a virtual device meets a wire. A device twin knows nothing of PTYs or sockets: it is
// handed a link, writes its bytes into it and hears the host's bytes from it. Exposures
// (hw-sim/expose/) provide links; a link whose far end is unplugged drops writes, as a real
// RS-232 line does.

export interface DeviceLink {
  /** Bytes from the device towards the host. Never throws; dropped when nobody listens. */
  write(bytes: Buffer | string): void;
  /** Register for bytes from the host towards the device (any chunking). */
  onData(cb: (bytes: Buffer) => void): void;
}

/** A virtual device an exposure can carry. */
export interface SimDevice {
  readonly name: string;
  readonly kind: string;
  /** Connect the device to a link (replacing any earlier one). */
  attach(link: DeviceLink): void;
  start(): void;
  stop(): void;
}

/**
 * What every serial twin shares: the link it is attached to (bytes from a link it has been
 * moved off are ignored, as after an unplug) and its faults, which `setFaults` merges.
 * A talker that never listens (the NMEA twin) keeps the default `receive`, which drops them.
 */
export abstract class SerialTwin<F extends object> {
  protected link: DeviceLink | null = null;
  protected faults = {} as F;

  attach(link: DeviceLink): void {
    this.link = link;
    link.onData((b) => {
      if (this.link === link) this.receive(b);
    });
  }

  setFaults(f: Partial<F>): void {
    this.faults = { ...this.faults, ...f };
  }

  /** Bytes from the host (any chunking). */
  protected receive(_bytes: Buffer): void {}
}
