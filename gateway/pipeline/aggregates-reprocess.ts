// Re-running QC and aggregation over an archive of raw observations (`bonin reprocess`):
// the same code the daemon runs — range QC, the minute closer with its minute QC, redundant
// sensors, 10-min and hourly aggregates — over an in-memory store and a manual clock, so an
// archive re-run with new limits gives what the station would have sent with them.
import { ManualClock, type MinuteRecord, type Observation, type Qc, type Quantity } from '../../core/index.ts';
import type { PeriodAggregate } from '../aggregate/period.ts';
import type { StationConfig } from '../config/schema.ts';
import { qcSettings } from '../qc/minute.ts';
import { checkRange, type ClimateLimits } from '../qc/range.ts';
import { RawStepCheck } from '../qc/raw-step.ts';
import type { StationMinute } from '../qc/redundancy.ts';
import { sensorFamily } from '../sensors/index.ts';
import { openDatabase, Outbox, RawWriter, type Db } from '../store/index.ts';
import { MinuteCloser } from './minutes.ts';

/**
 * What the device itself said survives a re-run (a missing value, a status code); flags our
 * own QC set are dropped so that the new limits decide.
 */
export function deviceQc(q: Qc | undefined, value: number | null): Qc {
  if (value === null) return { flag: 'missing', reasons: q?.reasons.includes('sensor_status') ? ['sensor_status'] : [] };
  if (q?.reasons.includes('sensor_status')) return { flag: q.flag, reasons: ['sensor_status'] };
  return { flag: 'not_checked', reasons: [] };
}

export interface ReprocessResult {
  minutes: MinuteRecord[];
  periods: PeriodAggregate[];
  station: StationMinute[];
}

export class Reprocessor {
  private readonly db: Db = openDatabase(':memory:');
  private readonly clock = new ManualClock(0);
  private readonly raw = new RawWriter(this.db, this.clock, { maxPending: 5000 });
  private readonly climate: ClimateLimits;
  private readonly sensors = new Map<string, readonly Quantity[]>();
  private last = -Infinity;
  private readonly rawStep = new RawStepCheck();

  constructor(private readonly config: StationConfig) {
    this.climate = config.qc.climate_limits as ClimateLimits;
    for (const s of config.sensors) this.sensors.set(s.id, sensorFamily(s.type).expected);
  }

  /** Range-check one raw observation and keep it; returns it with its flags. */
  add(o: Observation): Observation {
    const checked = this.rawStep.check(checkRange({ ...o, qc: deviceQc(o.qc, o.value) }, this.climate));
    if (!this.sensors.has(o.sensor)) this.sensors.set(o.sensor, []); // not in the station file: aggregated all the same
    this.raw.add([checked]);
    this.last = Math.max(this.last, o.ts);
    return checked;
  }

  /** Close every minute that holds data, then the 10-min and hourly periods they complete. */
  finish(): ReprocessResult {
    this.raw.flush();
    const result: ReprocessResult = { minutes: [], periods: [], station: [] };
    if (!Number.isFinite(this.last)) return result;
    // The closer closes minutes with data before "now"; silent minutes only after its start,
    // so starting it after the archive keeps gaps in the archive as gaps.
    this.clock.advance(Math.floor(this.last / 60_000) * 60_000 + 120_000 - this.clock.now());
    const closer = new MinuteCloser({
      db: this.db, raw: this.raw, outbox: new Outbox(this.db, this.config.station.id), clock: this.clock, elevationM: this.config.station.elevation_m,
      sensors: this.sensors, graceMs: 0,
      qc: qcSettings({ climate: this.climate, step: this.config.qc.step, persistence: this.config.qc.persistence, elevationM: this.config.station.elevation_m }),
      redundancy: this.config.qc.redundancy,
      onAggregates: (a) => result.periods.push(...a),
    });
    result.minutes = closer.closeDue();
    result.station = closer.aggregates.read('1min', 'station') as StationMinute[];
    this.db.close();
    return result;
  }
}
