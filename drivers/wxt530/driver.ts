// The WXT530 device shell: frames the transport's bytes into lines, hands each line to the
// pure parser, polls in polled mode, and reports state. No QC, no storage (architecture.md).
import type { Driver, DriverState, DriverStats } from '../driver.ts';
import { EventEmitter } from 'node:events';
import { vaisalaCrc, type Clock, type Observation, type Rejection, type Timer } from '../../core/index.ts';
import { LineFramer } from '../framing/lines.ts';
import type { Transport } from '../transport/types.ts';
import { isRejection, parseWxtMessage, printable, type WxtParsed } from './parse.ts';

export interface Wxt530Options {
  /** Sensor id from the station config; goes into every Observation. */
  sensor: string;
  transport: Transport;
  clock: Clock;
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
  /** Longest line kept (default 512); longer runs are dropped and reported. */
  maxLineLength?: number;
}

export type Wxt530State = DriverState;

export interface Wxt530Stats extends DriverStats {
  /** lines from another address on a shared bus, and empty lines */
  ignored: number;
}

/**
 * Events: 'observations' (Observation[]), 'rejection' (Rejection), 'state'
 * ({ state, detail? }), 'message' (WxtParsed, every parsed line incl. text messages).
 * start() opens the transport; stop() closes it.
 */
export class Wxt530Driver extends EventEmitter implements Driver {
  readonly sensor: string;
  readonly address: string;
  readonly mode: 'automatic' | 'polled';
  private readonly transport: Transport;
  private readonly clock: Clock;
  private readonly pollIntervalMs: number;
  private readonly crc: boolean;
  private readonly pollMessages: Array<'0' | '1' | '2' | '3' | '5'>;
  private readonly framer: LineFramer;
  private pollTimer: Timer | null = null;
  private running = false;
  private readonly counters: Wxt530Stats = { lines: 0, observations: 0, rejections: 0, ignored: 0, lastLineAt: null };
  private readonly handlers = {
    data: (chunk: Buffer) => this.onData(chunk),
    open: () => this.onOpen(),
    close: (reason: string) => this.onClose(reason),
    error: () => {}, // the transport logs and reconnects; listening keeps 'error' from throwing
  };

  constructor(opts: Wxt530Options) {
    super();
    this.sensor = opts.sensor;
    this.transport = opts.transport;
    this.clock = opts.clock;
    this.address = opts.address ?? '0';
    if (!/^[0-9A-Za-z]$/.test(this.address)) throw new RangeError(`WXT530 address must be one character 0-9, A-Z, a-z, got "${this.address}"`);
    this.mode = opts.mode ?? 'automatic';
    this.pollIntervalMs = opts.pollIntervalMs ?? 5000;
    if (!(this.pollIntervalMs >= 100)) throw new RangeError(`pollIntervalMs must be >= 100, got ${opts.pollIntervalMs}`);
    this.crc = opts.crc ?? false;
    this.pollMessages = opts.pollMessages?.length ? [...opts.pollMessages] : ['0'];
    this.framer = new LineFramer(opts.maxLineLength ?? 512);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    const t = this.transport;
    t.on('data', this.handlers.data);
    t.on('open', this.handlers.open);
    t.on('close', this.handlers.close);
    t.on('error', this.handlers.error);
    this.setState('connecting');
    if (t.isOpen) this.onOpen();
    else t.open();
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.stopPolling();
    const t = this.transport;
    t.off('data', this.handlers.data);
    t.off('open', this.handlers.open);
    t.off('close', this.handlers.close);
    await t.close();
    t.off('error', this.handlers.error);
    this.setState('closed', 'stopped');
  }

  stats(): Wxt530Stats {
    return { ...this.counters };
  }

  /**
   * The poll for this address, CRC choice and messages: `0R0\r\n`, `0R1\r\n0R2\r\n`; a CRC poll
   * carries its own CRC (`0r0` + CRC), or the WXT answers `Use chksum …` instead of data.
   */
  get pollCommand(): string {
    return this.pollMessages.map((m) => (this.crc ? `${this.address}r${m}${vaisalaCrc(`${this.address}r${m}`)}\r\n` : `${this.address}R${m}\r\n`)).join('');
  }

  private onOpen(): void {
    this.framer.reset(); // a partial line from before the gap can never be completed
    this.setState('open');
    if (this.mode === 'polled') {
      this.stopPolling();
      this.poll(); // ask at once: a reconnect should not cost a whole interval of data
      this.pollTimer = this.clock.every(this.pollIntervalMs, () => this.poll());
    }
  }

  private onClose(reason: string): void {
    this.stopPolling();
    this.framer.reset();
    // The transport keeps reconnecting until stop(): from the driver's view we are connecting.
    if (this.running) this.setState('connecting', reason);
  }

  private poll(): void {
    // write() returns false while down and queues nothing: a stale poll never reaches the device.
    this.transport.write(this.pollCommand);
  }

  private stopPolling(): void {
    this.pollTimer?.cancel();
    this.pollTimer = null;
  }

  private onData(chunk: Buffer): void {
    const { lines, overflows } = this.framer.push(chunk);
    const ts = this.clock.now();
    for (const o of overflows) this.rejected({ ts, sensor: this.sensor, raw: printable(o), reason: `line longer than ${this.framer.maxLength} characters dropped` });
    for (const line of lines) this.onLine(line, ts);
  }

  private onLine(line: string, ts: number): void {
    if (line.trim() === '') {
      this.counters.ignored++;
      return;
    }
    this.counters.lines++;
    this.counters.lastLineAt = ts;
    const r = parseWxtMessage(line, { sensor: this.sensor, ts });
    if (isRejection(r)) {
      this.rejected(r);
      return;
    }
    if (r.address !== this.address) {
      this.counters.ignored++; // another device on an RS-485 bus: not ours, not an error
      return;
    }
    this.emit('message', r satisfies WxtParsed);
    for (const rej of r.rejections) this.rejected(rej);
    if (r.observations.length > 0) {
      this.counters.observations += r.observations.length;
      this.emit('observations', r.observations satisfies Observation[]);
    }
  }

  private rejected(r: Rejection): void {
    this.counters.rejections++;
    this.emit('rejection', r);
  }

  private setState(state: Wxt530State, detail?: string): void {
    this.emit('state', detail === undefined ? { state } : { state, detail });
  }
}
