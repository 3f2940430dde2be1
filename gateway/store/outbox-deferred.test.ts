// The station's one commit a minute (docs/decisions.md, "SD card writes"): sends, acks and the
// byte budget's counts wait in memory for the minute commit, and raw readings too. What waits
// must look written to the station at once, reach the file only with that commit, and stay
// held when the commit rolls back.
import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ManualClock, qc, type MinuteRecord } from '../../core/index.ts';
import { openDatabase, Outbox, RawWriter, readRaw, type Db } from './index.ts';

const tmpDb = () => join(mkdtempSync(join(tmpdir(), 'bonin-deferred-')), 'station.db');
const rec = (ts: number): MinuteRecord => ({ ts, sensor: 'wxt', values: { air_temperature: { v: 24.1, f: 'good', n: 6 } } });
/** what another process reading the file sees: only what was committed */
const onFile = (path: string) => {
  const other = new Database(path, { readonly: true });
  try {
    return {
      outbox: other.prepare('SELECT seq, attempts, last_sent FROM outbox ORDER BY seq').all() as Array<{ seq: number; attempts: number; last_sent: number | null }>,
      state: Object.fromEntries((other.prepare('SELECT key, value FROM state').all() as Array<{ key: string; value: string }>).map((r) => [r.key, r.value])),
    };
  } finally {
    other.close();
  }
};
const fill = (outbox: Outbox, n: number) => Array.from({ length: n }, (_, i) => outbox.commitMinutes([rec((i + 1) * 60_000)], 1000 + i)!);
/** the minute commit as the closer makes it: a transaction that writes what is held, forgotten only after */
const minuteCommit = (db: Db, outbox: Outbox, fail = false) => {
  const done: Array<() => void> = [];
  try {
    db.transaction(() => {
      done.push(outbox.writeLaterIn());
      if (fail) throw new Error('SQLITE_FULL: database or disk is full');
    })();
  } catch {
    return;
  }
  for (const d of done) d();
};

describe('outbox with deferBookkeeping', () => {
  it('a batch sent is not due again before resend_after, yet the file learns of the send only at the minute commit', () => {
    const path = tmpDb();
    const db = openDatabase(path);
    const outbox = new Outbox(db, 'ST', { deferBookkeeping: true });
    const [a, b] = fill(outbox, 2);
    outbox.markSent([a!], 10_000);
    expect(outbox.due(20_000, 60_000, 10, new Set()).map((r) => r.seq)).toEqual([b]);
    expect(outbox.counts().batchesSent).toBe(1);
    expect(onFile(path).outbox.find((r) => r.seq === a)).toMatchObject({ attempts: 0, last_sent: null });
    // due again after resend_after, as a resend (not fresh), with its held attempt counted
    expect(outbox.due(70_000, 60_000, 10, new Set()).find((r) => r.seq === a)).toMatchObject({ fresh: false, attempts: 1, last_sent: 10_000 });
    minuteCommit(db, outbox);
    expect(onFile(path).outbox.find((r) => r.seq === a)).toMatchObject({ attempts: 1, last_sent: 10_000 });
    expect(onFile(path).state.batches_sent).toBe('1');
  });

  it('an acked batch is gone for the station at once and from the file at the minute commit; a rolled-back commit keeps it held', () => {
    const path = tmpDb();
    const db = openDatabase(path);
    const outbox = new Outbox(db, 'ST', { deferBookkeeping: true });
    const [a, b, c] = fill(outbox, 3);
    expect(outbox.acknowledge([a!, b!])).toEqual({ batches: 2, records: 2 });
    expect(outbox.acknowledge([a!])).toEqual({ batches: 0, records: 0 }); // twice: once
    expect(outbox.counts()).toMatchObject({ outboxBatches: 1, outboxRecords: 1, batchesAcked: 2, recordsAcked: 2, oldestUnsent: 1002 });
    expect(outbox.due(5000, 60_000, 10, new Set()).map((r) => r.seq)).toEqual([c]);
    expect(onFile(path).outbox).toHaveLength(3);
    minuteCommit(db, outbox, true); // the disk was full: nothing written, nothing forgotten
    expect(onFile(path).outbox).toHaveLength(3);
    expect(outbox.counts().outboxBatches).toBe(1);
    minuteCommit(db, outbox);
    expect(onFile(path).outbox.map((r) => r.seq)).toEqual([c]);
    expect(onFile(path).state).toMatchObject({ batches_acked: '2', records_acked: '2' });
  });

  it('a gap request finds an acked-but-held batch acked (resent from its records), and makeDue forgets a held send', () => {
    const db = openDatabase(tmpDb());
    const outbox = new Outbox(db, 'ST', { deferBookkeeping: true });
    const [a, b] = fill(outbox, 2);
    outbox.acknowledge([a!]);
    outbox.markSent([b!], 10_000);
    const answer = outbox.reconcile(a!, b!);
    expect(answer.pending).toEqual([b]);
    expect(answer.resent.map((p) => p.seq)).toEqual([a]);
    // b was made due again: the held send no longer keeps it back
    expect(outbox.due(11_000, 60_000, 10, new Set()).map((r) => r.seq)).toEqual([b]);
  });

  it('setStateLater (the byte budget) reads back at once, reaches the file with the minute commit; without deferring it is written at once', () => {
    const path = tmpDb();
    const db = openDatabase(path);
    const outbox = new Outbox(db, 'ST', { deferBookkeeping: true });
    outbox.laterState.setState('budget:hour', 1234);
    expect(outbox.getState('budget:hour')).toBe('1234');
    expect(onFile(path).state['budget:hour']).toBeUndefined();
    outbox.writeLater();
    expect(onFile(path).state['budget:hour']).toBe('1234');
    const plain = new Outbox(db, 'ST');
    plain.laterState.setState('budget:day', 99);
    expect(onFile(path).state['budget:day']).toBe('99');
  });
});

describe('resend backoff', () => {
  it('a batch sent again and again waits 1, 2, 4, then 8 × resend_after for its ack, held or written alike; never given up', () => {
    for (const deferBookkeeping of [false, true]) {
      const db = openDatabase(':memory:');
      const outbox = new Outbox(db, 'ST', { deferBookkeeping });
      const [a] = fill(outbox, 1);
      const R = 60_000;
      let t = 0;
      const dueAt = (at: number) => outbox.due(at, R, 10, new Set()).some((r) => r.seq === a);
      for (const factor of [1, 2, 4, 8, 8, 8]) {
        outbox.markSent([a!], t);
        expect(dueAt(t + factor * R - 1), `${deferBookkeeping}: ×${factor}`).toBe(false);
        expect(dueAt(t + factor * R), `${deferBookkeeping}: ×${factor}`).toBe(true);
        if (deferBookkeeping && factor === 4) outbox.writeLater(); // written or held: the same wait
        t += factor * R;
      }
      expect(outbox.due(t, -Infinity, 10, new Set()).map((r) => r.seq)).toEqual([a]); // after a reconnect: at once
    }
  });
});

describe('raw writer in the minute commit', () => {
  it('readings written inside a transaction are forgotten only when it commits; a rollback keeps them pending, written once later', () => {
    const db = openDatabase(':memory:');
    const clock = new ManualClock(1_700_000_000_000);
    const raw = new RawWriter(db, clock, { flushMs: null });
    const obs = (ts: number) => ({ ts, sensor: 'wxt', quantity: 'air_temperature' as const, value: 24 + ts / 1e12, qc: qc('good') });
    raw.add([obs(1_700_000_001_000), obs(1_700_000_002_000)]);
    const commit = (fail: boolean) => {
      let done = () => {};
      try {
        db.transaction(() => {
          done = raw.writePendingIn();
          if (fail) throw new Error('SQLITE_FULL');
        })();
        done();
      } catch { /* rolled back */ }
    };
    commit(true);
    expect(readRaw(db, 'wxt', 1_699_999_999_000, 1_700_000_060_000)).toHaveLength(0);
    expect(raw.written).toBe(0);
    commit(false);
    expect(readRaw(db, 'wxt', 1_699_999_999_000, 1_700_000_060_000)).toHaveLength(2);
    expect(raw.written).toBe(2);
    commit(false); // nothing pending: nothing written twice
    expect(readRaw(db, 'wxt', 1_699_999_999_000, 1_700_000_060_000)).toHaveLength(2);
  });
});
