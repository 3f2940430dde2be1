// Frames on disk under a quota, on a real SQLite file and a real folder: atomic files,
// oldest-first eviction recorded in `evictions`, frames before anything else of the store,
// and a sweep of what a power cut left half-done.
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock, qc, type Observation } from '../../core/index.ts';
import { skyJpeg, renderSky } from '../../hw-sim/weather/sky.ts';
import { createLogger } from '../log.ts';
import { openDatabase, Outbox, RawWriter } from '../store/index.ts';
import { StoreQuota } from '../store/quota.ts';
import { countRaw } from '../store/raw.ts';
import { FrameStore, type NewFrame } from './frame-store.ts';
import { makeThumbnail, thumbSize } from './thumbnail.ts';
import { decodeFrame } from './sky-features.ts';

const T0 = Date.UTC(2026, 6, 1, 3);
const log = createLogger({ level: 'silent' });
const JPEG = skyJpeg({ sun_elevation: 50, cloud_fraction: 0.3, rainfall_rate: 0, visibility_m: 30_000, lens: 'clear' }, { width: 320, height: 240 });

const made: Array<{ base: string; db: ReturnType<typeof openDatabase> }> = [];
afterEach(() => {
  for (const m of made.splice(0)) {
    m.db.close();
    rmSync(m.base, { recursive: true, force: true });
  }
});

function rig(quotaBytes: number, dailyBytes?: number) {
  const base = mkdtempSync(join(tmpdir(), 'bonin-frames-'));
  const db = openDatabase(join(base, 'station.db'));
  const clock = new ManualClock(T0);
  const dir = join(base, 'frames');
  const store = new FrameStore(db, { dir, quotaBytes, clock, log, dailyBytes });
  made.push({ base, db });
  return { base, db, clock, dir, store };
}
const frame = (camera: string, i: number): NewFrame => ({ camera, ts: T0 + i * 600_000, jpeg: JPEG, width: 320, height: 240, thumb: Buffer.alloc(1000, i), features: { cloud_fraction: 0.3 } });

describe('frame store', () => {
  it('holds sent marks for the minute commit: read as sent at once, written only by writeLaterIn, forgotten once committed', () => {
    const r = rig(10 * 1024 * 1024);
    const a = r.store.save(frame('cam1', 0))!;
    const b = r.store.save(frame('cam1', 1))!;
    r.store.holdMarks();
    r.store.mark(a.id, 'thumb_sent', T0 + 5);
    r.store.mark(b.id, 'full_asked', T0 + 6);
    r.store.mark(b.id, 'full_sent', T0 + 7);
    const inFile = () => r.db.prepare('SELECT id, thumb_sent, full_asked, full_sent FROM frames ORDER BY id').all();
    expect(inFile()).toEqual([{ id: a.id, thumb_sent: null, full_asked: null, full_sent: null }, { id: b.id, thumb_sent: null, full_asked: T0 + 6, full_sent: null }]);
    expect(r.store.unsentThumbs(10).map((f) => f.id)).toEqual([b.id]);
    expect(r.store.askedFulls()).toEqual([]);
    expect(r.store.byId(a.id)!.thumb_sent).toBe(T0 + 5);
    expect(r.store.summary()).toMatchObject({ thumbsSent: 1, thumbsUnsent: 1, fullsSent: 1 });
    // asked again before the commit: the earlier full frame does not answer the new request
    r.store.mark(b.id, 'full_asked', T0 + 8);
    expect(r.store.askedFulls().map((f) => f.id)).toEqual([b.id]);
    // a rolled-back commit keeps them held; a committed one writes them and forgets them
    r.db.exec('BEGIN');
    r.store.writeLaterIn();
    r.db.exec('ROLLBACK');
    expect(r.store.byId(a.id)!.thumb_sent).toBe(T0 + 5);
    const done = r.db.transaction(() => r.store.writeLaterIn())();
    r.store.mark(b.id, 'thumb_sent', T0 + 9); // arrives between the commit and its callback: stays held
    done();
    expect(inFile()).toEqual([{ id: a.id, thumb_sent: T0 + 5, full_asked: null, full_sent: null }, { id: b.id, thumb_sent: null, full_asked: T0 + 8, full_sent: null }]);
    r.store.writeLater();
    expect(inFile()[1]).toEqual({ id: b.id, thumb_sent: T0 + 9, full_asked: T0 + 8, full_sent: null });
  });

  it('past the daily write budget a frame keeps its row (thumbnail, features) but no file, unless kept; the budget is a sliding 24 hours', () => {
    const r = rig(100 * 1024 * 1024, 2.5 * JPEG.length);
    const at = (i: number, min: number): NewFrame => ({ ...frame('cam1', 0), ts: T0 + min * 60_000, thumb: Buffer.alloc(1000, i) });
    expect(r.store.save(at(0, 0))!.path).not.toBe('');
    expect(r.store.save(at(1, 2))!.path).not.toBe('');
    const over = r.store.save(at(2, 4))!;
    expect(over).toMatchObject({ ts: T0 + 4 * 60_000, path: '', bytes: 0, features: { cloud_fraction: 0.3 } });
    expect(r.store.thumb(over.id)!.equals(Buffer.alloc(1000, 2))).toBe(true);
    expect(r.store.unsentThumbs(10).map((f) => f.ts)).toContain(over.ts);
    expect(() => r.store.readJpeg(over)).toThrow(/not kept \(cameras\.frames_mb_per_day/);
    expect(readdirSync(join(r.dir, 'cam1'))).toHaveLength(2);
    expect(r.store.summary()).toMatchObject({ frames: 3, written: 2, notKept: 1 });
    // kept whatever the budget (the usual interval, the centre's frame)
    expect(r.store.save(at(3, 6), { keep: true })!.path).toBe(join('cam1', `${T0 + 6 * 60_000}.jpg`));
    // the nearest frame with its file, for the frame command
    expect(r.store.nearest('cam1', T0 + 4 * 60_000, true)!.path).not.toBe('');
    // a day after the first two, their bytes leave the window
    expect(r.store.save(at(4, 24 * 60 + 3))!.path).not.toBe('');
    // eviction and the start-up sweep leave a row without a file alone and the folder in place
    const reopened = new FrameStore(r.db, { dir: r.dir, quotaBytes: 100 * 1024 * 1024, clock: r.clock, log });
    expect(reopened.count()).toBe(5);
    expect(reopened.evictOldest('test', 2 * JPEG.length + 2500)!.n).toBe(3); // the two first and the one without a file
    expect(readdirSync(join(r.dir, 'cam1'))).toHaveLength(2);
  });

  it('writes each JPEG whole as <camera>/<ts>.jpg with its row, and leaves no temp file', () => {
    const r = rig(10 * 1024 * 1024);
    const f = r.store.save(frame('cam1', 0))!;
    expect(f).toMatchObject({ camera: 'cam1', ts: T0, path: join('cam1', `${T0}.jpg`), bytes: JPEG.length, width: 320, height: 240, features: { cloud_fraction: 0.3 }, thumb_sent: null });
    expect(r.store.readJpeg(f).equals(JPEG)).toBe(true);
    expect(readdirSync(join(r.dir, 'cam1'))).toEqual([`${T0}.jpg`]);
    expect(r.store.usedBytes()).toBe(JPEG.length + 1000);
    expect(() => r.store.save({ ...frame('cam1', 1), camera: '../etc' })).toThrow(/camera id/);
  });

  it('keeps under its quota by evicting the oldest frames first, each eviction recorded', () => {
    const per = JPEG.length + 1000;
    const r = rig(10 * per);
    for (let i = 0; i < 30; i++) r.store.save(frame(i % 2 ? 'cam2' : 'cam1', i));
    expect(r.store.usedBytes()).toBeLessThanOrEqual(10 * per);
    const left = (r.db.prepare('SELECT ts FROM frames ORDER BY ts').all() as Array<{ ts: number }>).map((x) => x.ts);
    // What is left is the newest frames, contiguous up to the last one.
    expect(left[left.length - 1]).toBe(T0 + 29 * 600_000);
    expect(left).toEqual(Array.from({ length: left.length }, (_, k) => T0 + (30 - left.length + k) * 600_000));
    const ev = r.db.prepare("SELECT sum(n) AS n, min(from_ts) AS a, max(to_ts) AS b FROM evictions WHERE kind = 'frames'").get() as { n: number; a: number; b: number };
    expect(ev.n).toBe(30 - left.length);
    expect(ev.a).toBe(T0);
    expect(ev.b).toBeLessThan(left[0]!);
    // Their files are gone too.
    const files = [...readdirSync(join(r.dir, 'cam1')), ...readdirSync(join(r.dir, 'cam2'))];
    expect(files.length).toBe(left.length);
  });

  it('sweeps files without a row and rows without a file at start (a power cut between the two)', () => {
    const r = rig(10 * 1024 * 1024);
    r.store.save(frame('cam1', 0));
    const gone = r.store.save(frame('cam1', 1))!;
    writeFileSync(join(r.dir, 'cam1', `${T0 + 5}.jpg`), JPEG); // renamed, row never written
    writeFileSync(join(r.dir, 'cam1', `${T0 + 6}.jpg.tmp`), JPEG.subarray(0, 100)); // torn temp file
    rmSync(join(r.dir, gone.path));
    writeFileSync(join(r.dir, 'cam1', 'notes.txt'), 'a technician\'s file'); // not ours: left alone
    const again = new FrameStore(r.db, { dir: r.dir, quotaBytes: 10 * 1024 * 1024, clock: r.clock, log, cameras: ['cam1', 'cam2'] });
    expect(readdirSync(join(r.dir, 'cam1')).sort()).toEqual([`${T0}.jpg`, 'notes.txt']);
    expect(again.count()).toBe(1);
  });

  it('finds the frame nearest a time, and lists unsent thumbnails newest first', () => {
    const r = rig(10 * 1024 * 1024);
    for (let i = 0; i < 5; i++) r.store.save(frame('cam1', i));
    expect(r.store.nearest('cam1', T0 + 2 * 600_000 + 200_000)!.ts).toBe(T0 + 2 * 600_000);
    expect(r.store.nearest('cam1')!.ts).toBe(T0 + 4 * 600_000);
    expect(r.store.nearest('nope')).toBeNull();
    const f = r.store.nearest('cam1')!;
    r.store.mark(f.id, 'thumb_sent', T0);
    expect(r.store.unsentThumbs(10).map((x) => x.ts)).toEqual([3, 2, 1, 0].map((i) => T0 + i * 600_000));
    expect(r.store.summary()).toMatchObject({ frames: 5, thumbsSent: 1, thumbsUnsent: 4 });
  });

  it('goes before any reading when the station store is over its quota or the disk is full', () => {
    const r = rig(100 * 1024 * 1024);
    const outbox = new Outbox(r.db, 'STN');
    const raw = new RawWriter(r.db, r.clock, { maxPending: 100_000 });
    for (let i = 0; i < 120; i++) {
      raw.add(Array.from({ length: 60 }, (_, s): Observation => ({ ts: T0 + i * 60_000 + s * 1000, sensor: 'wxt', quantity: 'wind_speed', value: 3, qc: qc('good') })));
      outbox.commitMinutes([{ ts: T0 + i * 60_000, sensor: 'wxt', values: { wind_speed: { v: 3, f: 'good', n: 60 } } }], T0 + (i + 1) * 60_000);
    }
    raw.flush();
    for (let i = 0; i < 20; i++) r.store.save({ ...frame('cam1', i), thumb: Buffer.alloc(20_000, 1) });
    const quota = new StoreQuota(r.db, { quotaBytes: Infinity, clock: r.clock, log });
    quota.evictFirstWith((reason, minBytes) => r.store.evictOldest(reason, minBytes));
    const rawBefore = [...countRaw(r.db).values()].reduce((a, b) => a + b, 0);
    // A quota a little under what is stored: the thumbnails' 400 kB are enough, no raw reading goes.
    quota.enforce('quota', quota.usedBytes() - 100_000);
    expect(r.store.count()).toBeLessThan(20);
    expect(r.store.count()).toBeGreaterThan(0);
    expect([...countRaw(r.db).values()].reduce((a, b) => a + b, 0)).toBe(rawBefore);
    // A full disk: frames go (8 MB worth, here all of them) and nothing else.
    const ev = quota.onDiskFull();
    expect(ev.map((e) => e.kind)).toEqual(['frames']);
    expect(r.store.count()).toBe(0);
    expect([...countRaw(r.db).values()].reduce((a, b) => a + b, 0)).toBe(rawBefore);
    expect(quota.summary().frames).toBe(20);
    expect(r.store.stats.evicted).toBe(20);
    expect(existsSync(join(r.dir, 'cam1', `${T0}.jpg`))).toBe(false);
  });
});

describe('thumbnail', () => {
  it('fits 160 × 120 keeping the aspect, a small JPEG of the same scene', () => {
    expect(thumbSize(640, 480)).toEqual({ width: 160, height: 120 });
    expect(thumbSize(640, 360)).toEqual({ width: 160, height: 90 });
    expect(thumbSize(100, 50)).toEqual({ width: 100, height: 50 });
    const big = renderSky({ sun_elevation: 50, cloud_fraction: 0.5, rainfall_rate: 0, visibility_m: 30_000, lens: 'clear' }, { width: 640, height: 360 });
    const t = makeThumbnail(big);
    expect([t.width, t.height]).toEqual([160, 90]);
    expect(t.jpeg.length).toBeLessThan(12_000);
    const back = decodeFrame(t.jpeg);
    expect([back.width, back.height]).toEqual([160, 90]);
    // Same mean brightness as the frame (area averaging keeps it), within JPEG error.
    const mean = (d: Uint8Array) => { let s = 0; for (let i = 1; i < d.length; i += 4) s += d[i]!; return s / (d.length / 4); };
    expect(Math.abs(mean(back.data) - mean(big.data))).toBeLessThan(3);
  });
});
