// Aggregates in the outbox: they ride in the batch of the minute that closes them, are
// counted as records of that batch, and a batch rebuilt for the central system's gap request
// carries them again (found by the same rule, from the `aggregates` table).
import { afterEach, describe, expect, it } from 'vitest';
import { decodeBatch, type MinuteRecord, type WireRecord } from '../../core/index.ts';
import { FROM_RECORDS, openDatabase, Outbox, type Db, type OutboxRow } from './index.ts';

const T = Date.UTC(2026, 6, 1, 6, 0);
const dbs: Db[] = [];
afterEach(() => dbs.splice(0).forEach((d) => d.close()));

const minute = (i: number): MinuteRecord => ({ ts: T + i * 60_000, sensor: 'wxt', values: { air_temperature: { v: 20 + i, f: 'good', n: 6 } } });
const ten: WireRecord = { ts: T, sensor: 'wxt', period: '10min', values: { air_temperature: { v: 24.5, f: 'good', n: 10 }, air_temperature_max: { v: 29, f: 'good', n: 10 } } };

describe('outbox with aggregates', () => {
  it('commits the aggregates in the batch of the closing minute, and resends them on a gap request', () => {
    const db = openDatabase(':memory:');
    dbs.push(db);
    const outbox = new Outbox(db, 'ST');
    for (let i = 0; i < 9; i++) outbox.commitMinutes([minute(i)], T + (i + 1) * 60_000);
    const seq = outbox.commitMinutes([minute(9)], T + 600_000, () => {
      db.prepare("INSERT INTO aggregates (period, sensor, ts, record) VALUES ('10min', 'wxt', ?, ?)").run(T, JSON.stringify(ten));
      return [ten];
    })!;
    const row = db.prepare('SELECT seq, created, n_records, payload FROM outbox WHERE seq = ?').get(seq) as OutboxRow;
    expect(row.n_records).toBe(2);
    expect(row.payload).toBe(FROM_RECORDS); // stored once, as records; the batch is built when sent
    const batch = decodeBatch(outbox.payloadOf(row));
    expect(batch.ok && batch.value.records).toEqual([minute(9), ten]);

    // acked, then lost at the central side: rebuilt from the store with its aggregate
    outbox.acknowledge([seq]);
    const answer = outbox.reconcile(seq, seq);
    expect(answer.resent).toHaveLength(1);
    expect(answer.resent[0]!.records).toEqual([minute(9), ten]);
    // a minute that closes nothing is rebuilt alone
    outbox.acknowledge([seq - 1]);
    expect(outbox.reconcile(seq - 1, seq - 1).resent[0]!.records).toEqual([minute(8)]);
    // acked records count minutes only: comparable with recordsCommitted
    expect(outbox.counts()).toMatchObject({ recordsCommitted: 10, recordsAcked: 2, batchesAcked: 2 });
  });

  it('a periods callback that throws rolls the minutes back too', () => {
    const db = openDatabase(':memory:');
    dbs.push(db);
    const outbox = new Outbox(db, 'ST');
    expect(() => outbox.commitMinutes([minute(9)], T + 600_000, () => { throw new Error('boom'); })).toThrow('boom');
    expect(outbox.counts()).toMatchObject({ recordsCommitted: 0, outboxBatches: 0 });
    expect(outbox.lastAggregatedMinute('wxt')).toBeNull();
  });
});
