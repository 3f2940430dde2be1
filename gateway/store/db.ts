// Opens the station database: one file, one writer, WAL. What wears an SD card is commits, each
// appending whole pages to the WAL and, with synchronous=FULL, an fsync that makes the next one
// rewrite the same partly filled 4 kB block. So (docs/decisions.md, "SD card writes"):
//   - 1 kB pages (new databases only): a commit appends the few kB it changed, not 4 kB per page;
//   - one durable commit a minute, the minute close (commitDurably): the station's readings,
//     sends and acks wait in memory for it (MinuteCloser.closeDue). A power cut loses at most
//     that minute, which the central system asks again for (or which arrives twice and is
//     stored once). synchronous=NORMAL stays for the rare commits between (a camera frame,
//     a nowcast): WAL keeps them atomic, a power cut cannot corrupt the file;
//   - the station holds the file alone (OpenOptions.exclusive): no -shm file rewritten at each commit.
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { MIGRATIONS } from './migrations.ts';

export type Db = Database.Database;
type Statement = ReturnType<Db['prepare']>;

/** SQLite's default WAL size before a checkpoint (1000 pages of 4 kB), kept in bytes whatever the page size. */
const WAL_CHECKPOINT_BYTES = 4 * 1024 * 1024;

export interface OpenOptions {
  /**
   * Hold the file alone (locking_mode EXCLUSIVE, set before WAL is entered): SQLite then keeps
   * the WAL index in this process's memory, not in the mapped `-shm` file whose pages every
   * commit dirties again (~30 MB a day of the card's writes at one commit a minute). No other
   * connection can read the file meanwhile (`storage.shared_reads`).
   */
  exclusive?: boolean;
}

export function openDatabase(path: string, opts: OpenOptions = {}): Db {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma('page_size = 1024'); // takes effect only on a new, empty file
  if (opts.exclusive && path !== ':memory:') db.pragma('locking_mode = EXCLUSIVE');
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma(`wal_autocheckpoint = ${Math.round(WAL_CHECKPOINT_BYTES / (db.pragma('page_size', { simple: true }) as number))}`);
  db.pragma('busy_timeout = 5000');
  // better-sqlite3 is compiled with a 16 MB page cache per connection (SQLITE_DEFAULT_CACHE_SIZE
  // = -16000): on a board that is native memory that fills over days and never shows in the JS
  // heap. 4 MB holds the pages the station reads again (the last hours' minutes and blocks).
  db.pragma('cache_size = -4000');
  migrate(db);
  return cacheStatements(db);
}

/** Distinct SQL texts kept prepared; the store's are a few dozen, so this is only a guard. */
const STATEMENT_CACHE_SIZE = 256;

/**
 * The store prepares its SQL at each call. Each prepare is a native statement (a few kB of
 * malloc) freed only when V8 collects its wrapper: thousands a day on a station, a third of the
 * CPU of a 500-station fleet at 60× (profiled), and churn in the native heap of a process that
 * runs for months. This gives the same statement back for the same SQL — the store never
 * changes a statement's mode (pluck, raw, bind). A statement still being iterated is busy:
 * a call meanwhile gets a fresh one of its own.
 */
export function cacheStatements(db: Db): Db {
  const prepare = db.prepare.bind(db);
  const cache = new Map<string, Statement>();
  (db as { prepare: (sql: string) => Statement }).prepare = (sql: string) => {
    const cached = cache.get(sql);
    if (cached && !cached.busy) return cached;
    const st = prepare(sql);
    if (!cached && cache.size < STATEMENT_CACHE_SIZE) cache.set(sql, st);
    return st;
  };
  return db;
}

/**
 * Run `fn` in one transaction whose commit is on the card when this returns (fsync), with
 * every commit made before it. Inside another transaction it is part of that one.
 */
export function commitDurably<T>(db: Db, fn: () => T): T {
  if (db.inTransaction) return fn();
  db.pragma('synchronous = FULL');
  try {
    return db.transaction(fn)();
  } finally {
    db.pragma('synchronous = NORMAL');
  }
}

export function migrate(db: Db): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > MIGRATIONS.length) {
    throw new Error(`database schema version ${current} is newer than this gateway knows (${MIGRATIONS.length}); refusing to touch it`);
  }
  for (let v = current; v < MIGRATIONS.length; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v]!);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
  // Slot 7 (time without a clock) held only a comment for a few hours of issue #10: a database
  // that ran it then is at version 7 without its columns. Run it again where they are missing.
  if (current >= 7 && !(db.pragma('table_info(raw_obs)') as Array<{ name: string }>).some((c) => c.name === 'qc_flag')) {
    db.transaction(() => db.exec(MIGRATIONS[6]!))();
  }
}
