// Minute records and the outbox. A minute record and the batch that carries it are written
// in one transaction: after a crash either both exist or neither, so nothing committed can
// miss the uplink, and a seq is never given twice. The 10-min and hourly aggregates those
// minutes complete ride in the same batch (records with `period`), committed with them.
import { makeBatch, type BatchPart, type MinuteRecord, type WireRecord } from '../../core/index.ts';
import type { Db } from './db.ts';
import { packRecord, unpackJson, unpackRecord } from './record-codec.ts';

/** An outbox row's payload when the batch is built from the minute records tagged with its seq (since issue #10's SD work). */
export const FROM_RECORDS = 'from-records';

export interface OutboxRow { seq: number; created: number; n_records: number; payload: string; attempts: number; last_sent: number | null }

/** A due batch with its priority class (docs/uplink.md): the newest unsent minutes go before the backlog. */
export interface DueRow extends OutboxRow { fresh: boolean }

export type BacklogOrder = 'oldest-first' | 'newest-first';

/** The gateway's answer about one seq range the central system asked for (gap reconciliation). */
export interface GapAnswer { pending: number[]; resent: BatchPart[]; evicted: Array<[number, number]>; unknown: number[] }

export interface StoreCounts {
  recordsCommitted: number;
  outboxBatches: number;
  outboxRecords: number;
  oldestUnsent: number | null;
  batchesSent: number;
  batchesAcked: number;
  recordsAcked: number;
}

/**
 * How long a batch sent `sends` times waits for its ack before it goes again, in units of
 * `uplink.resend_after_s`: 1, 2, 4, then 8 at most. A link (or a receiver) slower than
 * resend_after otherwise gets every batch again and again, each resend slowing it more
 * (the 30-day soak saw 13 copies a batch); a batch is never given up.
 */
export function resendFactor(sends: number): number {
  return 2 ** Math.min(Math.max(sends - 1, 0), 3);
}
const RESEND_FACTOR_SQL = '(1 << min(max(attempts - 1, 0), 3))';

export interface OutboxOptions {
  /**
   * Hold send marks, acks, their counters and `setStateLater` values in memory until the
   * station's minute commit writes them (`writeLaterIn`), instead of a commit each: an SD
   * card wears by commits (docs/decisions.md, "SD card writes"). What a power cut can lose of
   * them is a minute of marks: a batch goes again and the central system stores it once.
   */
  deferBookkeeping?: boolean;
}

export class Outbox {
  /** one transaction wrapper for the life of the outbox: better-sqlite3 builds one at some cost, and a fleet of virtual stations (gateway/fleet) commits thousands a second */
  private readonly atomically: <T>(fn: () => T) => T;
  /** bookkeeping waiting for the minute commit (null: written at once) */
  private readonly later: LaterWrites | null;

  constructor(private readonly db: Db, private readonly station: string, opts: OutboxOptions = {}) {
    const tx = db.transaction((fn: () => unknown) => fn());
    this.atomically = <T>(fn: () => T) => tx(fn) as T;
    this.later = opts.deferBookkeeping ? new LaterWrites() : null;
  }

  getState(key: string): string | null {
    const held = this.later?.state.get(key);
    if (held !== undefined) return held;
    const row = this.db.prepare('SELECT value FROM state WHERE key = ?').get(key) as { value: string } | undefined;
    return row ? row.value : null;
  }

  setState(key: string, value: string | number): void {
    this.later?.state.delete(key);
    this.db.prepare('INSERT INTO state (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, String(value));
  }

  /** A value that may wait for the minute commit (the byte budget's counts): at once without deferBookkeeping. */
  setStateLater(key: string, value: string | number): void {
    if (this.later) this.later.state.set(key, String(value));
    else this.setState(key, value);
  }

  /** getState / setStateLater, for a store of figures that may lose a minute (the byte budget). */
  readonly laterState = { getState: (key: string) => this.getState(key), setState: (key: string, value: string | number) => this.setStateLater(key, value) };

  private addToCounter(key: string, n: number): void {
    this.setStateLater(key, Number(this.getState(key) ?? 0) + n);
  }

  /**
   * Write the held bookkeeping inside the caller's transaction. Returns what to call once that
   * transaction has committed: only then is it forgotten (a rollback keeps it held).
   */
  writeLaterIn(): () => void {
    const l = this.later;
    if (!l || l.empty()) return () => {};
    const sent = [...l.sent];
    const acked = [...l.acked];
    const state = [...l.state];
    const mark = this.db.prepare('UPDATE outbox SET attempts = attempts + ?, last_sent = ? WHERE seq = ?');
    const del = this.db.prepare('DELETE FROM outbox WHERE seq = ?');
    const set = this.db.prepare('INSERT INTO state (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value');
    this.atomically(() => {
      for (const [seq, s] of sent) mark.run(s.times, s.at, seq);
      for (const seq of acked) del.run(seq);
      for (const [k, v] of state) set.run(k, v);
    });
    return () => {
      for (const [seq, s] of sent) if (l.sent.get(seq) === s) l.sent.delete(seq);
      for (const seq of acked) l.acked.delete(seq);
      for (const [k, v] of state) if (l.state.get(k) === v) l.state.delete(k);
    };
  }

  /** Write the held bookkeeping now, in a transaction of its own (on stop, before evicting batches). */
  writeLater(): void {
    if (!this.later || this.later.empty()) return;
    this.atomically(() => this.writeLaterIn())();
  }

  /** Start of the last minute aggregated for this sensor, or null before the first. */
  lastAggregatedMinute(sensor: string): number | null {
    const v = this.getState(`aggregated:${sensor}`);
    return v === null ? null : Number(v);
  }

  /**
   * Store the records of closed minutes and put the new ones in one outbox batch.
   * Records already stored (a minute aggregated before a crash) are not sent twice.
   * `periodsOf` runs once the minutes are stored, in the same transaction: it builds (and
   * stores) the 10-min / hourly aggregates they complete, which travel in the same batch.
   * Returns the batch's seq, or null when nothing was new.
   */
  commitMinutes(records: MinuteRecord[], now: number, periodsOf?: () => WireRecord[]): number | null {
    return this.atomically(() => {
      const insert = this.db.prepare('INSERT OR IGNORE INTO minute_records (sensor, ts, record) VALUES (?, ?, ?)');
      const fresh = records.filter((r) => insert.run(r.sensor, r.ts, packRecord(r)).changes === 1);
      for (const r of records) {
        const last = this.lastAggregatedMinute(r.sensor);
        if (last === null || r.ts > last) this.setState(`aggregated:${r.sensor}`, r.ts);
      }
      const periods = periodsOf?.() ?? [];
      if (!fresh.length && !periods.length) return null;
      const all: WireRecord[] = [...fresh, ...periods];
      // A batch of minutes is built when sent, from its records (tagged with its seq) and the
      // periods they close: storing it too wrote every minute twice, and rewrote it at each send.
      const payload = fresh.length ? FROM_RECORDS : '';
      const seq = Number(this.db.prepare('INSERT INTO outbox (created, n_records, payload) VALUES (?, ?, ?)').run(now, all.length, payload).lastInsertRowid);
      const tag = this.db.prepare('UPDATE minute_records SET seq = ? WHERE sensor = ? AND ts = ?');
      for (const r of fresh) tag.run(seq, r.sensor, r.ts);
      if (!fresh.length) this.db.prepare('UPDATE outbox SET payload = ? WHERE seq = ?').run(JSON.stringify(makeBatch(this.station, seq, now, all)), seq);
      return seq;
    });
  }

  /**
   * Batches to send now: never sent, or sent longer than `resendAfterMs` × resendFactor ago. Fresh ones
   * first (never sent, created within `freshMs`: the latest minutes), then the backlog in
   * `order`. A batch being resent is backlog: it is not what the forecaster lacks most.
   */
  due(now: number, resendAfterMs: number, limit: number, exclude: Set<number>, opts: { freshMs?: number; order?: BacklogOrder } = {}): DueRow[] {
    if (limit <= 0) return [];
    const dir = opts.order === 'newest-first' ? 'DESC' : 'ASC';
    // held marks and acks count as written: an acked batch is gone, one sent lately waits
    const l = this.later;
    const skip = l?.acked.size ? new Set([...exclude, ...l.acked]) : exclude;
    const waited = (sends: number, at: number) => !Number.isFinite(resendAfterMs) || at <= now - resendAfterMs * resendFactor(sends);
    // resendAfterMs -Infinity (after a reconnect): everything not in `exclude` is due
    const waits = Number.isFinite(resendAfterMs);
    const rows = this.db.prepare(`SELECT *, (last_sent IS NULL AND created >= ?) AS fresh FROM outbox ${waits ? `WHERE last_sent IS NULL OR last_sent <= ? - ? * ${RESEND_FACTOR_SQL}` : ''} ORDER BY fresh DESC, seq ${dir} LIMIT ?`)
      .all(now - (opts.freshMs ?? 5 * 60_000), ...(waits ? [now, resendAfterMs] : []), limit + skip.size + (l?.sent.size ?? 0)) as Array<OutboxRow & { fresh: number }>;
    return rows.filter((r) => {
      if (skip.has(r.seq)) return false;
      const held = l?.sent.get(r.seq);
      return !held || waited(r.attempts + held.times, held.at);
    }).slice(0, limit).map((r) => {
      const held = l?.sent.get(r.seq);
      const stored = r.payload;
      let built: string | null = null;
      // Built when read: the uplink asks for up to its whole window's worth of rows but sends
      // the first few messages; building every one (records, JSON, checksum) at each pump
      // made draining a long backlog quadratic (issue #10's soak).
      const payloadOf = () => (built ??= this.payloadOf({ seq: r.seq, created: r.created, payload: stored }));
      return {
        seq: r.seq, created: r.created, n_records: r.n_records,
        attempts: r.attempts + (held?.times ?? 0), last_sent: held ? held.at : r.last_sent,
        get payload() { return payloadOf(); },
        fresh: r.fresh === 1 && !held,
      };
    });
  }

  /** The batch as it goes on the wire (JSON): stored, or built from its records (FROM_RECORDS). */
  payloadOf(row: Pick<OutboxRow, 'seq' | 'created' | 'payload'>): string {
    if (row.payload !== FROM_RECORDS) return row.payload;
    const records = this.recordsOf(row.seq);
    return JSON.stringify(makeBatch(this.station, row.seq, row.created, [...records, ...this.periodsClosedBy(records)]));
  }

  private recordsOf(seq: number): MinuteRecord[] {
    return (this.db.prepare('SELECT record FROM minute_records WHERE seq = ? ORDER BY ts, sensor').all(seq) as Array<{ record: Buffer | string }>).map((r) => unpackRecord(r.record));
  }

  /** Send these batches again at the next pump (the central system asked for them). */
  makeDue(seqs: number[]): void {
    const upd = this.db.prepare('UPDATE outbox SET last_sent = NULL WHERE seq = ?');
    for (const s of seqs) this.later?.sent.delete(s);
    this.atomically(() => { for (const s of seqs) upd.run(s); });
  }

  /**
   * Answer the central system's question about seqs `first..last`: still in the outbox
   * (pending: made due again), acked before but rebuilt from the stored records (resent),
   * evicted by the quota (with the evicted ranges), or never given (unknown).
   */
  reconcile(first: number, last: number, maxResend = 1000): GapAnswer {
    const answer: GapAnswer = { pending: [], resent: [], evicted: [], unknown: [] };
    const top = Number((this.db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'outbox'").get() as { seq: number } | undefined)?.seq ?? 0);
    const inOutbox = new Set((this.db.prepare('SELECT seq FROM outbox WHERE seq BETWEEN ? AND ?').all(first, last) as Array<{ seq: number }>).map((r) => r.seq));
    for (const s of this.later?.acked ?? []) inOutbox.delete(s); // acked: resent from its records, as any acked batch
    const ev = this.db.prepare("SELECT first_seq AS a, last_seq AS b FROM evictions WHERE kind = 'batches' AND last_seq >= ? AND first_seq <= ? ORDER BY first_seq").all(first, last) as Array<{ a: number; b: number }>;
    answer.evicted = ev.map((e) => [Math.max(e.a, first), Math.min(e.b, last)]);
    const isEvicted = (s: number) => ev.some((e) => s >= e.a && s <= e.b);
    const created = this.db.prepare('SELECT max(ts) AS t FROM minute_records WHERE seq = ?');
    for (let s = first; s <= Math.min(last, first + maxResend - 1); s++) {
      if (inOutbox.has(s)) answer.pending.push(s);
      else if (isEvicted(s)) continue;
      else if (s > top || s < 1) answer.unknown.push(s);
      else {
        const records = this.recordsOf(s);
        // Acked and then its records evicted (or stored before seqs were kept): say so.
        if (!records.length) answer.unknown.push(s);
        else answer.resent.push({ seq: s, created: (created.get(s) as { t: number }).t, records: [...records, ...this.periodsClosedBy(records)] });
      }
    }
    if (answer.pending.length) this.makeDue(answer.pending);
    return answer;
  }

  /**
   * The 10-min / hourly aggregates a batch of minutes completed (a period ends with the
   * minute that closes it: the rule of gateway/pipeline/aggregates-periods.ts), as stored.
   */
  private periodsClosedBy(minutes: MinuteRecord[]): WireRecord[] {
    const get = this.db.prepare('SELECT record FROM aggregates WHERE period = ? AND sensor = ? AND ts = ?');
    const out: WireRecord[] = [];
    for (const m of minutes) {
      for (const [period, ms] of [['10min', 600_000], ['1h', 3_600_000]] as const) {
        const end = m.ts + 60_000;
        if (end % ms !== 0) continue;
        const row = get.get(period, m.sensor, end - ms) as { record: Buffer | string } | undefined;
        if (row) out.push(toWireRecord(unpackJson<WireRecord>(row.record)));
      }
    }
    return out;
  }

  markSent(seqs: number[], now: number): void {
    if (!seqs.length) return;
    const l = this.later;
    if (l) {
      for (const seq of seqs) l.sent.set(seq, { at: now, times: (l.sent.get(seq)?.times ?? 0) + 1 });
      this.addToCounter('batches_sent', seqs.length);
      return;
    }
    this.atomically(() => {
      const upd = this.db.prepare('UPDATE outbox SET attempts = attempts + 1, last_sent = ? WHERE seq = ?');
      for (const s of seqs) upd.run(now, s);
      this.addToCounter('batches_sent', seqs.length);
    });
  }

  /**
   * The central system holds these batches: they leave the outbox. Unknown seqs are ignored.
   * `records` counts the minute records acked (a batch's aggregates are not minutes: the
   * `records_acked` figure stays comparable with `recordsCommitted`).
   */
  acknowledge(seqs: number[]): { batches: number; records: number } {
    return this.atomically(() => {
      let batches = 0;
      let records = 0;
      const l = this.later;
      // held: the row stays until the minute commit, counted as gone from now on
      const del = l ? this.db.prepare('SELECT n_records FROM outbox WHERE seq = ?') : this.db.prepare('DELETE FROM outbox WHERE seq = ? RETURNING n_records');
      const minutes = this.db.prepare('SELECT count(*) AS n FROM minute_records WHERE seq = ?');
      for (const s of seqs) {
        if (l?.acked.has(s)) continue;
        const row = del.get(s) as { n_records: number } | undefined;
        if (!row) continue;
        l?.acked.add(s);
        batches++;
        records += (minutes.get(s) as { n: number }).n;
      }
      if (batches) {
        this.addToCounter('batches_acked', batches);
        this.addToCounter('records_acked', records);
      }
      return { batches, records };
    });
  }

  counts(): StoreCounts {
    const q = <T>(sql: string) => this.db.prepare(sql).get() as T;
    const acked = this.later?.acked.size ? JSON.stringify([...this.later.acked]) : null;
    const ob = (acked
      ? this.db.prepare('SELECT count(*) AS b, sum(n_records) AS r, min(created) AS oldest FROM outbox WHERE seq NOT IN (SELECT value FROM json_each(?))').get(acked)
      : q('SELECT count(*) AS b, sum(n_records) AS r, min(created) AS oldest FROM outbox')) as { b: number; r: number | null; oldest: number | null };
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

/** A 10-min / hourly aggregate as a batch carries it: `{ts, sensor, period, values}`. */
export function toWireRecord(a: Pick<WireRecord, 'ts' | 'sensor' | 'period' | 'values'>): WireRecord {
  return { ts: a.ts, sensor: a.sensor, period: a.period, values: a.values };
}

/** What an outbox with deferBookkeeping holds until the minute commit. */
class LaterWrites {
  /** seq → when last sent and how many sends since written */
  readonly sent = new Map<number, { at: number; times: number }>();
  readonly acked = new Set<number>();
  readonly state = new Map<string, string>();

  empty(): boolean {
    return !this.sent.size && !this.acked.size && !this.state.size;
  }
}
