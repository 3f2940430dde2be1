// Camera frames on disk under a quota (issue #8). Each JPEG is a file beside the database,
// <dir>/<camera>/<ts>.jpg, written atomically (temp file, fsync, rename, fsync of the folder):
// a power cut leaves the previous state or the whole new file, never half a picture. Its
// metadata, thumbnail and sky features are one row of `frames` (migration 5), written after
// the file: a row always names a complete file; a file without a row (power cut between the
// two, or between deleting a row and its file) is swept at the next start.
//
// Frames are the station's least precious data: over `quotaBytes` (files + thumbnails) the
// oldest go until 90 % of it is left, and the station's StoreQuota evicts them before any
// reading (evictFirstWith), on a full disk too. Every eviction is a row of `evictions`
// (kind 'frames'). A frame that cannot be written even then is dropped, counted and logged:
// a camera never stops the station.
//
// The card's wear (issue #10: the station's writes ≤ 50 MB a day): a full frame is a file of
// 30–40 kB (the simulated camera; a 1080p camera's are ten times that) plus its inode and
// directory entry. At the usual interval that is a few MB a day; severe weather's snapshot
// every 2 minutes made it 25–50 MB. So `dailyBytes` (cameras.frames_mb_per_day) bounds the
// full frames written in any 24 hours; a snapshot past it keeps its row — thumbnail and sky
// features, sent as usual — but no file (path ''). The camera hub passes `keep` for the frames
// that must have their file whatever the budget: one per camera per usual interval, and one
// the centre asked for.
import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { Clock } from '../../core/index.ts';
import { RateLimitedLog, type Logger } from '../log.ts';
import type { Db } from '../store/db.ts';
import { isDiskFull } from '../store/disk-full.ts';
import { MIGRATIONS } from '../store/migrations.ts';
import type { Eviction } from '../store/quota.ts';

const DAY_MS = 86_400_000;

export interface FrameStoreOptions {
  /** the frames folder (default in the gateway: frames/ beside the database) */
  dir: string;
  /** bytes of frame files and thumbnails kept at most (cameras.frames_quota_mb) */
  quotaBytes: number;
  clock: Clock;
  log: Logger;
  /** evict down to this share of the quota. Default 0.9 */
  lowWater?: number;
  /** the station's camera ids: the start-up sweep looks only in their folders (and those the table names) */
  cameras?: string[];
  /** full-frame bytes written in any 24 hours at most, beyond frames saved with `keep` (cameras.frames_mb_per_day); unset: no bound */
  dailyBytes?: number;
}

export interface NewFrame {
  camera: string;
  ts: number;
  jpeg: Buffer;
  width: number | null;
  height: number | null;
  thumb: Buffer | null;
  features: Record<string, unknown> | null;
  error?: string | null;
}

export interface StoredFrame {
  id: number;
  camera: string;
  ts: number;
  /** the JPEG, relative to the frames folder; '' when the full frame was not kept (daily budget) */
  path: string;
  bytes: number;
  width: number | null;
  height: number | null;
  features: Record<string, unknown> | null;
  error: string | null;
  thumb_sent: number | null;
  full_asked: number | null;
  full_sent: number | null;
}

interface Row extends Omit<StoredFrame, 'features'> { features: string | null }

const COLUMNS = 'id, camera, ts, path, bytes, width, height, features, error, thumb_sent, full_asked, full_sent';
const toFrame = (r: Row): StoredFrame => ({ ...r, features: r.features ? (JSON.parse(r.features) as Record<string, unknown>) : null });

type SentMark = 'thumb_sent' | 'full_sent';

export class FrameStore {
  private readonly limited: RateLimitedLog;
  /** frames written, dropped because the disk had no room even after eviction, and kept without their full frame (daily budget) */
  readonly stats = { written: 0, dropped: 0, evicted: 0, notKept: 0 };
  /** sent marks waiting for the minute commit (holdMarks), by frame id */
  private held: Map<number, Partial<Record<SentMark, number>>> | null = null;

  constructor(private readonly db: Db, private readonly opts: FrameStoreOptions) {
    this.limited = new RateLimitedLog(opts.log, opts.clock);
    // A database made while slot 5 was still reserved has no frames table: its SQL is idempotent.
    if (!db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'frames'").get()) db.exec(MIGRATIONS[4]!);
    mkdirSync(opts.dir, { recursive: true });
    this.sweep();
  }

  get dir(): string {
    return this.opts.dir;
  }

  /** Bytes the frames hold: their files and their thumbnails. */
  usedBytes(): number {
    return (this.db.prepare('SELECT coalesce(sum(bytes + coalesce(length(thumb), 0)), 0) AS b FROM frames').get() as { b: number }).b;
  }

  count(): number {
    return (this.db.prepare('SELECT count(*) AS n FROM frames').get() as { n: number }).n;
  }

  /** Full-frame bytes the daily budget has left at `ts` (the frames taken in the 24 hours before it count); Infinity without a budget. */
  dayBudgetLeft(ts: number): number {
    if (this.opts.dailyBytes === undefined) return Infinity;
    const used = (this.db.prepare('SELECT coalesce(sum(bytes), 0) AS b FROM frames WHERE ts > ? AND ts <= ?').get(Math.round(ts) - DAY_MS, Math.round(ts)) as { b: number }).b;
    return this.opts.dailyBytes - used;
  }

  /**
   * Store one frame; null when even eviction could not make room (the frame is dropped, counted).
   * Without `keep`, a frame past the daily budget keeps its row but not its full frame.
   */
  save(f: NewFrame, opts: { keep?: boolean } = {}): StoredFrame | null {
    if (!/^[A-Za-z0-9_-]+$/.test(f.camera)) throw new RangeError(`frame store: camera id "${f.camera}" must be letters, digits, _ and - (it names a folder)`);
    if (!opts.keep) {
      const left = this.dayBudgetLeft(f.ts);
      if (f.jpeg.length > left) {
        this.insertRow('', 0, f);
        this.stats.notKept++;
        this.limited.warn('frames:budget', { camera: f.camera, ts: f.ts, budgetLeftBytes: left, budgetBytes: this.opts.dailyBytes, notKept: this.stats.notKept },
          'frames: the daily write budget for full frames is spent (cameras.frames_mb_per_day); extra snapshots keep their thumbnail and sky features only');
        return this.nearest(f.camera, f.ts);
      }
    }
    const rel = join(f.camera, `${Math.round(f.ts)}.jpg`);
    try {
      this.write(rel, f);
    } catch (err) {
      if (!isDiskFull(err)) throw err;
      // Our own oldest frames make the room (at least four of this size), then once more.
      let e: Eviction | null = null;
      try {
        e = this.evictOldest('disk full', 4 * f.jpeg.length);
      } catch (evictErr) {
        this.limited.error('frames:evict-failed', { err: (evictErr as Error).message }, 'frames: could not evict on a full disk');
      }
      try {
        this.write(rel, f);
      } catch (again) {
        if (!isDiskFull(again)) throw again;
        this.stats.dropped++;
        this.limited.error('frames:dropped', { camera: f.camera, ts: f.ts, evicted: e?.n ?? 0, dropped: this.stats.dropped }, 'frames: disk full even after evicting frames; this frame is dropped');
        return null;
      }
    }
    this.stats.written++;
    this.enforce();
    return this.nearest(f.camera, f.ts);
  }

  private write(rel: string, f: NewFrame): void {
    const full = join(this.opts.dir, rel);
    const folder = join(this.opts.dir, f.camera);
    mkdirSync(folder, { recursive: true });
    const tmp = `${full}.tmp`;
    try {
      const fd = openSync(tmp, 'w');
      try {
        writeSync(fd, f.jpeg);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(tmp, full);
      const dfd = openSync(folder, 'r');
      try {
        fsyncSync(dfd);
      } finally {
        closeSync(dfd);
      }
    } catch (err) {
      rmSync(tmp, { force: true });
      throw err;
    }
    this.insertRow(rel, f.jpeg.length, f);
  }

  private insertRow(rel: string, bytes: number, f: NewFrame): void {
    this.db.prepare(`INSERT INTO frames (camera, ts, path, bytes, width, height, thumb, features, error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (camera, ts) DO UPDATE SET path = excluded.path, bytes = excluded.bytes, width = excluded.width, height = excluded.height,
        thumb = excluded.thumb, features = excluded.features, error = excluded.error, thumb_sent = NULL, full_sent = NULL`)
      .run(f.camera, Math.round(f.ts), rel, bytes, f.width, f.height, f.thumb, f.features ? JSON.stringify(f.features) : null, f.error ?? null);
  }

  /** Over the quota: the oldest frames go until the low-water mark. */
  enforce(reason = 'frames quota'): Eviction[] {
    const out: Eviction[] = [];
    const used = this.usedBytes();
    if (used <= this.opts.quotaBytes) return out;
    const e = this.evictOldest(reason, used - this.opts.quotaBytes * (this.opts.lowWater ?? 0.9));
    if (e) out.push(e);
    return out;
  }

  /**
   * Delete the oldest frames, at least `minBytes` of them (or all): rows first, in one
   * transaction with the eviction record, then the files (a file left by a power cut here
   * has no row and is swept at the next start).
   */
  evictOldest(reason: string, minBytes: number): Eviction | null {
    const rows = this.db.prepare('SELECT id, ts, path, bytes + coalesce(length(thumb), 0) AS size FROM frames ORDER BY ts, id').iterate() as IterableIterator<{ id: number; ts: number; path: string; size: number }>;
    const pick: Array<{ id: number; ts: number; path: string }> = [];
    let freed = 0;
    for (const r of rows) {
      pick.push(r);
      freed += r.size;
      if (freed >= minBytes) break;
    }
    if (!pick.length) return null;
    const ev: Eviction = { at: Math.round(this.opts.clock.now()), kind: 'frames', n: pick.length, from_ts: pick[0]!.ts, to_ts: pick[pick.length - 1]!.ts, first_seq: null, last_seq: null, reason };
    this.db.transaction(() => {
      const del = this.db.prepare('DELETE FROM frames WHERE id = ?');
      for (const r of pick) del.run(r.id);
      this.db.prepare('INSERT INTO evictions (at, kind, first_seq, last_seq, from_ts, to_ts, n, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
        .run(ev.at, ev.kind, ev.first_seq, ev.last_seq, ev.from_ts, ev.to_ts, ev.n, ev.reason);
    })();
    for (const r of pick) if (r.path) rmSync(join(this.opts.dir, r.path), { force: true });
    this.stats.evicted += pick.length;
    this.opts.log.warn({ ...ev, bytes: freed }, `frames: evicted ${pick.length} oldest (${reason})`);
    return ev;
  }

  /** Remove temp files and files no row names (left by a power cut); a row whose file is gone is dropped too. */
  private sweep(): void {
    const known = new Set((this.db.prepare("SELECT path FROM frames WHERE path <> ''").all() as Array<{ path: string }>).map((r) => r.path));
    // Only our own files: <camera>/<ts>.jpg(.tmp) of cameras we know, whatever else shares the folder.
    const cams = new Set([...(this.opts.cameras ?? []), ...(this.db.prepare('SELECT DISTINCT camera FROM frames').all() as Array<{ camera: string }>).map((r) => r.camera)]);
    let removed = 0;
    for (const cam of cams) {
      let files: string[];
      try {
        files = readdirSync(join(this.opts.dir, cam));
      } catch {
        continue; // no folder yet
      }
      for (const file of files) {
        if (!/^\d+\.jpg(\.tmp)?$/.test(file)) continue;
        const rel = join(cam, file);
        if (known.has(rel)) {
          known.delete(rel);
          continue;
        }
        rmSync(join(this.opts.dir, rel), { force: true });
        removed++;
      }
    }
    if (known.size) {
      const del = this.db.prepare('DELETE FROM frames WHERE path = ?');
      this.db.transaction(() => { for (const p of known) del.run(p); })();
    }
    if (removed || known.size) this.opts.log.warn({ filesRemoved: removed, rowsWithoutFile: known.size }, 'frames: swept what a power cut left half-done');
  }

  /** The stored frame of `camera` nearest to `ts` (the newest without ts); null when it has none. `withFile`: only frames whose full frame was kept. */
  nearest(camera: string, ts?: number, withFile = false): StoredFrame | null {
    const where = `camera = ?${withFile ? " AND path <> ''" : ''}`;
    const r = (ts === undefined
      ? this.db.prepare(`SELECT ${COLUMNS} FROM frames WHERE ${where} ORDER BY ts DESC LIMIT 1`).get(camera)
      : this.db.prepare(`SELECT ${COLUMNS} FROM frames WHERE ${where} ORDER BY abs(ts - ?), ts DESC LIMIT 1`).get(camera, ts)) as Row | undefined;
    return r ? this.withHeld(toFrame(r)) : null;
  }

  byId(id: number): StoredFrame | null {
    const r = this.db.prepare(`SELECT ${COLUMNS} FROM frames WHERE id = ?`).get(id) as Row | undefined;
    return r ? this.withHeld(toFrame(r)) : null;
  }

  readJpeg(f: StoredFrame): Buffer {
    if (!f.path) throw new Error('its full frame was not kept (cameras.frames_mb_per_day spent); its thumbnail was');
    return readFileSync(join(this.opts.dir, f.path));
  }

  thumb(id: number): Buffer | null {
    return (this.db.prepare('SELECT thumb FROM frames WHERE id = ?').get(id) as { thumb: Buffer | null } | undefined)?.thumb ?? null;
  }

  /** Thumbnails not yet sent, newest first (the sky now matters more than the sky of yesterday). */
  unsentThumbs(limit: number): StoredFrame[] {
    const rows = this.db.prepare(`SELECT ${COLUMNS} FROM frames WHERE thumb_sent IS NULL AND thumb IS NOT NULL ORDER BY ts DESC LIMIT ?`).all(limit + (this.held?.size ?? 0)) as Row[];
    return rows.map((r) => this.withHeld(toFrame(r))).filter((f) => f.thumb_sent === null).slice(0, limit);
  }

  /** Full frames the centre asked for and has not had yet, oldest request first. */
  askedFulls(): StoredFrame[] {
    return (this.db.prepare(`SELECT ${COLUMNS} FROM frames WHERE full_asked IS NOT NULL AND full_sent IS NULL ORDER BY full_asked`).all() as Row[])
      .map((r) => this.withHeld(toFrame(r))).filter((f) => f.full_sent === null);
  }

  /**
   * From now on, a sent mark (a PUBACK) waits in memory for the station's minute commit
   * (MinuteCloser.alsoWriteIn) instead of a commit of its own: each was a second commit per
   * frame, ~12 kB of the card's writes (docs/decisions.md, "SD card writes"). A power cut loses
   * the marks held: those images go again, and the receiver stores them once.
   */
  holdMarks(): this {
    this.held ??= new Map();
    return this;
  }

  /** Write the held marks inside the caller's transaction; returns what to call once it has committed. */
  writeLaterIn(): () => void {
    if (!this.held?.size) return () => {};
    const held = [...this.held];
    const stmt = { thumb_sent: this.db.prepare('UPDATE frames SET thumb_sent = ? WHERE id = ?'), full_sent: this.db.prepare('UPDATE frames SET full_sent = ? WHERE id = ?') };
    for (const [id, marks] of held) for (const [what, at] of Object.entries(marks) as Array<[SentMark, number]>) stmt[what].run(at, id);
    return () => {
      for (const [id, marks] of held) if (this.held?.get(id) === marks) this.held.delete(id);
    };
  }

  /** Write the held marks now, in a transaction of their own (on stop). */
  writeLater(): void {
    if (this.held?.size) this.db.transaction(() => this.writeLaterIn())()();
  }

  /** A row as read, with the marks still held applied. */
  private withHeld(f: StoredFrame): StoredFrame {
    const h = this.held?.get(f.id);
    return h ? { ...f, ...h } : f;
  }

  /** Set a sent/asked time (null clears it). */
  mark(id: number, what: 'thumb_sent' | 'full_asked' | 'full_sent', at: number | null): void {
    if (this.held && at !== null && what !== 'full_asked') {
      this.held.set(id, { ...this.held.get(id), [what]: Math.round(at) });
      return;
    }
    if (what === 'full_asked' && this.held?.get(id)?.full_sent !== undefined) {
      // asked again: the full frame sent before must not mark this request as answered
      const { full_sent: _, ...rest } = this.held.get(id)!;
      this.held.set(id, rest);
    }
    this.db.prepare(`UPDATE frames SET ${what} = ? WHERE id = ?`).run(at === null ? null : Math.round(at), id);
  }

  summary(): { frames: number; bytes: number; quotaBytes: number; thumbsSent: number; thumbsUnsent: number; fullsSent: number; written: number; dropped: number; evicted: number; notKept: number } {
    const r = this.db.prepare('SELECT count(*) AS n, count(thumb_sent) AS ts, sum(thumb IS NOT NULL AND thumb_sent IS NULL) AS tu, count(full_sent) AS fs FROM frames').get() as { n: number; ts: number; tu: number | null; fs: number };
    // marks held for the minute commit count as sent (a frame evicted meanwhile may make them count one too many)
    const held = [...(this.held?.values() ?? [])];
    const thumbs = held.filter((h) => h.thumb_sent !== undefined).length;
    const fulls = held.filter((h) => h.full_sent !== undefined).length;
    return { frames: r.n, bytes: this.usedBytes(), quotaBytes: this.opts.quotaBytes, thumbsSent: r.ts + thumbs, thumbsUnsent: Math.max(0, (r.tu ?? 0) - thumbs), fullsSent: r.fs + fulls, ...this.stats };
  }
}
