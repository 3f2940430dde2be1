// Chaos (5): disk full. The station store lives on a 3 MB tmpfs shared with a ballast file;
// raw readings and minutes are written until the disk is full (ENOSPC, again and again),
// with the satellite link down for the first part so a backlog builds up. The store evicts
// by priority (gateway/store/quota.ts) and goes on; in the end every committed record is at
// the receiver or in the `evictions` table, once. Needs root to mount: skipped otherwise.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { qc, systemClock, type Observation } from '../../core/index.ts';
import { createLogger } from '../../gateway/log.ts';
import { DiskFullSafeRawWriter, isDiskFull } from '../../gateway/store/disk-full.ts';
import { StoreQuota } from '../../gateway/store/quota.ts';
import { waitFor } from '../helpers/wait.ts';
import { audit, evictedRanges, type Committed } from './audit.ts';
import { minute, T0 } from './records.ts';
import { startLinkRig, STN } from './rig.ts';
import { FULL, report, sleep } from './scale.ts';

const mnt = mkdtempSync(join(tmpdir(), 'bonin-chaos-full-'));
let mounted = false;
let why = '';
try {
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=3m', 'tmpfs', mnt], { stdio: 'pipe' });
  mounted = true;
} catch (err) {
  why = (err as Error).message.split('\n')[0]!;
  console.log(`chaos (5) disk full SKIPPED: cannot mount a tmpfs here (${why}); run as root with CAP_SYS_ADMIN`);
}
const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});
afterAll(() => {
  if (mounted) execFileSync('umount', [mnt]);
  rmSync(mnt, { recursive: true, force: true });
});

describe.skipIf(!mounted)('chaos: disk full on a 3 MB tmpfs', () => {
  it('(5) ENOSPC again and again while ingesting with the link down: evicted by priority, never crashes; committed = delivered + evicted', async () => {
    let quota: StoreQuota | null = null;
    // As the gateway wires it (gateway/pipeline/station.ts): the uplink's store writes make room through the quota.
    const rig = await startLinkRig({ clock: systemClock, dbPath: join(mnt, 'station.db'), uplink: { maxMessageRecords: 60, inFlight: 8, onDiskFull: () => quota?.onDiskFull() } });
    cleanup.push(() => rig.stop());
    // The disk is 3 MB, so the WAL is scaled down with it (as in gateway/store/disk-full.test.ts).
    rig.db.pragma('wal_autocheckpoint = 64');
    const log = createLogger({ level: 'silent' });
    quota = new StoreQuota(rig.db, { quotaBytes: Infinity, clock: systemClock, log, reservePath: join(mnt, 'reserve'), reserveBytes: 512 * 1024 });
    const raw = new DiskFullSafeRawWriter(rig.db, systemClock, quota, log, { maxPending: 1000 });
    writeFileSync(join(mnt, 'ballast'), Buffer.alloc(1024 * 1024)); // the rest of the disk is someone else's
    rig.link.setDown(true);
    rig.uplink.start();

    const committed: Committed[] = [];
    let commitDiskFull = 0;
    let lost = 0;
    const MINUTES = FULL ? 200 : 150;
    for (let i = 0; i < MINUTES; i++) {
      // 2,000 raw readings of minute i, noisy (raw readings are stored deflated: a constant would
      // take next to nothing). About 18 kB a minute packed, so the 3 MB disk fills within the run.
      raw.add(Array.from({ length: 2000 }, (_, k): Observation => ({ ts: T0 + i * 60_000 + k * 30, sensor: 'wxt530', quantity: 'wind_speed', value: Math.random() * 20, qc: qc('good') })));
      raw.flush();
      const r = minute(i);
      let seq: number | null = null;
      // What the gateway's minute closer does on ENOSPC: evict, try again (and the next timer tick after that).
      for (let attempt = 0; attempt < 3 && seq === null; attempt++) {
        try {
          seq = rig.outbox.commitMinutes([r], Date.now());
          break;
        } catch (err) {
          if (!isDiskFull(err)) throw err;
          commitDiskFull++;
          quota.onDiskFull();
        }
      }
      if (seq === null) lost++;
      else committed.push({ sensor: r.sensor, ts: r.ts, seq });
      // The link comes back while the disk is still full, so the uplink must mark,
      // acknowledge and count on a full disk too.
      if (i === MINUTES - 30) rig.link.setDown(false);
      rig.uplink.pump();
      await sleep(5);
    }
    await waitFor('the backlog to drain', () => rig.outbox.counts().outboxBatches === 0, 60_000);
    const evicted = evictedRanges(rig.db);
    const a = audit(rig.receiver, STN, committed, evicted);
    const s = quota.summary();
    const uplinkDiskFull = rig.uplink.stats.diskFull;
    report('disk-full', { minutes: MINUTES, linkUpWhileFull: true, uplinkDiskFull, notCommitted: lost, rawDiskFullEvents: raw.diskFullEvents, commitDiskFull, evictionEvents: s.events, evictedRaw: s.raw, evictedAckedRecords: s.records, evictedBatches: s.batches, ...a, missing: a.missing.length });
    expect(raw.diskFullEvents + commitDiskFull).toBeGreaterThan(0); // the disk really was full
    expect(s.events).toBeGreaterThan(0);
    expect(lost).toBe(0);
    expect(a.missing).toEqual([]);
    expect(a.duplicateRecords).toBe(0);
    expect(a.atReceiver + a.evicted).toBe(committed.length);
  }, 5 * 60_000);
});
