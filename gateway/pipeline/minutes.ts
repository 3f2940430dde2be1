// Closes one-minute periods: flushes raw readings, aggregates each closed minute from the
// store (not from memory, so a restarted gateway aggregates what the killed one stored),
// runs the minute QC against the sensor's stored past (step, persistence, consistency),
// cross-checks redundant sensors, and commits records + outbox batch + the 10-min/hourly
// aggregates those minutes complete, in one transaction: the aggregates travel in the same
// outbox batch as the minutes. A full disk (SQLITE_FULL) rolls that transaction back; the
// closer asks the store to make room (`onDiskFull`) and closes the same minutes next time.
import type { Clock, MinuteRecord, Quantity, Timer } from '../../core/index.ts';
import { aggregateMinute, MINUTE_MS } from '../aggregate/minute.ts';
import type { PeriodAggregate } from '../aggregate/period.ts';
import { qcMinute, qcSettings, type QcSettings } from '../qc/minute.ts';
import { crossCheck, type RedundancyRules, type StationMinute } from '../qc/redundancy.ts';
import { commitDurably, type Db } from '../store/db.ts';
import { AggregateStore } from './aggregates-periods.ts';
import { isDiskFull } from '../store/disk-full.ts';
import { toWireRecord, type Outbox } from '../store/outbox.ts';
import { lastRainCounter, minutesWithReadings, readRaw, type RawWriter } from '../store/raw.ts';

/** Writes held in memory until a commit: written inside it; what it returns runs once it has committed. */
export interface HeldWrites {
  writeLaterIn(): () => void;
}

export interface MinuteCloserOptions {
  db: Db;
  raw: RawWriter;
  outbox: Outbox;
  clock: Clock;
  elevationM: number;
  /** sensor id → quantities it should deliver (a minute without them says `missing`); none: records only for minutes with readings (cameras) */
  sensors: Map<string, readonly Quantity[]>;
  /** readings may arrive this long after their minute ended */
  graceMs?: number;
  /**
   * Close (and commit) every this many minutes, all minutes due at once (default 1). Each
   * commit rewrites the same few pages (indexes, the outbox, the database header), so this
   * sets most of the SD card's wear; a power cut loses at most this many minutes of readings.
   */
  everyMinutes?: number;
  /** minute QC limits (default: qc.md's, no climate band) */
  qc?: QcSettings;
  /** redundant sensors: per quantity, primary and backup sensor ids */
  redundancy?: RedundancyRules;
  onCommit?: (records: MinuteRecord[], seq: number | null) => void;
  onAggregates?: (aggregates: PeriodAggregate[]) => void;
  /**
   * A close failed on a full disk (nothing of it was committed): make room, e.g.
   * StoreQuota.onDiskFull. Without it the error is thrown as any other.
   */
  onDiskFull?: (err: Error) => void;
  /**
   * While this says true, no minute closes (readings are still stored): the station's time is
   * not known yet (gateway/time/), and a minute closed now would carry a wrong time.
   */
  hold?: () => boolean;
}

/** A sparse sensor's readings are closed if they come at most this late (see moveSparseMark). */
const SPARSE_LAG_MS = 10 * 60_000;

/** Minute QC looks back this many minutes (persistence needs 60). */
const HISTORY_MINUTES = 60;

export class MinuteCloser {
  private timer: Timer | null = null;
  private startedAt: number;
  private readonly grace: number;
  private readonly qc: QcSettings;
  readonly aggregates: AggregateStore;
  /** closes that failed on a full disk (each retried at the next tick) */
  diskFullEvents = 0;

  /** Others whose writes wait in memory for this commit (the camera frames' sent marks). */
  private readonly alsoWritten: HeldWrites[] = [];

  /** Add `w`'s held writes to each minute commit. */
  alsoWriteIn(w: HeldWrites): void {
    this.alsoWritten.push(w);
  }

  constructor(private readonly o: MinuteCloserOptions) {
    this.startedAt = o.clock.now();
    this.grace = o.graceMs ?? 2000;
    this.qc = o.qc ?? qcSettings({ elevationM: o.elevationM });
    this.aggregates = new AggregateStore(o.db);
    for (const [q, rule] of Object.entries(o.redundancy ?? {})) {
      for (const id of [rule.primary, rule.backup]) {
        if (!o.sensors.has(id)) throw new Error(`qc.redundancy.${q}: sensor "${id}" is not one of the station's sensors (${[...o.sensors.keys()].join(', ')})`);
      }
    }
  }

  start(): void {
    this.closeOrMakeRoom();
    this.schedule();
  }

  stop(): void {
    this.timer?.cancel();
    this.timer = null;
  }

  private schedule(): void {
    const now = this.o.clock.now();
    const period = (this.o.everyMinutes ?? 1) * MINUTE_MS;
    const next = Math.floor(now / period) * period + period + this.grace;
    this.timer = this.o.clock.after(next - now, () => {
      // schedule first: whatever this close throws, the next minute is still closed
      this.schedule();
      this.closeOrMakeRoom();
    });
  }

  /**
   * closeDue from a timer: a full disk must not crash the gateway. The failed transaction
   * left nothing behind (lastAggregated did not move), so the next tick closes the same
   * minutes, after the store has made room.
   */
  private closeOrMakeRoom(): void {
    try {
      this.closeDue();
    } catch (err) {
      if (!this.o.onDiskFull || !isDiskFull(err)) throw err;
      this.diskFullEvents++;
      this.o.onDiskFull(err as Error);
    }
  }

  /** The station's clock was stepped by `ms` (its time became known): this run started that much later or earlier. */
  timeStepped(ms: number): void {
    this.startedAt += ms;
  }

  /**
   * Aggregate and commit every minute that has closed since the last one done. The station's
   * one commit a minute (store/db.ts, docs/decisions.md "SD card writes"), durable: the raw
   * readings waiting in memory, the outbox's held sends and acks, the minutes and their batch.
   * If it fails (a full disk) it all rolls back and stays in memory for the next minute.
   */
  closeDue(): MinuteRecord[] {
    const written: Array<() => void> = [];
    const periods: PeriodAggregate[] = [];
    let seq: number | null = null;
    const records = commitDurably(this.o.db, () => {
      written.push(this.o.raw.writePendingIn(), this.o.outbox.writeLaterIn(), ...this.alsoWritten.map((w) => w.writeLaterIn()));
      if (this.o.hold?.()) return [];
      const closed = this.closeMinutes();
      if (!closed.length) return closed;
      const stationMinutes = this.crossCheck(closed);
      seq = this.o.outbox.commitMinutes(stationMinutes.records, Math.round(this.o.clock.now()), () => {
        // runs once the minutes are stored: the periods read them back
        for (const m of stationMinutes.station) this.aggregates.save('1min', 'station', m.ts, m);
        for (const r of stationMinutes.records) periods.push(...this.aggregates.closePeriodsEndingWith(r.sensor, r.ts, this.o.elevationM));
        return periods.map(toWireRecord);
      });
      return stationMinutes.records;
    });
    for (const done of written) done();
    if (!records.length) return records;
    this.o.onCommit?.(records, seq);
    if (periods.length) this.o.onAggregates?.(periods);
    return records;
  }

  /** Each sensor's minutes closed since its last one, aggregated with QC (in the commit's transaction). */
  private closeMinutes(): MinuteRecord[] {
    const upTo = Math.floor((this.o.clock.now() - this.grace) / MINUTE_MS) * MINUTE_MS; // first minute still open
    const records: MinuteRecord[] = [];
    for (const [sensor, expected] of this.o.sensors) {
      const minutes = this.minutesToClose(sensor, upTo, expected.length > 0);
      if (!minutes.length) {
        if (!expected.length) this.moveSparseMark(sensor, upTo);
        continue;
      }
      // The sensor's past, kept in memory across this catch-up so each minute sees the previous ones.
      const history = this.aggregates.minutes(sensor, minutes[0]! - HISTORY_MINUTES * MINUTE_MS, minutes[0]!);
      for (const minute of minutes) {
        const r = this.aggregate(sensor, minute, expected, history);
        history.push(r);
        if (history.length > HISTORY_MINUTES) history.shift();
        records.push(r);
      }
    }
    return records;
  }

  /** Redundant sensors: cross-check each minute's records, and the station's choice per minute. */
  private crossCheck(records: MinuteRecord[]) {
    const rules = this.o.redundancy ?? {};
    if (!Object.keys(rules).length) return { records, station: [] };
    const byMinute = new Map<number, MinuteRecord[]>();
    for (const r of records) byMinute.set(r.ts, [...(byMinute.get(r.ts) ?? []), r]);
    const out: MinuteRecord[] = [];
    const station: StationMinute[] = [];
    for (const group of byMinute.values()) {
      const c = crossCheck(group, rules);
      out.push(...c.records);
      if (c.station) station.push(c.station);
    }
    return { records: out, station };
  }

  /**
   * Minutes after the last aggregated one and before `upTo` that hold readings, plus every
   * minute this process was running for in full (those say `missing` when the sensor was silent).
   */
  private minutesToClose(sensor: string, upTo: number, everyMinute = true): number[] {
    const last = this.o.outbox.lastAggregatedMinute(sensor);
    const from = last === null ? -Infinity : last + MINUTE_MS;
    const minutes = new Set(minutesWithReadings(this.o.db, sensor, Number.isFinite(from) ? from : 0, upTo));
    const firstFull = Math.max(Math.ceil(this.startedAt / MINUTE_MS) * MINUTE_MS, from);
    if (everyMinute) for (let m = firstFull; m < upTo; m += MINUTE_MS) minutes.add(m);
    return [...minutes].sort((a, b) => a - b);
  }

  /**
   * A sensor that expects nothing (a camera: sky features every few minutes) gets records only
   * for minutes holding readings. Its "last aggregated" mark still moves on while it is silent
   * (to 10 min back, once an hour), so an offline camera does not hold back the quota's raw
   * eviction, which keeps whatever some sensor has not aggregated yet.
   */
  private moveSparseMark(sensor: string, upTo: number): void {
    const last = this.o.outbox.lastAggregatedMinute(sensor);
    const mark = upTo - SPARSE_LAG_MS;
    if (last !== null && last >= mark - 60 * MINUTE_MS) return;
    this.o.outbox.setState(`aggregated:${sensor}`, mark);
  }

  private aggregate(sensor: string, minute: number, expected: readonly Quantity[], history: readonly MinuteRecord[]): MinuteRecord {
    const obs = readRaw(this.o.db, sensor, minute, minute + MINUTE_MS);
    // the counter before the minute, looked up only for a minute that has counter readings
    const counts = obs.some((o) => o.quantity === 'precipitation_amount_since_reset' && o.value !== null);
    const prevRainCounter = counts ? lastRainCounter(this.o.db, sensor, minute) : null;
    const raw = aggregateMinute({ sensor, minuteStart: minute, obs, prevRainCounter, elevationM: this.o.elevationM });
    const measured = new Set(obs.map((o) => o.quantity));
    const derived = new Set((['dew_point_temperature', 'air_pressure_at_mean_sea_level'] as const).filter((q) => !measured.has(q)));
    const record = qcMinute(raw, history, this.qc, { derived });
    for (const q of expected) record.values[q] ??= { v: null, f: 'missing', n: 0 };
    return record;
  }
}
