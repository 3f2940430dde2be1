// One light virtual station: the gateway's own store and uplink (Outbox, AggregateStore,
// Uplink — the code a real station runs, with its seqs, compact encoding, window, resends,
// backoff and, with the centre's public keys, signed gap answers) fed by generated minute
// records instead of the serial pipeline. Its database is in memory unless a directory is given.
import Database from 'better-sqlite3';
import { join } from 'node:path';
import type { Clock } from '../../core/index.ts';
import type { Logger } from '../log.ts';
import { AggregateStore } from '../pipeline/aggregates-periods.ts';
import { cacheStatements, openDatabase, Outbox, toWireRecord, type Db } from '../store/index.ts';
import { Uplink, type UplinkOptions } from '../uplink/uplink.ts';
import { attachCommandChannel, CommandRegistry } from '../commands/index.ts';
import { offsetsFor, type IslandWeather, type StationOffsets } from './generator.ts';

const MINUTE = 60_000;

export type StationUplinkOptions = Partial<Omit<UplinkOptions, 'station' | 'broker' | 'clock' | 'log'>>;

export interface VirtualStationOptions {
  id: string;
  index: number;
  island: string;
  weather: IslandWeather;
  clock: Clock;
  log: Logger;
  /** the URL this station's uplink connects to (the broker, or its link gate) */
  broker: string;
  /** where its SQLite file goes; default in memory */
  dbDir?: string;
  /** start from this serialized database (`snapshot()` of a station of the same id) instead of an empty one */
  image?: Buffer;
  /** seconds after the minute boundary this station closes its minute (real stations differ by a few) */
  closeDelayMs: number;
  uplink?: StationUplinkOptions;
  /** the centre's Ed25519 public keys (PEM): signed commands (gap requests) are answered; none: every command is refused, as at a real station */
  commandKeys?: string[];
}

export class VirtualStation {
  readonly id: string;
  readonly island: string;
  readonly db: Db;
  readonly outbox: Outbox;
  readonly uplink: Uplink;
  private readonly aggregates: AggregateStore;
  private readonly offsets: StationOffsets;
  /** start of the last minute closed, or null before the first */
  private last: number | null = null;
  started = false;

  constructor(private readonly o: VirtualStationOptions) {
    this.id = o.id;
    this.island = o.island;
    this.db = o.image ? cacheStatements(new Database(o.image)) : openDatabase(o.dbDir ? join(o.dbDir, `${o.id}.db`) : ':memory:');
    this.outbox = new Outbox(this.db, o.id);
    this.aggregates = new AggregateStore(this.db);
    this.offsets = offsetsFor(o.index);
    this.last = (this.db.prepare('SELECT max(ts) AS t FROM minute_records').get() as { t: number | null }).t;
    this.uplink = new Uplink(this.outbox, {
      protocolVersion: 5, inFlight: 16, resendAfterMs: 30_000, keepaliveS: 60, encoding: 'compact', maxMessageRecords: 80,
      ...o.uplink,
      station: o.id, broker: o.broker, clock: o.clock, log: o.log,
    });
    attachCommandChannel({
      uplink: this.uplink, outbox: this.outbox, db: this.db, registry: new CommandRegistry(), station: o.id, clock: o.clock, log: o.log,
      commands: { public_keys: o.commandKeys ?? [], max_age_s: 3600, future_tolerance_s: 300 },
    });
  }

  /**
   * Close every minute that ended (plus this station's delay) by `now`, starting at `from`
   * the first time. Each minute is one commit — record, its 10-min / hourly aggregates and
   * the outbox batch in one transaction, as the gateway's minute closer does.
   * `commitAt` is the commit time written in the batch (default: the clock's now).
   */
  closeMinutesUntil(now: number, from: number, commitAt?: (minute: number) => number): number {
    let next = this.last === null ? Math.floor(from / MINUTE) * MINUTE : this.last + MINUTE;
    let n = 0;
    while (next + MINUTE + this.o.closeDelayMs <= now) {
      this.closeMinute(next, commitAt ? commitAt(next) : now);
      next += MINUTE;
      n++;
    }
    return n;
  }

  private closeMinute(ts: number, now: number): void {
    const record = this.o.weather.record(ts, this.offsets);
    this.outbox.commitMinutes([record], Math.round(now), () => this.aggregates.closePeriodsEndingWith(record.sensor, ts, 3).map(toWireRecord));
    this.last = ts;
  }

  /** Backfill many minutes in one transaction (a backlog built up during an outage). */
  backfill(from: number, to: number): number {
    return this.db.transaction(() => this.closeMinutesUntil(to, from, (m) => m + MINUTE + this.o.closeDelayMs))();
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    this.uplink.start();
  }

  async stop(): Promise<void> {
    if (this.started) await this.uplink.stop();
    this.started = false;
  }

  close(): void {
    this.db.close();
  }

  /** The whole database as bytes (for `image`): a backlog built once and drained many times. */
  snapshot(): Buffer {
    return this.db.serialize();
  }

  /** What it committed, for audits: every record key (minutes and aggregates) and the highest seq given. */
  committed(): { keys: string[]; topSeq: number } {
    const minutes = this.db.prepare("SELECT sensor, ts, '1min' AS period FROM minute_records").all() as Array<{ sensor: string; ts: number; period: string }>;
    const periods = this.db.prepare("SELECT sensor, ts, period FROM aggregates WHERE period <> '1min'").all() as Array<{ sensor: string; ts: number; period: string }>;
    const top = this.db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'outbox'").get() as { seq: number } | undefined;
    return { keys: [...minutes, ...periods].map((r) => `${r.sensor}|${r.period}|${r.ts}`), topSeq: top?.seq ?? 0 };
  }
}
