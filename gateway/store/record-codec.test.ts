import { describe, expect, it } from 'vitest';
import type { MinuteRecord } from '../../core/index.ts';
import { openDatabase, Outbox } from './index.ts';
import { AggregateStore } from '../pipeline/aggregates-periods.ts';
import type { PeriodAggregate } from '../aggregate/period.ts';
import { packRecord, unpackRecord } from './record-codec.ts';

const wxt: MinuteRecord = {
  ts: 1_796_765_940_000, sensor: 'wxt530',
  values: { wind_from_direction: { v: 95.289, f: 'good', n: 45 }, wind_speed: { v: 5.196, f: 'good', n: 45 }, air_temperature: { v: 19.58, f: 'good', n: 5 }, relative_humidity: { v: 73.04, f: 'good', n: 5 }, air_pressure: { v: 1014.16, f: 'good', n: 5 }, heater_temperature: { v: 19.95, f: 'not_checked', n: 4 } },
};

describe('minute records as stored', () => {
  it('deflated: the same record back, in fewer bytes than its JSON', () => {
    const packed = packRecord(wxt);
    expect(unpackRecord(packed)).toEqual(wxt);
    expect(packed.length).toBeLessThan(JSON.stringify(wxt).length * 0.75);
  });

  it('a row written before (JSON text) reads as it is; a damaged one fails its checksum instead of giving other values', () => {
    expect(unpackRecord(JSON.stringify(wxt))).toEqual(wxt);
    const packed = packRecord(wxt);
    packed[packed.length - 8] = packed[packed.length - 8]! ^ 0x20;
    expect(() => unpackRecord(packed)).toThrow();
  });

  it('a batch built from stored records holds what was committed, old text rows and new deflated ones alike', () => {
    const db = openDatabase(':memory:');
    const outbox = new Outbox(db, 'ST');
    const seq = outbox.commitMinutes([wxt], 1)!;
    db.prepare('INSERT INTO minute_records (sensor, ts, record, seq) VALUES (?, ?, ?, ?)').run('ptb', wxt.ts, JSON.stringify({ ts: wxt.ts, sensor: 'ptb', values: {} }), seq);
    const row = db.prepare('SELECT seq, created, payload FROM outbox').get() as { seq: number; created: number; payload: string };
    expect(JSON.parse(outbox.payloadOf(row)).records.map((r: MinuteRecord) => r.sensor)).toEqual(['ptb', 'wxt530']);
  });
});

describe('aggregates as stored', () => {
  it('deflated like minutes; a row written before (JSON text) reads as it is', () => {
    const db = openDatabase(':memory:');
    const store = new AggregateStore(db);
    const ten = { period: '10min', ts: wxt.ts - 540_000, sensor: 'wxt530', values: { air_temperature: { v: 19.5, f: 'good', n: 10 }, wind_speed: { v: 5.2, f: 'good', n: 10 } } } as unknown as PeriodAggregate;
    store.save('10min', 'wxt530', ten.ts, ten);
    const stored = (db.prepare('SELECT record FROM aggregates').get() as { record: Buffer | string }).record;
    expect(Buffer.isBuffer(stored)).toBe(true);
    expect((stored as Buffer).length).toBeLessThan(JSON.stringify(ten).length);
    db.prepare("INSERT INTO aggregates (period, sensor, ts, record) VALUES ('10min', 'wxt530', ?, ?)").run(ten.ts + 600_000, JSON.stringify({ ...ten, ts: ten.ts + 600_000 }));
    expect(store.read('10min', 'wxt530')).toEqual([ten, { ...ten, ts: ten.ts + 600_000 }]);
  });
});
