// The reference receiver's store: minutes and 10-min / hourly aggregates of the same start are
// kept apart (keyed by period), duplicates are still one row, and a database made before
// periods existed is migrated with its records kept as minutes.
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeBatch, type WireRecord } from '../../core/index.ts';
import { ReceiverStore } from './store.ts';

const T = Date.UTC(2026, 6, 1, 6, 0);
const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));
const tmp = () => { const d = mkdtempSync(join(tmpdir(), 'bonin-rx-')); dirs.push(d); return join(d, 'rx.db'); };

const rec = (period: WireRecord['period'], v: number): WireRecord => ({ ts: T, sensor: 'wxt', ...(period ? { period } : {}), values: { air_temperature: { v, f: 'good', n: 1 } } });

describe('receiver store', () => {
  it('keeps a minute and the 10-min and hourly aggregates of the same start apart; duplicates stay one row', () => {
    const s = new ReceiverStore(':memory:');
    expect(s.store(makeBatch('ST', 1, T, [rec(undefined, 20), rec('10min', 21), rec('1h', 22)]), T)).toBe('stored');
    expect(s.store(makeBatch('ST', 2, T, [rec('10min', 21)]), T)).toBe('stored'); // the same aggregate again, in another batch
    expect(s.counts()).toMatchObject({ batches: 2, records: 1, aggregates: 2, duplicateRecords: 1 });
    expect(s.record('ST', 'wxt', T)!.values.air_temperature!.v).toBe(20);
    expect(s.record('ST', 'wxt', T, '10min')!.values.air_temperature!.v).toBe(21);
    expect(s.record('ST', 'wxt', T, '1h')).toMatchObject({ period: '1h' });
    expect(s.hasRecord('ST', 'wxt', T + 60_000)).toBe(false);
    s.close();
  });

  it('migrates a database from before periods: its records stay, as minutes', () => {
    const path = tmp();
    const old = new Database(path);
    old.exec(`CREATE TABLE records (station TEXT NOT NULL, sensor TEXT NOT NULL, ts INTEGER NOT NULL, seq INTEGER NOT NULL, record TEXT NOT NULL, PRIMARY KEY (station, sensor, ts)) WITHOUT ROWID;
      INSERT INTO records VALUES ('ST', 'wxt', ${T}, 1, '${JSON.stringify(rec(undefined, 19))}');`);
    old.close();
    const s = new ReceiverStore(path);
    expect(s.hasRecord('ST', 'wxt', T)).toBe(true);
    s.store(makeBatch('ST', 2, T, [rec('10min', 21)]), T);
    expect(s.counts()).toMatchObject({ records: 1, aggregates: 1, duplicateRecords: 0 });
    s.close();
  });
});
