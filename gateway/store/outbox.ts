// Minute records and the outbox. A minute record and the batch that carries it are written
// in one transaction: after a crash either both exist or neither, so nothing committed can
// miss the uplink, and a seq is never given twice.
import { makeBatch, type MinuteRecord } from '../../core/index.ts';
import type { Db } from './db.ts';

export interface OutboxRow { seq: number; created: number; n_records: number; payload: string; attempts: number; last_sent: number | null }

export interface StoreCounts {
  recordsCommitted: number;
  outboxBatches: number;
  outboxRecords: number;
  oldestUnsent: number | null;
  batchesSent: number;
  batchesAcked: number;
  recordsAcked: number;
}

export class Outbox {
  constructor(private readonly db: Db, private readonly station: string) {}

  private getState(key: string): string | null {
    const row = this.db.prepare('SELECT value FROM state WHERE key = ?').get(key) as { value: string } | undefined;
    return row ? row.value : null;
  }

  private setState(key: string, value: string | number): void {
    this.db.prepare('INSERT INTO state (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, String(value));
  }

  private addToCounter(key: string, n: number): void {
    this.setState(key, Number(this.getState(key) ?? 0) + n);
  }

  /** Start of the last minute aggregated for this sensor, or null before the first. */
  lastAggregatedMinute(sensor: string): number | null {
    const v = this.getState(`aggregated:${sensor}`);
    return v === null ? null : Number(v);
  }

  /**
   * Store the records of closed minutes and put the new ones in one outbox batch.
   * Records already stored (a minute aggregated before a crash) are not sent twice.
   * Returns the batch's seq, or null when nothing was new.
   */
  commitMinutes(records: MinuteRecord[], now: number): number | null {
    return this.db.transaction(() => {
      const insert = this.db.prepare('INSERT OR IGNORE INTO minute_records (sensor, ts, record) VALUES (?, ?, ?)');
      const fresh = records.filter((r) => insert.run(r.sensor, r.ts, JSON.stringify(r)).changes === 1);
      for (const r of records) {
        const last = this.lastAggregatedMinute(r.sensor);
        if (last === null || r.ts > last) this.setState(`aggregated:${r.sensor}`, r.ts);
      }
      if (!fresh.length) return null;
      const seq = Number(this.db.prepare("INSERT INTO outbox (created, n_records, payload) VALUES (?, ?, '')").run(now, fresh.length).lastInsertRowid);
      this.db.prepare('UPDATE outbox SET payload = ? WHERE seq = ?').run(JSON.stringify(makeBatch(this.station, seq, now, fresh)), seq);
      return seq;
    })();
  }

  /** Batches to send now: never sent, or sent longer than `resendAfterMs` ago; oldest first. */
  due(now: number, resendAfterMs: number, limit: number, exclude: Set<number>): OutboxRow[] {
    if (limit <= 0) return [];
    const rows = this.db.prepare('SELECT * FROM outbox WHERE last_sent IS NULL OR last_sent <= ? ORDER BY seq LIMIT ?').all(now - resendAfterMs, limit + exclude.size) as OutboxRow[];
    return rows.filter((r) => !exclude.has(r.seq)).slice(0, limit);
  }

  markSent(seqs: number[], now: number): void {
    if (!seqs.length) return;
    this.db.transaction(() => {
      const upd = this.db.prepare('UPDATE outbox SET attempts = attempts + 1, last_sent = ? WHERE seq = ?');
      for (const s of seqs) upd.run(now, s);
      this.addToCounter('batches_sent', seqs.length);
    })();
  }

  /** The central system holds these batches: they leave the outbox. Unknown seqs are ignored. */
  acknowledge(seqs: number[]): { batches: number; records: number } {
    return this.db.transaction(() => {
      let batches = 0;
      let records = 0;
      const del = this.db.prepare('DELETE FROM outbox WHERE seq = ? RETURNING n_records');
      for (const s of seqs) {
        const row = del.get(s) as { n_records: number } | undefined;
        if (!row) continue;
        batches++;
        records += row.n_records;
      }
      if (batches) {
        this.addToCounter('batches_acked', batches);
        this.addToCounter('records_acked', records);
      }
      return { batches, records };
    })();
  }

  counts(): StoreCounts {
    const q = <T>(sql: string) => this.db.prepare(sql).get() as T;
    const ob = q<{ b: number; r: number | null; oldest: number | null }>('SELECT count(*) AS b, sum(n_records) AS r, min(created) AS oldest FROM outbox');
    return {
      recordsCommitted: q<{ n: number }>('SELECT count(*) AS n FROM minute_records').n,
      outboxBatches: ob.b,
      outboxRecords: ob.r ?? 0,
      oldestUnsent: ob.oldest,
      batchesSent: Number(this.getState('batches_sent') ?? 0),
      batchesAcked: Number(this.getState('batches_acked') ?? 0),
      recordsAcked: Number(this.getState('records_acked') ?? 0),
    };
  }

  /** Every committed record's key, for audits (the demo's `lost` figure). */
  committedKeys(): Array<{ sensor: string; ts: number }> {
    return this.db.prepare('SELECT sensor, ts FROM minute_records ORDER BY ts').all() as Array<{ sensor: string; ts: number }>;
  }
}
