// The shell every line-oriented serial family shares (WXT530, NMEA 0183, WindSonic, PTB,
// RG-15): subscribe to the transport, frame bytes into lines, hand each line to the family,
// poll on the injected clock, count and report. A family supplies only what its device says
// and what to ask it.
import { EventEmitter } from 'node:events';
import type { Clock, Observation, Rejection, Timer } from '../../core/index.ts';
import type { Driver, DriverState, DriverStats } from '../driver.ts';
import type { Transport } from '../transport/types.ts';
import { TransportListener } from '../transport/listener.ts';
import { LineFramer, printableLine } from './lines.ts';

export { printableLine } from './lines.ts';

export interface LineDriverOptions {
  sensor: string;
  transport: Transport;
  clock: Clock;
  /** clock ms between polls; null: never poll (the device talks on its own) */
  pollIntervalMs: number | null;
  maxLineLength?: number;
  /**
   * Drop everything up to the first line end after each open (default: when not polling).
   * A device that talks on its own may be mid-line when the port opens, and the tail of a
   * line can read as a whole, wrong one (`13.02 hPa` from `P= 1013.02 hPa`). A polled device
   * only speaks when asked, so nothing is dropped there.
   */
  resyncOnOpen?: boolean;
}

export interface LineDriverStats extends DriverStats {
  /** empty lines and lines that are neither data nor an error (prompts, echoes) */
  ignored: number;
}

/**
 * Events: 'observations' (Observation[]), 'rejection' (Rejection), 'state' ({ state, detail? }).
 * Subclasses add their own (e.g. 'device' for a reboot banner).
 */
export abstract class LineDriver extends EventEmitter implements Driver {
  readonly sensor: string;
  protected readonly transport: Transport;
  protected readonly clock: Clock;
  private readonly pollIntervalMs: number | null;
  private readonly framer: LineFramer;
  private pollTimer: Timer | null = null;
  private running = false;
  private readonly resyncOnOpen: boolean;
  private syncing = false;
  protected readonly counters: LineDriverStats = { lines: 0, observations: 0, rejections: 0, ignored: 0, lastLineAt: null };
  private readonly link: TransportListener;

  constructor(opts: LineDriverOptions) {
    super();
    this.sensor = opts.sensor;
    this.transport = opts.transport;
    this.clock = opts.clock;
    this.pollIntervalMs = opts.pollIntervalMs;
    if (this.pollIntervalMs !== null && !(this.pollIntervalMs >= 100)) throw new RangeError(`pollIntervalMs must be >= 100, got ${opts.pollIntervalMs}`);
    this.framer = new LineFramer(opts.maxLineLength ?? 256);
    this.resyncOnOpen = opts.resyncOnOpen ?? opts.pollIntervalMs === null;
    this.link = new TransportListener(this.transport, { data: (c) => this.onData(c), open: () => this.onOpen(), close: (r) => this.onClose(r) });
  }

  /** The bytes of one poll (e.g. `SEND\r\n`, `R\n`). */
  protected abstract pollCommand(): string;
  /** One complete line (no CR LF, never blank) at clock time ts. */
  protected abstract onLine(line: string, ts: number): void;

  start(): void {
    if (this.running) return;
    this.running = true;
    this.setState('connecting');
    this.link.attach();
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.stopPolling();
    await this.link.detach();
    this.setState('closed', 'stopped');
  }

  stats(): LineDriverStats {
    return { ...this.counters };
  }

  protected emitObservations(obs: Observation[]): void {
    if (obs.length === 0) return;
    this.counters.observations += obs.length;
    this.emit('observations', obs);
  }

  protected rejected(r: Rejection): void {
    this.counters.rejections++;
    this.emit('rejection', r);
  }

  protected setState(state: DriverState, detail?: string): void {
    this.emit('state', detail === undefined ? { state } : { state, detail });
  }

  private onOpen(): void {
    this.framer.reset(); // a partial line from before the gap can never be completed
    this.syncing = this.resyncOnOpen;
    this.setState('open');
    if (this.pollIntervalMs !== null) {
      this.stopPolling();
      this.poll(); // at once: a reconnect should not cost a whole interval of data
      this.pollTimer = this.clock.every(this.pollIntervalMs, () => this.poll());
    }
  }

  private onClose(reason: string): void {
    this.stopPolling();
    this.framer.reset();
    if (this.running) this.setState('connecting', reason);
  }

  private poll(): void {
    // write() returns false while down and queues nothing: a stale poll never reaches the device.
    this.transport.write(this.pollCommand());
  }

  private stopPolling(): void {
    this.pollTimer?.cancel();
    this.pollTimer = null;
  }

  private onData(chunk: Buffer): void {
    const ts = this.clock.now();
    if (this.syncing) {
      const lf = chunk.indexOf(0x0a);
      const head = (lf === -1 ? chunk : chunk.subarray(0, lf)).toString('latin1').replace(/\r$/, '');
      if (head !== '') this.rejected({ ts, sensor: this.sensor, raw: printableLine(head), reason: 'partial line after (re)connect dropped' });
      if (lf === -1) return;
      this.syncing = false;
      chunk = chunk.subarray(lf + 1);
    }
    const { lines, overflows } = this.framer.push(chunk);
    for (const o of overflows) this.rejected({ ts, sensor: this.sensor, raw: printableLine(o), reason: `line longer than ${this.framer.maxLength} characters dropped` });
    for (const raw of lines) {
      const line = raw.replace(/\r+$/, '');
      if (line.trim() === '') {
        this.counters.ignored++;
        continue;
      }
      this.counters.lines++;
      this.counters.lastLineAt = ts;
      this.onLine(line, ts);
    }
  }
}
