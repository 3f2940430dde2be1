// Closes one-minute periods: flushes raw readings, aggregates each closed minute from the
// store (not from memory, so a restarted gateway aggregates what the killed one stored) and
// commits records + outbox batch together.
import type { Clock, MinuteRecord, Quantity, Timer } from '../../core/index.ts';
import { aggregateMinute, MINUTE_MS } from '../aggregate/minute.ts';
import type { Db } from '../store/db.ts';
import type { Outbox } from '../store/outbox.ts';
import { readRaw, type RawWriter } from '../store/raw.ts';

export interface MinuteCloserOptions {
  db: Db;
  raw: RawWriter;
  outbox: Outbox;
  clock: Clock;
  elevationM: number;
  /** sensor id → quantities it should deliver (a minute without them says `missing`) */
  sensors: Map<string, readonly Quantity[]>;
  /** readings may arrive this long after their minute ended */
  graceMs?: number;
  onCommit?: (records: MinuteRecord[], seq: number | null) => void;
}

export class MinuteCloser {
  private timer: Timer | null = null;
  private readonly startedAt: number;
  private readonly grace: number;

  constructor(private readonly o: MinuteCloserOptions) {
    this.startedAt = o.clock.now();
    this.grace = o.graceMs ?? 2000;
  }

  start(): void {
    this.closeDue();
    this.schedule();
  }

  stop(): void {
    this.timer?.cancel();
    this.timer = null;
  }

  private schedule(): void {
    const now = this.o.clock.now();
    const next = Math.floor(now / MINUTE_MS) * MINUTE_MS + MINUTE_MS + this.grace;
    this.timer = this.o.clock.after(next - now, () => {
      this.closeDue();
      this.schedule();
    });
  }

  /** Aggregate and commit every minute that has closed since the last one done. */
  closeDue(): MinuteRecord[] {
    this.o.raw.flush();
    const upTo = Math.floor((this.o.clock.now() - this.grace) / MINUTE_MS) * MINUTE_MS; // first minute still open
    const records: MinuteRecord[] = [];
    for (const [sensor, expected] of this.o.sensors) {
      for (const minute of this.minutesToClose(sensor, upTo)) records.push(this.aggregate(sensor, minute, expected));
    }
    if (!records.length) return records;
    const seq = this.o.outbox.commitMinutes(records, Math.round(this.o.clock.now()));
    this.o.onCommit?.(records, seq);
    return records;
  }

  /**
   * Minutes after the last aggregated one and before `upTo` that hold readings, plus every
   * minute this process was running for in full (those say `missing` when the sensor was silent).
   */
  private minutesToClose(sensor: string, upTo: number): number[] {
    const last = this.o.outbox.lastAggregatedMinute(sensor);
    const from = last === null ? -Infinity : last + MINUTE_MS;
    const withData = (this.o.db.prepare('SELECT DISTINCT (ts / 60000) * 60000 AS m FROM raw_obs WHERE sensor = ? AND ts >= ? AND ts < ? ORDER BY m')
      .all(sensor, Number.isFinite(from) ? from : 0, upTo) as Array<{ m: number }>).map((r) => r.m);
    const minutes = new Set(withData);
    const firstFull = Math.max(Math.ceil(this.startedAt / MINUTE_MS) * MINUTE_MS, from);
    for (let m = firstFull; m < upTo; m += MINUTE_MS) minutes.add(m);
    return [...minutes].sort((a, b) => a - b);
  }

  private aggregate(sensor: string, minute: number, expected: readonly Quantity[]): MinuteRecord {
    const obs = readRaw(this.o.db, sensor, minute, minute + MINUTE_MS);
    const prev = this.o.db.prepare("SELECT value FROM raw_obs WHERE sensor = ? AND quantity = 'precipitation_amount_since_reset' AND ts < ? AND value IS NOT NULL ORDER BY ts DESC LIMIT 1")
      .get(sensor, minute) as { value: number } | undefined;
    const record = aggregateMinute({ sensor, minuteStart: minute, obs, prevRainCounter: prev?.value ?? null, elevationM: this.o.elevationM });
    for (const q of expected) record.values[q] ??= { v: null, f: 'missing', n: 0 };
    return record;
  }
}
