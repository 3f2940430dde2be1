// The NMEA 0183 device shell: frames the transport's bytes into sentences, hands each to the
// pure parser, and reports. NMEA weather sensors talk on their own (no polling), so the
// driver never writes to the device. No QC, no storage (architecture.md).
import { EventEmitter } from 'node:events';
import type { Clock, Observation, Rejection } from '../../core/index.ts';
import type { Driver, DriverState, DriverStats } from '../driver.ts';
import { LineFramer } from '../framing/lines.ts';
import type { Transport } from '../transport/types.ts';
import { printable } from '../wxt530/parse.ts';
import { isNmeaRefusal, parseNmeaSentence, type NmeaParsed } from './parse.ts';

export interface NmeaOptions {
  /** Sensor id from the station config; goes into every Observation. */
  sensor: string;
  transport: Transport;
  clock: Clock;
  /** Degrees from true north to the sensor's reference mark; added to relative wind (default 0). */
  headingOffsetDeg?: number;
  /**
   * XDR transducer names whose readings are this sensor's own (reported under `sensor`, not
   * `sensor/name`), e.g. ['TempAir', 'Barometer']. Others keep their name in the sensor id.
   */
  xdrMerge?: readonly string[];
  /** Longest line kept (default 256); longer runs are dropped and reported. */
  maxLineLength?: number;
}

export interface NmeaStats extends DriverStats {
  /** empty lines */
  ignored: number;
  /** sentences without a checksum (their values are flagged suspect) */
  withoutChecksum: number;
}

/**
 * Events: 'observations' (Observation[]), 'rejection' (Rejection), 'state' ({ state, detail? }),
 * 'sentence' (NmeaParsed, every sentence that parsed).
 */
export class NmeaDriver extends EventEmitter implements Driver {
  readonly sensor: string;
  readonly headingOffsetDeg: number;
  private readonly xdrMerge: Set<string>;
  private readonly transport: Transport;
  private readonly clock: Clock;
  private readonly framer: LineFramer;
  private running = false;
  private readonly counters: NmeaStats = { lines: 0, observations: 0, rejections: 0, ignored: 0, withoutChecksum: 0, lastLineAt: null };
  private readonly handlers = {
    data: (chunk: Buffer) => this.onData(chunk),
    open: () => {
      this.framer.reset(); // a partial line from before the gap can never be completed
      this.setState('open');
    },
    close: (reason: string) => {
      this.framer.reset();
      if (this.running) this.setState('connecting', reason);
    },
    error: () => {}, // the transport logs and reconnects; listening keeps 'error' from throwing
  };

  constructor(opts: NmeaOptions) {
    super();
    this.sensor = opts.sensor;
    this.transport = opts.transport;
    this.clock = opts.clock;
    this.headingOffsetDeg = opts.headingOffsetDeg ?? 0;
    if (!Number.isFinite(this.headingOffsetDeg) || this.headingOffsetDeg < -360 || this.headingOffsetDeg > 360) {
      throw new RangeError(`headingOffsetDeg must be within -360…360, got ${opts.headingOffsetDeg}`);
    }
    this.xdrMerge = new Set(opts.xdrMerge ?? []);
    this.framer = new LineFramer(opts.maxLineLength ?? 256);
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
    if (t.isOpen) this.handlers.open();
    else t.open();
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    const t = this.transport;
    t.off('data', this.handlers.data);
    t.off('open', this.handlers.open);
    t.off('close', this.handlers.close);
    await t.close();
    t.off('error', this.handlers.error);
    this.setState('closed', 'stopped');
  }

  stats(): NmeaStats {
    return { ...this.counters };
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
    const r = parseNmeaSentence(line, { sensor: this.sensor, ts, headingOffsetDeg: this.headingOffsetDeg });
    if (isNmeaRefusal(r)) {
      this.rejected(r);
      return;
    }
    if (!r.checksum) this.counters.withoutChecksum++;
    const prefix = `${this.sensor}/`;
    for (const o of r.observations) {
      if (o.sensor.startsWith(prefix) && this.xdrMerge.has(o.sensor.slice(prefix.length))) o.sensor = this.sensor;
    }
    this.emit('sentence', r satisfies NmeaParsed);
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

  private setState(state: DriverState, detail?: string): void {
    this.emit('state', detail === undefined ? { state } : { state, detail });
  }
}
