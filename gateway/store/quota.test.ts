// Disk quota and gap answers, on a real SQLite file.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ManualClock, qc, type MinuteRecord, type Observation } from '../../core/index.ts';
import { createLogger } from '../log.ts';
import { openDatabase, Outbox, RawWriter } from './index.ts';
import { countRaw } from './raw.ts';
import { StoreQuota } from './quota.ts';

const T0 = Date.UTC(2026, 6, 1);
const rec = (i: number): MinuteRecord => ({ ts: T0 + i * 60_000, sensor: 'wxt', values: { air_temperature: { v: 20 + i / 100, f: 'good', n: 6 } } });
const log = createLogger({ level: 'silent' });

function station(minutes: number) {
  const db = openDatabase(join(mkdtempSync(join(tmpdir(), 'bonin-quota-')), 'station.db'));
  const clock = new ManualClock(T0 + minutes * 60_000);
  const outbox = new Outbox(db, 'STN');
  const raw = new RawWriter(db, clock, { maxPending: 10_000 });
  // Gusty wind at full resolution: values that do not compress (raw readings are stored
  // deflated), so the raw readings are most of the store, as on a real station.
  let seed = 47971;
  const gust = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 20;
  for (let i = 0; i < minutes; i++) {
    const obs: Observation[] = Array.from({ length: 60 }, (_, s) => ({ ts: T0 + i * 60_000 + s * 1000, sensor: 'wxt', quantity: 'wind_speed', value: gust(), qc: qc('good') }));
    raw.add(obs);
    outbox.commitMinutes([rec(i)], T0 + (i + 1) * 60_000);
  }
  raw.flush();
  return { db, clock, outbox };
}
const count = (db: ReturnType<typeof openDatabase>, t: string) => (db.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n;
/** raw readings stored, packed or not */
const rawCount = (db: ReturnType<typeof openDatabase>) => [...countRaw(db).values()].reduce((a, b) => a + b, 0);

describe('disk quota', () => {
  it('evicts old raw readings first, then acked records, then the newest hour of raw, then the oldest unsent batches, and logs each', () => {
    const { db, clock, outbox } = station(600);
    outbox.acknowledge(Array.from({ length: 300 }, (_, i) => i + 1)); // the first 300 minutes reached the centre
    const quota = new StoreQuota(db, { quotaBytes: 0, chunk: 2000, clock, log });
    const before = quota.usedBytes();
    // A quota just under what the raw readings take: only raw goes.
    quota.enforce('quota', before * 0.7);
    expect(rawCount(db)).toBeGreaterThanOrEqual(60 * 60); // the newest hour stays
    expect(count(db, 'minute_records')).toBe(600);
    expect(quota.summary()).toMatchObject({ raw: 600 * 60 - rawCount(db), records: 0, batches: 0 });
    // A quota nothing fits in: everything evictable goes, in priority order, and no more.
    const evs = quota.enforce('quota', 1);
    const phases = evs.map((e) => e.kind).filter((k, i, a) => i === 0 || k !== a[i - 1]);
    // Nothing the centre lacks goes before anything it holds, and raw goes before unsent records.
    expect(phases).toEqual(['raw', 'records', 'raw', 'batches']);
    expect(rawCount(db)).toBe(0); // every aggregated reading went before any unsent record
    expect(count(db, 'outbox')).toBe(1); // the newest batch is never evicted
    const s = quota.summary();
    expect(s.records).toBe(300);
    expect(s.batchRecords).toBe(300 - count(db, 'outbox'));
    const kept = (db.prepare('SELECT min(seq) AS s FROM outbox').get() as { s: number }).s;
    expect(kept).toBeGreaterThan(301);
    // The gap answer names the evicted range, and every seq is accounted for.
    const ans = outbox.reconcile(1, 600);
    expect(ans.evicted[0]![0]).toBe(301);
    expect(ans.evicted.reduce((n, [a, b]) => n + b - a + 1, 0) + ans.pending.length + ans.unknown.length + ans.resent.length).toBe(600);
    expect(ans.pending).toEqual(Array.from({ length: 600 - kept + 1 }, (_, i) => kept + i));
  });

  it('under the quota nothing is touched', () => {
    const { db, clock } = station(10);
    const quota = new StoreQuota(db, { quotaBytes: 100 * 1024 * 1024, clock, log });
    expect(quota.enforce()).toEqual([]);
    expect(quota.summary()).toMatchObject({ events: 0 });
  });

  it('raw readings older than the retention go (once an hour, not logged as evictions); not while the time is unknown', () => {
    const { db, clock } = station(180); // three hours of raw readings; the clock at their end
    let known = false;
    const quota = new StoreQuota(db, { quotaBytes: Infinity, clock, log, rawRetentionMs: 3_600_000, timeKnown: () => known });
    quota.enforce();
    expect(rawCount(db)).toBe(180 * 60); // a board clock nobody has checked expires nothing
    known = true;
    quota.enforce();
    expect(rawCount(db)).toBe(60 * 60); // the last hour stays
    expect(quota.summary()).toMatchObject({ events: 0, raw: 0 });
    expect(count(db, 'minute_records')).toBe(180); // only raw readings have a retention
  });
});

describe('outbox priorities and gap answers', () => {
  it('fresh batches first, then the backlog in the configured order', () => {
    const { outbox } = station(20);
    const now = T0 + 20 * 60_000;
    const fresh = (o: 'oldest-first' | 'newest-first') => outbox.due(now, 30_000, 6, new Set(), { freshMs: 3 * 60_000, order: o }).map((r) => [r.seq, r.fresh]);
    // created = end of the minute: seqs 17–20 are within 3 minutes of now
    expect(fresh('oldest-first')).toEqual([[17, true], [18, true], [19, true], [20, true], [1, false], [2, false]]);
    expect(fresh('newest-first')).toEqual([[20, true], [19, true], [18, true], [17, true], [16, false], [15, false]]);
  });

  it('rebuilds acked batches from their records, makes pending ones due, and names unknown seqs', () => {
    const { outbox } = station(10);
    outbox.acknowledge([1, 2, 3]);
    outbox.markSent([4, 5], T0);
    const ans = outbox.reconcile(2, 12);
    expect(ans.resent.map((p) => [p.seq, p.records])).toEqual([[2, [rec(1)]], [3, [rec(2)]]]);
    expect(ans.pending).toEqual([4, 5, 6, 7, 8, 9, 10]);
    expect(ans.unknown).toEqual([11, 12]);
    expect(outbox.due(T0 + 1, 30_000, 100, new Set()).map((r) => r.seq)).toContain(4); // made due again at once
  });
});
