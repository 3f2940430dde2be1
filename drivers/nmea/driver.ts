// The NMEA 0183 device shell: the shared line shell (drivers/framing/line-driver.ts) frames the
// transport's bytes into sentences; this hands each to the pure parser and reports. NMEA
// weather sensors talk on their own (no polling), so the driver never writes to the device.
// No QC, no storage (architecture.md).
import type { Observation } from '../../core/index.ts';
import { LineDriver, type LineDriverOptions, type LineDriverStats } from '../framing/line-driver.ts';
import { isNmeaRefusal, parseNmeaSentence, type NmeaParsed } from './parse.ts';

export interface NmeaOptions extends Omit<LineDriverOptions, 'pollIntervalMs' | 'resyncOnOpen'> {
  /** Degrees from true north to the sensor's reference mark; added to relative wind (default 0). */
  headingOffsetDeg?: number;
  /**
   * XDR transducer names whose readings are this sensor's own (reported under `sensor`, not
   * `sensor/name`), e.g. ['TempAir', 'Barometer']. Others keep their name in the sensor id.
   */
  xdrMerge?: readonly string[];
}

export interface NmeaStats extends LineDriverStats {
  /** sentences without a checksum (their values are flagged suspect) */
  withoutChecksum: number;
}

/** A time a GNSS sentence stated (`utcMs`) and when the line arrived on the driver's clock (`at`). */
export interface NmeaTime { sensor: string; utcMs: number; at: number; sentence: 'RMC' | 'ZDA' }

/** Events as every Driver, plus 'sentence' (NmeaParsed, every sentence that parsed) and 'time' (NmeaTime, a valid RMC/ZDA). */
export class NmeaDriver extends LineDriver {
  readonly headingOffsetDeg: number;
  private readonly xdrMerge: Set<string>;
  private withoutChecksum = 0;

  constructor(opts: NmeaOptions) {
    // A torn first sentence fails its checksum or its `$`: no resync needed, none dropped unseen.
    super({ ...opts, pollIntervalMs: null, resyncOnOpen: false });
    this.headingOffsetDeg = opts.headingOffsetDeg ?? 0;
    if (!Number.isFinite(this.headingOffsetDeg) || this.headingOffsetDeg < -360 || this.headingOffsetDeg > 360) {
      throw new RangeError(`headingOffsetDeg must be within -360…360, got ${opts.headingOffsetDeg}`);
    }
    this.xdrMerge = new Set(opts.xdrMerge ?? []);
  }

  /** Never used: NMEA weather sensors are not polled. */
  protected pollCommand(): string {
    return '';
  }

  override stats(): NmeaStats {
    return { ...super.stats(), withoutChecksum: this.withoutChecksum };
  }

  protected onLine(line: string, ts: number): void {
    const r = parseNmeaSentence(line, { sensor: this.sensor, ts, headingOffsetDeg: this.headingOffsetDeg });
    if (isNmeaRefusal(r)) return this.rejected(r);
    if (!r.checksum) this.withoutChecksum++;
    const prefix = `${this.sensor}/`;
    for (const o of r.observations) {
      if (o.sensor.startsWith(prefix) && this.xdrMerge.has(o.sensor.slice(prefix.length))) o.sensor = this.sensor;
    }
    this.emit('sentence', r satisfies NmeaParsed);
    // A GNSS time (RMC/ZDA): the line's arrival time on our clock beside the time it states.
    if (r.time) this.emit('time', { sensor: this.sensor, utcMs: r.time.utcMs, at: ts, sentence: r.time.sentence } satisfies NmeaTime);
    for (const rej of r.rejections) this.rejected(rej);
    this.emitObservations(r.observations satisfies Observation[]);
  }
}
