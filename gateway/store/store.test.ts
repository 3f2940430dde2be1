import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeBatch, ManualClock, qc, type MinuteRecord } from '../../core/index.ts';
import { commitDurably, openDatabase, Outbox, RawWriter, readRaw } from './index.ts';
import { MIGRATIONS } from './migrations.ts';

const tmpDb = () => join(mkdtempSync(join(tmpdir(), 'bonin-store-')), 'station.db');
const rec = (ts: number): MinuteRecord => ({ ts, sensor: 'wxt', values: { air_temperature: { v: 24.1, f: 'good', n: 6 } } });

describe('station store', () => {
  it('migrates a new file to the current schema version and reopens it unchanged', () => {
    const path = tmpDb();
    openDatabase(path).close();
    const db = openDatabase(path);
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
  });

  it('migration 9 keeps every minute record and its batch when it puts them in time order', () => {
    const path = tmpDb();
    const old = new Database(path);
    for (const m of MIGRATIONS.slice(0, 8)) old.exec(m);
    old.pragma('user_version = 8');
    const put = old.prepare('INSERT INTO minute_records (sensor, ts, record, seq) VALUES (?, ?, ?, ?)');
    for (const [sensor, ts, seq] of [['wxt', 120_000, 2], ['ptb', 60_000, 1], ['wxt', 60_000, 1], ['ptb', 120_000, null]] as const) put.run(sensor, ts, JSON.stringify(rec(ts)), seq);
    old.close();
    const db = openDatabase(path);
    expect(db.prepare('SELECT sensor, ts, seq FROM minute_records ORDER BY rowid').all()).toEqual([
      { sensor: 'ptb', ts: 60_000, seq: 1 }, { sensor: 'wxt', ts: 60_000, seq: 1 }, { sensor: 'ptb', ts: 120_000, seq: null }, { sensor: 'wxt', ts: 120_000, seq: 2 },
    ]);
    // still one record per (sensor, minute): a second one is ignored, as commitMinutes relies on
    expect(db.prepare('INSERT OR IGNORE INTO minute_records (sensor, ts, record) VALUES (?, ?, ?)').run('wxt', 60_000, '{}').changes).toBe(0);
  });

  it('writes for an SD card: 1 kB pages, a 4 MB cache, NORMAL commits and a FULL one where asked', () => {
    const db = openDatabase(tmpDb());
    const sync = () => db.pragma('synchronous', { simple: true });
    expect(db.pragma('page_size', { simple: true })).toBe(1024);
    expect(db.pragma('cache_size', { simple: true })).toBe(-4000);
    expect(sync()).toBe(1); // NORMAL
    expect(commitDurably(db, () => sync())).toBe(2); // FULL for this commit…
    expect(sync()).toBe(1); // …and NORMAL again after it
    expect(() => commitDurably(db, () => { throw new Error('no'); })).toThrow('no');
    expect(sync()).toBe(1); // also after a failed one
    // inside another transaction it is part of that one (the setting cannot change there)
    expect(db.transaction(() => commitDurably(db, () => sync()))()).toBe(1);
  });

  it('refuses a database from a newer gateway', () => {
    const path = tmpDb();
    const db = openDatabase(path);
    db.pragma('user_version = 99');
    db.close();
    expect(() => openDatabase(path)).toThrow(/newer/);
  });

  it('raw readings wait in memory until the flush period, then commit in one go', () => {
    const clock = new ManualClock();
    const db = openDatabase(':memory:');
    const w = new RawWriter(db, clock, { flushMs: 1000 });
    w.add([{ ts: clock.now(), sensor: 'wxt', quantity: 'air_temperature', value: 24, qc: qc('good') }]);
    expect(readRaw(db, 'wxt', 0, Infinity)).toHaveLength(0);
    clock.advance(1000);
    const back = readRaw(db, 'wxt', 0, Infinity);
    expect(back).toEqual([{ ts: clock.now() - 1000, sensor: 'wxt', quantity: 'air_temperature', value: 24, qc: { flag: 'good', reasons: [] } }]);
  });

  it('a minute record and its batch commit together; the same minute twice is not sent twice', () => {
    const ob = new Outbox(openDatabase(':memory:'), 'STN');
    const seq = ob.commitMinutes([rec(60_000)], 1);
    expect(seq).toBe(1);
    expect(ob.commitMinutes([rec(60_000)], 2)).toBeNull();
    const [row] = ob.due(10, 30_000, 10, new Set());
    const decoded = decodeBatch(row!.payload);
    expect(decoded.ok && decoded.value.records).toEqual([rec(60_000)]);
    expect(ob.lastAggregatedMinute('wxt')).toBe(60_000);
  });

  it('a batch leaves only on an ack that names it; unknown and repeated acks are harmless', () => {
    const ob = new Outbox(openDatabase(':memory:'), 'STN');
    ob.commitMinutes([rec(0)], 1);
    ob.commitMinutes([rec(60_000)], 2);
    expect(ob.acknowledge([2, 999])).toEqual({ batches: 1, records: 1 });
    expect(ob.acknowledge([2])).toEqual({ batches: 0, records: 0 });
    expect(ob.counts()).toMatchObject({ outboxBatches: 1, recordsAcked: 1, recordsCommitted: 2 });
  });

  it('sequence numbers are never reused after acked batches are deleted', () => {
    const path = tmpDb();
    let ob = new Outbox(openDatabase(path), 'STN');
    ob.commitMinutes([rec(0)], 1);
    ob.acknowledge([1]);
    ob = new Outbox(openDatabase(path), 'STN');
    expect(ob.commitMinutes([rec(60_000)], 2)).toBe(2);
  });

  it('a sent batch is due again only after the resend period', () => {
    const ob = new Outbox(openDatabase(':memory:'), 'STN');
    ob.commitMinutes([rec(0)], 0);
    ob.markSent([1], 1000);
    expect(ob.due(1000 + 29_999, 30_000, 10, new Set())).toHaveLength(0);
    expect(ob.due(1000 + 30_000, 30_000, 10, new Set())).toHaveLength(1);
  });
});
