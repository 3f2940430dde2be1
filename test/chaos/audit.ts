// The check run after every chaos case: each record the station committed is at the
// receiver, or accounted for by an `evictions` row (an unsent batch given up for room), and
// the receiver holds no record twice.
import type Database from 'better-sqlite3';
import type { Receiver } from '../../hw-sim/receiver/index.ts';

export interface Committed { sensor: string; ts: number; seq: number | null }

export interface Audit {
  committed: number;
  atReceiver: number;
  evicted: number;
  missing: Array<{ sensor: string; ts: number; seq: number | null }>;
  receiverRecords: number;
  duplicateRecords: number;
  duplicateBatches: number;
}

/** Batch seq ranges the station evicted unsent (`evictions` rows of kind 'batches'). */
export function evictedRanges(db: Database.Database): Array<[number, number]> {
  return (db.prepare("SELECT first_seq AS a, last_seq AS b FROM evictions WHERE kind = 'batches' AND first_seq IS NOT NULL").all() as Array<{ a: number; b: number }>).map((r) => [r.a, r.b]);
}

export function audit(receiver: Receiver, station: string, committed: Committed[], evicted: Array<[number, number]> = []): Audit {
  let atReceiver = 0;
  let ev = 0;
  const missing: Committed[] = [];
  for (const k of committed) {
    if (receiver.store.hasRecord(station, k.sensor, k.ts)) atReceiver++;
    else if (k.seq !== null && evicted.some(([a, b]) => k.seq! >= a && k.seq! <= b)) ev++;
    else missing.push(k);
  }
  const rc = receiver.store.counts();
  return { committed: committed.length, atReceiver, evicted: ev, missing: missing.slice(0, 20), receiverRecords: rc.records, duplicateRecords: rc.duplicateRecords, duplicateBatches: rc.duplicateBatches };
}
