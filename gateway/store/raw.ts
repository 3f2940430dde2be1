// Raw readings are written in batched transactions (one per flush, not one per reading):
// an SD card dies of small writes. A reading waits in memory at most `flushMs` of clock time.
import type { Clock, Observation, QcFlag, Quantity, Timer } from '../../core/index.ts';
import type { Db } from './db.ts';

/**
 * A reading taken while the station's time was not known (gateway/time/): its monotonic
 * time and boot, and the flag QC gave it apart from the time. Stored with it (migration 7).
 */
export interface TimeUncertain { mono: number; boot: string; qcFlag: QcFlag }
export type RawObservation = Observation & { uncertain?: TimeUncertain };

export class RawWriter {
  private pending: RawObservation[] = [];
  private timer: Timer | null = null;
  private readonly insert;
  private readonly insertMany;
  written = 0;

  constructor(private readonly db: Db, private readonly clock: Clock, private readonly opts: { flushMs?: number; maxPending?: number } = {}) {
    this.insert = db.prepare('INSERT INTO raw_obs (ts, sensor, quantity, value, flag, reasons, mono, boot, qc_flag) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
    this.insertMany = db.transaction((rows: RawObservation[]) => {
      for (const o of rows) {
        const u = o.uncertain;
        this.insert.run(o.ts, o.sensor, o.quantity, o.value, o.qc.flag, o.qc.reasons.join(','), u?.mono ?? null, u?.boot ?? null, u?.qcFlag ?? null);
      }
    });
  }

  add(obs: RawObservation[]): void {
    this.pending.push(...obs);
    if (this.pending.length >= (this.opts.maxPending ?? 1000)) this.flush();
    else if (!this.timer) this.timer = this.clock.after(this.opts.flushMs ?? 1000, () => this.flush());
  }

  /** Commit everything pending in one transaction. */
  flush(): void {
    this.timer?.cancel();
    this.timer = null;
    if (!this.pending.length) return;
    const rows = this.pending;
    this.pending = [];
    this.insertMany(rows);
    this.written += rows.length;
  }
}

interface RawRow { ts: number; sensor: string; quantity: string; value: number | null; flag: string; reasons: string }

export function rowToObservation(r: RawRow): Observation {
  return {
    ts: r.ts,
    sensor: r.sensor,
    quantity: r.quantity as Quantity,
    value: r.value,
    qc: { flag: r.flag as Observation['qc']['flag'], reasons: r.reasons ? (r.reasons.split(',') as Observation['qc']['reasons']) : [] },
  };
}

/** Readings of a sensor in [from, to) whose time is known (a time-uncertain reading belongs to no minute yet). */
export function readRaw(db: Db, sensor: string, from: number, to: number): Observation[] {
  const rows = db.prepare('SELECT ts, sensor, quantity, value, flag, reasons FROM raw_obs WHERE sensor = ? AND ts >= ? AND ts < ? AND qc_flag IS NULL ORDER BY ts').all(sensor, from, to) as RawRow[];
  return rows.map(rowToObservation);
}
