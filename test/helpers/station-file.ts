// A station's database read from its file by another process, as the kill and time tests do
// (storage.shared_reads on). The running gateway holds its sends and acks for its next minute
// commit, so the file's outbox lags by up to a minute: a batch acked may still be on file.
// What never lags is the no-loss rule: every committed record is at the receiver or still in
// the outbox, where the next run sends it.
import Database from 'better-sqlite3';
import type { Receiver } from '../../hw-sim/receiver/index.ts';

export interface StationKey { sensor: string; ts: number; seq: number | null }

export function readStationFile(path: string): { keys: StationKey[]; outboxSeqs: Set<number> } {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    return {
      keys: db.prepare('SELECT sensor, ts, seq FROM minute_records ORDER BY ts').all() as StationKey[],
      outboxSeqs: new Set((db.prepare('SELECT seq FROM outbox').all() as Array<{ seq: number }>).map((r) => r.seq)),
    };
  } finally {
    db.close();
  }
}

/** Committed records neither at the receiver nor waiting in the outbox: lost. */
export function lost(receiver: Receiver, station: string, file: ReturnType<typeof readStationFile>): StationKey[] {
  return file.keys.filter((k) => !receiver.store.hasRecord(station, k.sensor, k.ts) && !(k.seq !== null && file.outboxSeqs.has(k.seq)));
}

/** Records committed that are not at the receiver yet. */
export function notYetDelivered<K extends Pick<StationKey, 'sensor' | 'ts'>>(receiver: Receiver, station: string, keys: K[]): K[] {
  return keys.filter((k) => !receiver.store.hasRecord(station, k.sensor, k.ts));
}
