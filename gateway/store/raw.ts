// Raw readings are written in batched transactions (one per flush, not one per reading):
// an SD card dies of small writes. A reading waits in memory at most `flushMs` of clock time
// (null: until flush() is called, as the minute closer does each minute), or until
// `maxPending` readings wait.
// Readings whose time is known go packed, one block per sensor and minute (raw-block.ts,
// migration 8); a time-uncertain reading keeps a row of its own in raw_obs, because the time
// correction (gateway/time/correct.ts) rewrites it in place. Readers see both as one.
import type { Clock, Observation, QcFlag, Quantity, Timer } from '../../core/index.ts';
import type { Db } from './db.ts';
import { packBlocks, unpackBlock } from './raw-block.ts';

/**
 * A reading taken while the station's time was not known (gateway/time/): its monotonic
 * time and boot, and the flag QC gave it apart from the time. Stored with it (migration 7).
 */
export interface TimeUncertain { mono: number; boot: string; qcFlag: QcFlag }
export type RawObservation = Observation & { uncertain?: TimeUncertain };

const MINUTE_MS = 60_000;
const minuteOf = (t: number) => Math.floor(t / MINUTE_MS) * MINUTE_MS;

export interface RawWriterOptions { flushMs?: number | null; maxPending?: number }

export class RawWriter {
  protected pending: RawObservation[] = [];
  private timer: Timer | null = null;
  private readonly insertMany;
  written = 0;

  constructor(private readonly db: Db, private readonly clock: Clock, private readonly opts: RawWriterOptions = {}) {
    const insertRow = db.prepare('INSERT INTO raw_obs (ts, sensor, quantity, value, flag, reasons, mono, boot, qc_flag) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
    const insertBlock = db.prepare('INSERT INTO raw_blocks (t0, t1, sensor, n, data) VALUES (?, ?, ?, ?, ?)');
    this.insertMany = db.transaction((rows: RawObservation[]) => {
      const known = new Map<string, Observation[]>();
      for (const o of rows) {
        const u = o.uncertain;
        if (u) insertRow.run(o.ts, o.sensor, o.quantity, o.value, o.qc.flag, o.qc.reasons.join(','), u.mono, u.boot, u.qcFlag);
        else {
          const list = known.get(o.sensor);
          if (list) list.push(o);
          else known.set(o.sensor, [o]);
        }
      }
      for (const [sensor, list] of known) {
        for (const b of packBlocks(sensor, list)) insertBlock.run(b.t0, b.t1, sensor, b.n, b.data);
      }
    });
  }

  add(obs: RawObservation[]): void {
    this.pending.push(...obs);
    if (this.pending.length >= (this.opts.maxPending ?? 1000)) this.flush();
    else if (!this.timer && this.opts.flushMs !== null) this.timer = this.clock.after(this.opts.flushMs ?? 1000, () => this.flush());
  }

  /** Commit everything pending in one transaction. If it fails, the readings stay pending. */
  flush(): void {
    this.timer?.cancel();
    this.timer = null;
    if (!this.pending.length) return;
    const rows = this.pending;
    this.pending = [];
    try {
      this.insertMany(rows);
    } catch (err) {
      this.pending = rows.concat(this.pending);
      throw err;
    }
    this.written += rows.length;
  }

  /**
   * Write everything pending inside the caller's transaction (the minute commit: one commit a
   * minute for readings, minutes and bookkeeping). Returns what to call once that transaction
   * has committed: only then are the readings forgotten; a rollback keeps them pending.
   */
  writePendingIn(): () => void {
    const n = this.pending.length;
    if (!n) return () => {};
    this.insertMany(this.pending.slice(0, n));
    return () => {
      this.pending.splice(0, n);
      this.written += n;
      if (!this.pending.length) {
        this.timer?.cancel();
        this.timer = null;
      }
    };
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

/** Blocks that failed to decode (damaged on the card): skipped, counted here for the health report. */
export const damagedRawBlocks = { count: 0, last: null as string | null };

function unpack(sensor: string, row: { id: number; t0: number; data: Buffer }): Observation[] {
  try {
    return unpackBlock(sensor, row.t0, row.data);
  } catch (err) {
    damagedRawBlocks.count++;
    damagedRawBlocks.last = `raw block ${row.id} (${sensor}, ${new Date(row.t0).toISOString()}): ${(err as Error).message}`;
    return [];
  }
}

/** Readings of a sensor in [from, to) whose time is known (a time-uncertain reading belongs to no minute yet), oldest first. */
export function readRaw(db: Db, sensor: string, from: number, to: number): Observation[] {
  const rows = db.prepare('SELECT ts, sensor, quantity, value, flag, reasons FROM raw_obs WHERE sensor = ? AND ts >= ? AND ts < ? AND qc_flag IS NULL ORDER BY ts').all(sensor, from, to) as RawRow[];
  const blocks = db.prepare('SELECT id, t0, data FROM raw_blocks WHERE t0 >= ? AND t0 < ? AND sensor = ? ORDER BY t0, id').all(minuteOf(from), to, sensor) as Array<{ id: number; t0: number; data: Buffer }>;
  const out = rows.map(rowToObservation);
  for (const b of blocks) for (const o of unpack(sensor, b)) if (o.ts >= from && o.ts < to) out.push(o);
  // A stable sort: readings of the same instant keep the order they were taken in.
  return rows.length || blocks.length > 1 ? out.sort((a, b) => a.ts - b.ts) : out;
}

/** Starts of the minutes in [from, to) that hold readings of the sensor whose time is known. */
export function minutesWithReadings(db: Db, sensor: string, from: number, to: number): number[] {
  const rows = (db.prepare('SELECT DISTINCT (ts / 60000) * 60000 AS m FROM raw_obs WHERE sensor = ? AND ts >= ? AND ts < ? AND qc_flag IS NULL')
    .all(sensor, from, to) as Array<{ m: number }>).map((r) => r.m);
  // t0 bounded on both sides, so the t0 index reads the range only, not the whole history
  const blocks = (db.prepare('SELECT DISTINCT (t0 / 60000) * 60000 AS m FROM raw_blocks WHERE t0 >= ? AND t0 < ? AND t1 >= ? AND sensor = ?')
    .all(minuteOf(from), to, from, sensor) as Array<{ m: number }>).map((r) => r.m);
  return [...new Set([...rows, ...blocks])].sort((a, b) => a - b);
}

/**
 * The rain gauge's last counter before `before`, looking back at most `lookbackMs` (a day: a
 * gauge silent longer starts its count afresh): what a minute's rain is counted from. Blocks
 * are read newest first and the search stops at the first minute that has one, so a minute
 * costs one or two block decodes.
 */
export function lastRainCounter(db: Db, sensor: string, before: number, lookbackMs = 86_400_000): number | null {
  const Q = 'precipitation_amount_since_reset';
  let best = (db.prepare('SELECT ts, value FROM raw_obs WHERE sensor = ? AND quantity = ? AND ts < ? AND ts >= ? AND value IS NOT NULL AND qc_flag IS NULL ORDER BY ts DESC LIMIT 1')
    .get(sensor, Q, before, before - lookbackMs) as { ts: number; value: number } | undefined) ?? null;
  const blocks = db.prepare('SELECT id, t0, t1, data FROM raw_blocks WHERE t0 < ? AND t0 >= ? AND sensor = ? ORDER BY t0 DESC, id DESC')
    .iterate(before, before - lookbackMs, sensor) as IterableIterator<{ id: number; t0: number; t1: number; data: Buffer }>;
  for (const b of blocks) {
    // a block lies within one minute: one of an earlier minute than the best cannot beat it, nor can any after it
    if (best && minuteOf(b.t0) < minuteOf(best.ts)) break;
    if (best && b.t1 <= best.ts) continue;
    for (const o of unpack(sensor, b)) {
      if (o.quantity === Q && o.value !== null && o.ts < before && (!best || o.ts > best.ts)) best = { ts: o.ts, value: o.value };
    }
  }
  return best?.value ?? null;
}

/** Readings stored (packed and row by row), by sensor, taken in [since, until) (a block counts by its first reading). */
export function countRaw(db: Db, since = -Infinity, until = Infinity): Map<string, number> {
  const from = Number.isFinite(since) ? since : Number.MIN_SAFE_INTEGER;
  const to = Number.isFinite(until) ? until : Number.MAX_SAFE_INTEGER;
  const rows = db.prepare('SELECT sensor, count(*) AS n FROM raw_obs WHERE ts >= ? AND ts < ? GROUP BY sensor').all(from, to) as Array<{ sensor: string; n: number }>;
  const blocks = db.prepare('SELECT sensor, sum(n) AS n FROM raw_blocks WHERE t0 >= ? AND t0 < ? GROUP BY sensor').all(from, to) as Array<{ sensor: string; n: number }>;
  const out = new Map<string, number>();
  for (const r of [...rows, ...blocks]) out.set(r.sensor, (out.get(r.sensor) ?? 0) + r.n);
  return out;
}

/** Every reading stored, whose time is known or not (tests, diagnosis): raw_obs rows first, then the blocks. */
export function allRaw(db: Db): Observation[] {
  const rows = (db.prepare('SELECT ts, sensor, quantity, value, flag, reasons FROM raw_obs ORDER BY ts').all() as RawRow[]).map(rowToObservation);
  const blocks = db.prepare('SELECT id, t0, sensor, data FROM raw_blocks ORDER BY t0, id').all() as Array<{ id: number; t0: number; sensor: string; data: Buffer }>;
  return [...rows, ...blocks.flatMap((b) => unpack(b.sensor, b))];
}
