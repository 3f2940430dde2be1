// The WXT530 device shell: the shared line shell (drivers/framing/line-driver.ts) frames the
// transport's bytes into lines and polls in polled mode; this hands each line to the pure
// parser and reports. No QC, no storage (architecture.md).
import { vaisalaCrc, type Observation } from '../../core/index.ts';
import type { DriverState } from '../driver.ts';
import { LineDriver, type LineDriverOptions, type LineDriverStats } from '../framing/line-driver.ts';
import { isRejection, parseWxtMessage, type WxtParsed } from './parse.ts';

export interface Wxt530Options extends Omit<LineDriverOptions, 'pollIntervalMs' | 'resyncOnOpen'> {
  /** Device address (default '0'); messages from other addresses on a shared bus are ignored. */
  address?: string;
  /** 'automatic' (device sends on its own, default) or 'polled' (we send aR0). */
  mode?: 'automatic' | 'polled';
  /** Polled mode: clock ms between polls (default 5000). */
  pollIntervalMs?: number;
  /** Polled mode: ask for the CRC variant (`ar0`) so every reply is verified. */
  crc?: boolean;
  /**
   * Polled mode: the messages asked at each poll, in order (default ['0'], the composite).
   * ['1', '2', '3', '5'] when the composite selection is not configured on the device.
   */
  pollMessages?: ReadonlyArray<'0' | '1' | '2' | '3' | '5'>;
}

export type Wxt530State = DriverState;

/** `ignored`: lines from another address on a shared bus, and empty lines. */
export type Wxt530Stats = LineDriverStats;

/**
 * Events: 'observations' (Observation[]), 'rejection' (Rejection), 'state'
 * ({ state, detail? }), 'message' (WxtParsed, every parsed line incl. text messages).
 * start() opens the transport; stop() closes it.
 */
export class Wxt530Driver extends LineDriver {
  readonly address: string;
  readonly mode: 'automatic' | 'polled';
  private readonly crc: boolean;
  private readonly pollMessages: Array<'0' | '1' | '2' | '3' | '5'>;

  constructor(opts: Wxt530Options) {
    const mode = opts.mode ?? 'automatic';
    const pollIntervalMs = opts.pollIntervalMs ?? 5000;
    if (!(pollIntervalMs >= 100)) throw new RangeError(`pollIntervalMs must be >= 100, got ${opts.pollIntervalMs}`);
    // A torn first line fails field by field (and its CRC when on): nothing to resync.
    super({ maxLineLength: 512, ...opts, pollIntervalMs: mode === 'polled' ? pollIntervalMs : null, resyncOnOpen: false });
    this.address = opts.address ?? '0';
    if (!/^[0-9A-Za-z]$/.test(this.address)) throw new RangeError(`WXT530 address must be one character 0-9, A-Z, a-z, got "${this.address}"`);
    this.mode = mode;
    this.crc = opts.crc ?? false;
    this.pollMessages = opts.pollMessages?.length ? [...opts.pollMessages] : ['0'];
  }

  /**
   * The poll for this address, CRC choice and messages: `0R0\r\n`, `0R1\r\n0R2\r\n`; a CRC poll
   * carries its own CRC (`0r0` + CRC), or the WXT answers `Use chksum …` instead of data.
   */
  pollCommand(): string {
    return this.pollMessages.map((m) => (this.crc ? `${this.address}r${m}${vaisalaCrc(`${this.address}r${m}`)}\r\n` : `${this.address}R${m}\r\n`)).join('');
  }

  protected onLine(line: string, ts: number): void {
    const r = parseWxtMessage(line, { sensor: this.sensor, ts });
    if (isRejection(r)) return this.rejected(r);
    if (r.address !== this.address) {
      this.counters.ignored++; // another device on an RS-485 bus: not ours, not an error
      return;
    }
    this.emit('message', r satisfies WxtParsed);
    for (const rej of r.rejections) this.rejected(rej);
    this.emitObservations(r.observations satisfies Observation[]);
  }
}
