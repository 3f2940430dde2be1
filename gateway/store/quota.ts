// Disk budget of the station database. When the data in it passes the quota, rows go by
// priority until it is back under the low-water mark:
//   1. camera frames, oldest first (gateway/camera/frame-store.ts registers itself with
//      evictFirstWith: frame files and thumbnails go before any reading);
//   2. raw high-rate readings already aggregated (the newest hour is kept: the rain counter
//      of the next minute is read from it);
//   3. minute records the central system has acknowledged, oldest first;
//   4. unsent batches (the oldest backlog aggregates), oldest first.
// Each eviction is a row in `evictions` (reported in status, answered to the central
// system's gap requests) and a warning in the log. Nothing here throws at the caller: a
// station with a full disk must keep measuring.
import { closeSync, openSync, rmSync, writeSync } from 'node:fs';
import type { Clock } from '../../core/index.ts';
import { RateLimitedLog, type Logger } from '../log.ts';
import { isDiskFull } from './disk-full.ts';
import type { Db } from './db.ts';

export interface QuotaOptions {
  /** bytes of live data (SQLite pages in use) the store may hold */
  quotaBytes: number;
  /** evict down to this fraction of the quota, so eviction is not every minute. Default 0.9 */
  lowWater?: number;
  /** rows deleted per step before measuring again. Default 5000 */
  chunk?: number;
  clock: Clock;
  log: Logger;
  /** raw readings older than this (clock ms) are deleted, whatever the quota. Default: kept until evicted */
  rawRetentionMs?: number;
  /** false while the station's time is not known: a board clock running ahead must not expire anything. Default: known */
  timeKnown?: () => boolean;
  /**
   * A file of `reserveBytes` kept beside the database and deleted when the disk is full: in
   * WAL mode even a DELETE needs room to be written, so without it a full disk could not be
   * emptied. Re-made once eviction and a checkpoint have given the room back.
   */
  reservePath?: string;
  reserveBytes?: number;
  /** write what the outbox holds for the minute commit (acks) before unsent batches are chosen for eviction */
  beforeEvictingBatches?: () => void;
}

export interface Eviction {
  at: number;
  kind: 'raw' | 'records' | 'batches' | 'frames';
  n: number;
  from_ts: number | null;
  to_ts: number | null;
  first_seq: number | null;
  last_seq: number | null;
  reason: string;
}

export interface EvictionSummary { events: number; raw: number; records: number; batches: number; batchRecords: number; frames: number; last: Eviction | null }

/** Evicts the oldest of some data, at least `minBytes` of it (or all there is); null when there is none. */
export type FirstEvictor = (reason: string, minBytes: number) => Eviction | null;

/** On a full disk, what the first evictors give back at once (frame files: the disk gets room without touching readings). */
const DISK_FULL_FIRST_BYTES = 8 * 1024 * 1024;

const HOUR = 3_600_000;

export class StoreQuota {
  /** a full disk fails every write: its errors repeat, so they are rate-limited (one a minute, with the count held back) */
  private readonly limited: RateLimitedLog;
  private readonly first: FirstEvictor[] = [];

  private nextExpiry = -Infinity;

  constructor(private readonly db: Db, private readonly opts: QuotaOptions) {
    this.limited = new RateLimitedLog(opts.log, opts.clock);
    this.makeReserve();
  }

  private makeReserve(): boolean {
    const { reservePath, reserveBytes } = this.opts;
    if (!reservePath || !reserveBytes) return false;
    try {
      const fd = openSync(reservePath, 'w');
      try {
        // Real blocks, not a sparse file: the point is that the space is taken.
        const chunk = Buffer.alloc(64 * 1024, 0x5a);
        for (let done = 0; done < reserveBytes; done += chunk.length) writeSync(fd, chunk, 0, Math.min(chunk.length, reserveBytes - done));
      } finally {
        closeSync(fd);
      }
      return true;
    } catch (err) {
      rmSync(reservePath, { force: true });
      this.opts.log.error({ err: (err as Error).message, reservePath }, 'store: cannot make the disk reserve');
      return false;
    }
  }

  /** Data that goes before anything else of the station (camera frames, issue #8). */
  evictFirstWith(fn: FirstEvictor): void {
    this.first.push(fn);
  }

  /** Bytes of the pages that hold data (free pages are reused by SQLite, so they do not count). */
  usedBytes(): number {
    const p = (name: string) => this.db.pragma(name, { simple: true }) as number;
    return (p('page_count') - p('freelist_count')) * p('page_size');
  }

  /**
   * Evict until the store is under its low-water mark; returns what went. `limitBytes`
   * overrides the quota (a full disk: aim below what we have now).
   */
  enforce(reason = 'quota', limitBytes = this.opts.quotaBytes): Eviction[] {
    this.expireRaw();
    const out: Eviction[] = [];
    if (this.usedBytes() <= limitBytes) return out;
    const target = limitBytes * (this.opts.lowWater ?? 0.9);
    // Priority (issue #5): raw readings before aggregates, and nothing the central system has
    // not received before anything it has. So: raw older than the newest hour; minute records
    // already acknowledged (safe at the centre); then the newest hour's raw readings too (the
    // hour's σθ loses samples, but no record is lost); unsent batches only last, oldest first.
    const steps = [...this.first.map((f) => () => f(reason, Math.max(64 * 1024, this.usedBytes() - target))), () => this.evictRaw(reason, HOUR), () => this.evictAckedRecords(reason), () => this.evictRaw(reason, 0), () => this.evictBatches(reason)];
    for (const step of steps) {
      while (this.usedBytes() > target) {
        let e: Eviction | null;
        try {
          e = step();
        } catch (err) {
          // A full disk can refuse even a DELETE (its journal needs room): say so, try later.
          this.limited.error('quota:eviction-failed', { err: (err as Error).message, reason }, 'store: eviction failed');
          return out;
        }
        if (!e) break;
        out.push(e);
        this.opts.log.warn({ ...e }, `store: evicted ${e.n} ${e.kind} (${reason})`);
      }
    }
    if (this.usedBytes() > target) this.limited.error('quota:nothing-left', { used: this.usedBytes(), target }, 'store: over quota with nothing left to evict');
    return out;
  }

  /** A write failed with SQLITE_FULL / ENOSPC: free the reserve, evict below the size we are at now, give the room back to the disk. */
  onDiskFull(): Eviction[] {
    if (this.opts.reservePath) rmSync(this.opts.reservePath, { force: true });
    // Frames first: deleting frame files gives the disk room at once, and no reading need go.
    const firstOut = this.first.map((f) => this.tryEvict(() => f('disk full', DISK_FULL_FIRST_BYTES))).filter((e): e is Eviction => e !== null);
    if (firstOut.length) {
      for (const e of firstOut) this.opts.log.warn({ ...e }, `store: evicted ${e.n} ${e.kind} (disk full)`);
      this.checkpoint();
      if (this.opts.reservePath) this.makeReserve();
      return firstOut;
    }
    // The WAL holds the recent writes: move them into the database and cut the WAL back to
    // nothing (that gives back its whole size), evict, and once more for the eviction itself.
    this.checkpoint();
    const out = this.enforce('disk full', Math.floor(this.usedBytes() * 0.8));
    this.checkpoint();
    if (this.opts.reservePath) this.makeReserve();
    return out;
  }

  private tryEvict(fn: () => Eviction | null): Eviction | null {
    try {
      return fn();
    } catch (err) {
      this.limited.error('quota:first-eviction-failed', { err: (err as Error).message }, 'store: evicting frames failed');
      return null;
    }
  }

  private checkpoint(): void {
    try {
      this.db.pragma('wal_checkpoint(TRUNCATE)');
    } catch (err) {
      this.limited.error('quota:checkpoint', { err: (err as Error).message }, 'store: checkpoint on a full disk failed');
    }
  }

  summary(): EvictionSummary {
    const rows = this.db.prepare('SELECT kind, count(*) AS events, sum(n) AS n FROM evictions GROUP BY kind').all() as Array<{ kind: Eviction['kind']; events: number; n: number }>;
    const by = (k: Eviction['kind']) => rows.find((r) => r.kind === k);
    const last = (this.db.prepare('SELECT * FROM evictions ORDER BY rowid DESC LIMIT 1').get() as Eviction | undefined) ?? null;
    const batchRecords = Number(this.getState('evicted_batch_records') ?? 0);
    return { events: rows.reduce((s, r) => s + r.events, 0), raw: by('raw')?.n ?? 0, records: by('records')?.n ?? 0, batches: by('batches')?.n ?? 0, batchRecords, frames: by('frames')?.n ?? 0, last };
  }

  private getState(key: string): string | null {
    return (this.db.prepare('SELECT value FROM state WHERE key = ?').get(key) as { value: string } | undefined)?.value ?? null;
  }

  private log(e: Omit<Eviction, 'at' | 'reason'>, reason: string): Eviction {
    const ev: Eviction = { at: Math.round(this.opts.clock.now()), reason, ...e };
    this.db.prepare('INSERT INTO evictions (at, kind, first_seq, last_seq, from_ts, to_ts, n, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .run(ev.at, ev.kind, ev.first_seq, ev.last_seq, ev.from_ts, ev.to_ts, ev.n, ev.reason);
    return ev;
  }

  private chunk(): number {
    return this.opts.chunk ?? 5000;
  }

  /**
   * Raw readings older than the retention (storage.raw_retention_days) go, checked once an
   * hour. Not an eviction (the station's policy, not a full disk), so not in the log of
   * evictions. A time-uncertain reading stays whatever its (board clock) time says.
   */
  private expireRaw(): void {
    const keep = this.opts.rawRetentionMs;
    const now = this.opts.clock.now();
    if (!keep || now < this.nextExpiry || this.opts.timeKnown?.() === false) return;
    this.nextExpiry = now + HOUR;
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM raw_blocks WHERE t0 < ?').run(now - keep);
      this.db.prepare('DELETE FROM raw_obs WHERE ts < ? AND qc_flag IS NULL').run(now - keep);
    })();
  }

  /** Oldest raw readings that are aggregated already, keeping the last `keepMs` before the last aggregated minute. */
  private evictRaw(reason: string, keepMs: number): Eviction | null {
    const agg = this.db.prepare("SELECT min(CAST(value AS INTEGER)) AS t FROM state WHERE key LIKE 'aggregated:%'").get() as { t: number | null };
    if (agg.t === null) return null;
    // `aggregated:` holds the start of the last aggregated minute: its readings are aggregated too.
    const before = keepMs ? agg.t - keepMs : agg.t + 60_000;
    return this.db.transaction(() => {
      // Rows of older versions (and time-corrected ones) first, then the packed blocks: about
      // `chunk` readings, whole blocks (a block holds one minute, so `before` never splits one).
      const span = this.db.prepare('SELECT min(ts) AS a, max(ts) AS b, count(*) AS n FROM (SELECT ts FROM raw_obs WHERE ts < ? ORDER BY ts LIMIT ?)').get(before, this.chunk()) as { a: number | null; b: number | null; n: number };
      if (span.n) {
        this.db.prepare('DELETE FROM raw_obs WHERE rowid IN (SELECT rowid FROM raw_obs WHERE ts < ? ORDER BY ts LIMIT ?)').run(before, this.chunk());
        return this.log({ kind: 'raw', n: span.n, from_ts: span.a, to_ts: span.b, first_seq: null, last_seq: null }, reason);
      }
      const blocks = this.db.prepare('SELECT id, t0, t1, n FROM raw_blocks WHERE t0 < ? ORDER BY t0').iterate(before) as IterableIterator<{ id: number; t0: number; t1: number; n: number }>;
      const go: Array<{ id: number; t0: number; t1: number; n: number }> = [];
      let n = 0;
      for (const b of blocks) {
        go.push(b);
        if ((n += b.n) >= this.chunk()) break;
      }
      if (!go.length) return null;
      const del = this.db.prepare('DELETE FROM raw_blocks WHERE id = ?');
      for (const b of go) del.run(b.id);
      return this.log({ kind: 'raw', n, from_ts: go[0]!.t0, to_ts: Math.max(...go.map((b) => b.t1)), first_seq: null, last_seq: null }, reason);
    })();
  }

  /** Oldest minute records whose batch the central system has acknowledged. */
  private evictAckedRecords(reason: string): Eviction | null {
    const pick = 'SELECT sensor, ts FROM minute_records WHERE seq IS NULL OR seq NOT IN (SELECT seq FROM outbox) ORDER BY ts LIMIT ?';
    return this.db.transaction(() => {
      const span = this.db.prepare(`SELECT min(ts) AS a, max(ts) AS b, count(*) AS n FROM (${pick})`).get(this.chunk()) as { a: number | null; b: number | null; n: number };
      if (!span.n) return null;
      this.db.prepare(`DELETE FROM minute_records WHERE (sensor, ts) IN (${pick})`).run(this.chunk());
      return this.log({ kind: 'records', n: span.n, from_ts: span.a, to_ts: span.b, first_seq: null, last_seq: null }, reason);
    })();
  }

  /** Oldest unsent batches and their records: the backlog the link could not carry in time. */
  private evictBatches(reason: string): Eviction | null {
    const n = Math.max(1, Math.floor(this.chunk() / 60));
    try {
      this.opts.beforeEvictingBatches?.();
    } catch (err) {
      // on a full disk even that needs room: evict anyway (an acked batch then counts as evicted, and is sent no more)
      if (!isDiskFull(err)) throw err;
    }
    return this.db.transaction(() => {
      const rows = this.db.prepare('SELECT seq, n_records FROM outbox ORDER BY seq LIMIT ?').all(n) as Array<{ seq: number; n_records: number }>;
      // Keep the newest batch: it is what the forecaster needs next.
      const total = (this.db.prepare('SELECT count(*) AS c FROM outbox').get() as { c: number }).c;
      const go = rows.slice(0, Math.min(rows.length, total - 1));
      if (!go.length) return null;
      const first = go[0]!.seq;
      const last = go[go.length - 1]!.seq;
      const span = this.db.prepare('SELECT min(ts) AS a, max(ts) AS b FROM minute_records WHERE seq BETWEEN ? AND ?').get(first, last) as { a: number | null; b: number | null };
      const delRecords = this.db.prepare('DELETE FROM minute_records WHERE seq = ?');
      const delBatch = this.db.prepare('DELETE FROM outbox WHERE seq = ?');
      for (const r of go) { delRecords.run(r.seq); delBatch.run(r.seq); }
      const records = go.reduce((s, r) => s + r.n_records, 0);
      this.db.prepare("INSERT INTO state (key, value) VALUES ('evicted_batch_records', ?) ON CONFLICT(key) DO UPDATE SET value = CAST(value AS INTEGER) + excluded.value").run(records);
      return this.log({ kind: 'batches', n: go.length, from_ts: span.a, to_ts: span.b, first_seq: first, last_seq: last }, reason);
    })();
  }
}
