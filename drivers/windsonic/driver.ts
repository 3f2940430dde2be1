// The Gill WindSonic device shell: frames STX…ETX lines, hands each to the pure parser, polls
// in polled mode, and reports. The power-up banner and other text lines are passed on as
// 'text' events, not errors. No QC, no storage (architecture.md).
import { EventEmitter } from 'node:events';
import type { Clock, Observation, Rejection, Timer } from '../../core/index.ts';
import type { Driver, DriverState, DriverStats } from '../driver.ts';
import { LineFramer } from '../framing/lines.ts';
import type { Transport } from '../transport/types.ts';
import { printable } from '../wxt530/parse.ts';
import { isWindsonicRefusal, parseWindsonicLine, type StatusMeaning, type WindsonicData } from './parse.ts';

export interface WindsonicOptions {
  /** Sensor id from the station config; goes into every Observation. */
  sensor: string;
  transport: Transport;
  clock: Clock;
  /** Unit identifier (node letter), default 'Q'; lines from other nodes are ignored. */
  node?: string;
  /** 'continuous' (device sends on its own, default) or 'polled' (we send `?`, the node letter, `!`). Polled is point to point only. */
  mode?: 'continuous' | 'polled';
  /** Polled mode: clock ms between polls (default 1000). */
  pollIntervalMs?: number;
  /** Longest line kept (default 128); longer runs are dropped and reported. */
  maxLineLength?: number;
}

export interface WindsonicStats extends DriverStats {
  /** banner/text lines, lines from other nodes, empty lines */
  ignored: number;
  /** the last status code seen, e.g. '00' */
  lastStatus: string | null;
}

/**
 * Events: 'observations', 'rejection', 'state' as every Driver; 'message' (WindsonicData, each
 * data line); 'text' (string: banner and other plain lines); 'status' (StatusMeaning, when
 * the status code changes).
 */
export class WindsonicDriver extends EventEmitter implements Driver {
  readonly sensor: string;
  readonly node: string;
  readonly mode: 'continuous' | 'polled';
  private readonly transport: Transport;
  private readonly clock: Clock;
  private readonly pollIntervalMs: number;
  private readonly framer: LineFramer;
  private pollTimer: Timer | null = null;
  private running = false;
  private readonly counters: WindsonicStats = { lines: 0, observations: 0, rejections: 0, ignored: 0, lastStatus: null, lastLineAt: null };
  private readonly handlers = {
    data: (chunk: Buffer) => this.onData(chunk),
    open: () => this.onOpen(),
    close: (reason: string) => {
      this.stopPolling();
      this.framer.reset();
      if (this.running) this.setState('connecting', reason);
    },
    error: () => {},
  };

  constructor(opts: WindsonicOptions) {
    super();
    this.sensor = opts.sensor;
    this.transport = opts.transport;
    this.clock = opts.clock;
    this.node = opts.node ?? 'Q';
    if (!/^[A-Z]$/.test(this.node)) throw new RangeError(`WindSonic node letter must be A-Z, got "${this.node}"`);
    this.mode = opts.mode ?? 'continuous';
    this.pollIntervalMs = opts.pollIntervalMs ?? 1000;
    if (!(this.pollIntervalMs >= 250)) throw new RangeError(`pollIntervalMs must be >= 250, got ${opts.pollIntervalMs}`);
    this.framer = new LineFramer(opts.maxLineLength ?? 128);
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

  stats(): WindsonicStats {
    return { ...this.counters };
  }

  private onOpen(): void {
    this.framer.reset();
    this.setState('open');
    if (this.mode === 'polled') {
      this.stopPolling();
      this.poll();
      this.pollTimer = this.clock.every(this.pollIntervalMs, () => this.poll());
    }
  }

  /**
   * The manual's sequence for every poll (1405-PS-0019 §9.3): `?` enables polling (in case
   * the unit was power-cycled), the unit letter asks for one line, `!` disables polling again
   * so stray bytes cannot trigger a reply.
   */
  get pollCommand(): string {
    return `?${this.node}!`;
  }

  private poll(): void {
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
    const r = parseWindsonicLine(line, { sensor: this.sensor, ts });
    if (isWindsonicRefusal(r)) return this.rejected(r);
    for (const rej of r.rejections) this.rejected(rej);
    if (r.kind === 'text') {
      this.counters.ignored++;
      this.emit('text', r.text);
      return;
    }
    if (r.node !== this.node) {
      this.counters.ignored++; // another unit on a shared RS-485 bus
      return;
    }
    if (r.status.code !== this.counters.lastStatus) {
      this.counters.lastStatus = r.status.code;
      this.emit('status', r.status satisfies StatusMeaning);
    }
    this.emit('message', r satisfies WindsonicData);
    if (r.observations.length > 0) {
      this.counters.observations += r.observations.length;
      this.emit('observations', r.observations satisfies Observation[]);
    }
  }

  private rejected(r: Rejection): void {
    this.counters.rejections++;
    this.emit('rejection', r);
  }

  private setState(state: DriverState, detail?: string): void {
    this.emit('state', detail === undefined ? { state } : { state, detail });
  }
}
