// The reference receiver's own database: one row per (station, seq) batch and one per
// (station, sensor, period, ts) record — period '1min' for a minute record, '10min' / '1h'
// for the aggregates that travel beside them, so an aggregate starting at 06:00 never
// stands in for the 06:00 minute. The primary keys are the de-duplication.
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { periodOf, type ObsBatch } from '../../core/index.ts';

/** `records` counts minute records only (what the stations' audits compare); `aggregates` the 10-min and hourly ones. */
export interface ReceiverCounts { batches: number; records: number; aggregates: number; duplicateBatches: number; duplicateRecords: number; rejected: number }

export type RecordPeriod = '1min' | '10min' | '1h';

/**
 * What the receiver's ingest needs of a store (issue 11). `ReceiverStore` is SQLite: one file
 * in WAL that several receiver processes on one machine share, each message one IMMEDIATE
 * transaction (the write lock taken at BEGIN, so two receivers never deadlock upgrading a
 * read), `busy_timeout` for the wait, and INSERT OR IGNORE on the keys — (station, seq) for
 * batches, (station, sensor, period, ts) for records — as the de-duplication across
 * receivers. A networked database implements the same with the same keys (PostgreSQL:
 * `INSERT … ON CONFLICT DO NOTHING` in one transaction a message; docs/deploy-central.md).
 */
export interface ObsStore {
  /** Store a message's batches in one transaction, each once. Throws when it cannot commit: the message is then not acked, and the station sends it again. */
  storeMessage(batches: ObsBatch[], now: number): Array<'stored' | 'duplicate'>;
  bump(name: string): void;
  counts(): ReceiverCounts;
  stations(): string[];
  gaps(station: string, maxRanges?: number): Array<[number, number]>;
  settle(station: string, ranges: Array<[number, number]>, kind: 'evicted' | 'unknown', now: number): void;
  close(): void;
}

export class ReceiverStore implements ObsStore {
  readonly db: Database.Database;
  private readonly saveBatch;
  private readonly saveMessage;

  /** `busyTimeoutMs`: how long a commit waits for another receiver process holding the file's write lock */
  constructor(path: string, opts: { busyTimeoutMs?: number } = {}) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path);
    this.db.pragma(`busy_timeout = ${opts.busyTimeoutMs ?? 5000}`); // first: switching to WAL may itself wait for another process
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    // One IMMEDIATE transaction: receivers started together on one shared file make the schema once.
    this.db.transaction(() => {
      this.db.exec(`
      CREATE TABLE IF NOT EXISTS batches (station TEXT NOT NULL, seq INTEGER NOT NULL, received INTEGER NOT NULL, n_records INTEGER NOT NULL, PRIMARY KEY (station, seq)) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID;
      -- seq ranges a station said it evicted or never had: gaps that will never fill
      CREATE TABLE IF NOT EXISTS settled (station TEXT NOT NULL, first INTEGER NOT NULL, last INTEGER NOT NULL, kind TEXT NOT NULL, at INTEGER NOT NULL);
    `);
      this.migrateRecords();
    }).immediate();
    const bump = this.db.prepare('INSERT INTO counters (name, n) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET n = n + excluded.n');
    const insBatch = this.db.prepare('INSERT OR IGNORE INTO batches (station, seq, received, n_records) VALUES (?, ?, ?, ?)');
    const insRecord = this.db.prepare('INSERT OR IGNORE INTO records (station, sensor, period, ts, seq, record) VALUES (?, ?, ?, ?, ?, ?)');
    this.saveBatch = this.db.transaction((b: ObsBatch, now: number): 'stored' | 'duplicate' => {
      if (insBatch.run(b.station, b.seq, now, b.records.length).changes === 0) {
        bump.run('duplicate_batches', 1);
        return 'duplicate';
      }
      let dupRecords = 0;
      for (const r of b.records) if (insRecord.run(b.station, r.sensor, periodOf(r), r.ts, b.seq, JSON.stringify(r)).changes === 0) dupRecords++;
      if (dupRecords) bump.run('duplicate_records', dupRecords);
      return 'stored';
    });
    this.saveMessage = this.db.transaction((batches: ObsBatch[], now: number) => batches.map((b) => this.saveBatch(b, now)));
    this.bump = (name: string) => bump.run(name, 1);
  }

  storeMessage(batches: ObsBatch[], now: number): Array<'stored' | 'duplicate'> {
    return this.saveMessage.immediate(batches, now);
  }

  readonly bump: (name: string) => void;

  /** The records table keyed by period; a database made before it had minutes only, which it keeps as '1min'. */
  private migrateRecords(): void {
    const create = (name: string) => `CREATE TABLE ${name} (station TEXT NOT NULL, sensor TEXT NOT NULL, period TEXT NOT NULL DEFAULT '1min', ts INTEGER NOT NULL, seq INTEGER NOT NULL, record TEXT NOT NULL, PRIMARY KEY (station, sensor, period, ts)) WITHOUT ROWID`;
    const cols = (this.db.prepare('PRAGMA table_info(records)').all() as Array<{ name: string }>).map((c) => c.name);
    if (!cols.length) this.db.exec(create('records'));
    else if (!cols.includes('period')) {
      this.db.transaction(() => {
        this.db.exec(`${create('records_new')}; INSERT INTO records_new (station, sensor, period, ts, seq, record) SELECT station, sensor, '1min', ts, seq, record FROM records; DROP TABLE records; ALTER TABLE records_new RENAME TO records;`);
      })();
    }
  }

  /** Store a verified batch once; a batch already held is a duplicate (still to be acked). */
  store(batch: ObsBatch, now: number): 'stored' | 'duplicate' {
    return this.saveBatch(batch, now);
  }

  counts(): ReceiverCounts {
    const n = (sql: string, ...args: string[]) => (this.db.prepare(sql).get(...args) as { n: number | null } | undefined)?.n ?? 0;
    const counter = (name: string) => n('SELECT n FROM counters WHERE name = ?', name);
    return {
      batches: n('SELECT count(*) AS n FROM batches'),
      records: n("SELECT count(*) AS n FROM records WHERE period = '1min'"),
      aggregates: n("SELECT count(*) AS n FROM records WHERE period <> '1min'"),
      duplicateBatches: counter('duplicate_batches'),
      duplicateRecords: counter('duplicate_records'),
      rejected: counter('rejected'),
    };
  }

  /** Stations heard from. */
  stations(): string[] {
    return (this.db.prepare('SELECT DISTINCT station FROM batches').all() as Array<{ station: string }>).map((r) => r.station);
  }

  /**
   * Seq ranges missing below the highest seq held from `station` (seqs start at 1), less the
   * ranges the station said were evicted or unknown. The tail past the highest is unknowable.
   */
  gaps(station: string, maxRanges = 100): Array<[number, number]> {
    const held = this.db.prepare('SELECT seq FROM batches WHERE station = ? ORDER BY seq').all(station) as Array<{ seq: number }>;
    const settled = this.db.prepare('SELECT first, last FROM settled WHERE station = ?').all(station) as Array<{ first: number; last: number }>;
    const out: Array<[number, number]> = [];
    const push = (a: number, b: number) => {
      // cut the settled ranges out of [a, b]
      let pieces: Array<[number, number]> = [[a, b]];
      for (const s of settled) pieces = pieces.flatMap(([x, y]) => (s.last < x || s.first > y ? [[x, y]] : [...(s.first > x ? [[x, s.first - 1]] : []), ...(s.last < y ? [[s.last + 1, y]] : [])]) as Array<[number, number]>);
      out.push(...pieces);
    };
    let expect = 1;
    for (const { seq } of held) {
      if (seq > expect) push(expect, seq - 1);
      expect = seq + 1;
      if (out.length >= maxRanges) break;
    }
    return out.slice(0, maxRanges);
  }

  settle(station: string, ranges: Array<[number, number]>, kind: 'evicted' | 'unknown', now: number): void {
    const ins = this.db.prepare('INSERT INTO settled (station, first, last, kind, at) VALUES (?, ?, ?, ?, ?)');
    this.db.transaction(() => { for (const [a, b] of ranges) ins.run(station, a, b, kind, now); })();
  }

  settledCounts(station: string): { evicted: number; unknown: number } {
    const n = (kind: string) => (this.db.prepare('SELECT sum(last - first + 1) AS n FROM settled WHERE station = ? AND kind = ?').get(station, kind) as { n: number | null }).n ?? 0;
    return { evicted: n('evicted'), unknown: n('unknown') };
  }

  hasRecord(station: string, sensor: string, ts: number, period: RecordPeriod = '1min'): boolean {
    return this.db.prepare('SELECT 1 FROM records WHERE station = ? AND sensor = ? AND period = ? AND ts = ?').get(station, sensor, period, ts) !== undefined;
  }

  /** A stored record as it arrived (a minute by default), or null. */
  record(station: string, sensor: string, ts: number, period: RecordPeriod = '1min'): ObsBatch['records'][number] | null {
    const row = this.db.prepare('SELECT record FROM records WHERE station = ? AND sensor = ? AND period = ? AND ts = ?').get(station, sensor, period, ts) as { record: string } | undefined;
    return row ? (JSON.parse(row.record) as ObsBatch['records'][number]) : null;
  }

  close(): void {
    this.db.close();
  }
}
