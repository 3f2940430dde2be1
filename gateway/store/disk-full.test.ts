// A real full disk: a 3 MB tmpfs (needs root to mount; skipped with the reason otherwise).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ManualClock, qc, type Observation } from '../../core/index.ts';
import { createLogger } from '../log.ts';
import { DiskFullSafeRawWriter } from './disk-full.ts';
import { openDatabase, Outbox } from './index.ts';
import { StoreQuota } from './quota.ts';
import { allRaw } from './raw.ts';

const mnt = mkdtempSync(join(tmpdir(), 'bonin-full-'));
let mounted = false;
try {
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=3m', 'tmpfs', mnt], { stdio: 'ignore' });
  mounted = true;
} catch {
  // not root, or no CAP_SYS_ADMIN in this container
}
let cleanupDb: () => unknown = () => {};
afterAll(() => {
  cleanupDb();
  if (mounted) execFileSync('umount', [mnt]);
  rmSync(mnt, { recursive: true, force: true });
});

const T0 = Date.UTC(2026, 6, 1);
const log = createLogger({ level: process.env.DBG ? 'warn' : 'silent' });

describe.skipIf(!mounted)('disk full (real tmpfs, ENOSPC)', () => {
  it('raw writes on a full disk evict by priority and go on; nothing thrown, the newest readings kept', () => {
    const db = openDatabase(join(mnt, 'station.db'));
    const clock = new ManualClock(T0 + 48 * 3_600_000);
    const outbox = new Outbox(db, 'STN');
    // 24 h of minutes, acknowledged: old data the quota may give up.
    for (let i = 0; i < 24 * 60; i += 60) {
      outbox.commitMinutes(Array.from({ length: 60 }, (_, k) => ({ ts: T0 + (i + k) * 60_000, sensor: 'wxt', values: { air_temperature: { v: 20 + k / 10, f: 'good', n: 6 } } })), clock.now());
    }
    outbox.acknowledge(Array.from({ length: 24 }, (_, i) => i + 1));
    // The disk is 3 MB, so the WAL is scaled down with it: SQLite's default (checkpoint at
    // 1000 pages, 4 MB) against a reserve of 8 MB is the same ratio on a real card.
    db.pragma('wal_autocheckpoint = 64');
    db.pragma('wal_checkpoint(TRUNCATE)');
    const quota = new StoreQuota(db, { quotaBytes: 1e12, clock, log, reservePath: join(mnt, 'reserve'), reserveBytes: 512 * 1024 });
    const raw = new DiskFullSafeRawWriter(db, clock, quota, log, { maxPending: 1000 });
    // Ballast: the rest of the disk is someone else's file.
    writeFileSync(join(mnt, 'ballast'), Buffer.alloc(1024 * 1024));
    let ts = T0;
    // Values that do not compress (raw readings are stored deflated): a noisy sensor at full resolution.
    const reading = (): Observation => ({ ts: (ts += 500), sensor: 'wxt', quantity: 'wind_speed', value: Math.random() * 60, qc: qc('good') });
    cleanupDb = () => db.open && db.close();
    for (let i = 0; i < 240; i++) raw.add(Array.from({ length: 1000 }, reading)); // 240,000 readings (33 h at 2 Hz, all aggregated already): more than the disk holds
    expect(raw.diskFullEvents).toBeGreaterThan(0);
    const s = quota.summary();
    expect(s.events).toBeGreaterThan(0);
    expect(s.raw + s.records).toBeGreaterThan(0);
    const newest = Math.max(...allRaw(db).map((o) => o.ts));
    expect(newest).toBeGreaterThan(ts - 1000 * 500); // the newest flush made it to disk
  });
});
