import { describe, expect, it } from 'vitest';
import { openDatabase } from './db.ts';

describe('prepared statements, kept per SQL text (openDatabase)', () => {
  it('gives the same statement back for the same SQL, a different one for other SQL', () => {
    const db = openDatabase(':memory:');
    const a = db.prepare('SELECT count(*) AS n FROM outbox');
    expect(db.prepare('SELECT count(*) AS n FROM outbox')).toBe(a);
    expect(db.prepare('SELECT count(*) AS n FROM minute_records')).not.toBe(a);
    expect((a.get() as { n: number }).n).toBe(0);
    db.close();
  });

  it('gives a fresh statement while the cached one is being iterated, so nested reads of the same SQL work', () => {
    const db = openDatabase(':memory:');
    db.exec('CREATE TABLE t (v INTEGER)');
    const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
    for (const v of [1, 2, 3]) insert.run(v);
    const sql = 'SELECT v FROM t WHERE v >= ? ORDER BY v';
    const pairs: string[] = [];
    for (const outer of db.prepare(sql).iterate(1) as Iterable<{ v: number }>) {
      const inner = db.prepare(sql);
      expect(inner.busy).toBe(false);
      for (const r of inner.iterate(outer.v) as Iterable<{ v: number }>) pairs.push(`${outer.v}${r.v}`);
    }
    expect(pairs).toEqual(['11', '12', '13', '22', '23', '33']);
    // once the iteration ended the cached statement serves again
    expect(db.prepare(sql).busy).toBe(false);
    db.close();
  });
});
