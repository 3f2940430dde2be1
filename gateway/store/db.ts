// Opens the station database: one file, one writer, WAL, synchronous=FULL so that what a
// transaction committed survives a power cut (WAL keeps a torn write from corrupting it).
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { MIGRATIONS } from './migrations.ts';

export type Db = Database.Database;

export function openDatabase(path: string): Db {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 5000');
  migrate(db);
  return db;
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
