// Command ids already seen (table command_nonces, migration 6): a replayed command finds its
// id here. An id is kept until its envelope expires plus a margin, so a clock stepped back by
// time sync (issue #10 item 4) does not bring back a pruned id whose envelope still looks valid.
import { commitDurably, type Db } from '../store/db.ts';

export class NonceStore {
  private readonly insert;
  private readonly prune;
  private readonly count;

  constructor(private readonly db: Db, private readonly marginMs: number) {
    this.insert = db.prepare('INSERT OR IGNORE INTO command_nonces (id, cmd, expires, seen) VALUES (?, ?, ?, ?)');
    this.prune = db.prepare('DELETE FROM command_nonces WHERE expires < ?');
    this.count = db.prepare('SELECT COUNT(*) AS n FROM command_nonces');
  }

  /**
   * Records the id; false when it was there already (a replay). Written before the command
   * runs, so a crash during the command cannot open the door to running it twice.
   */
  claim(id: string, cmd: string, expires: number, now: number): boolean {
    // durable: a power cut right after must not forget the id and let a replay through
    return commitDurably(this.db, () => this.insert.run(id, cmd, expires, Math.round(now)).changes === 1);
  }

  /** Forget ids whose envelopes expired more than the margin ago; returns how many. */
  pruneExpired(now: number): number {
    return this.prune.run(Math.round(now - this.marginMs)).changes;
  }

  size(): number {
    return (this.count.get() as { n: number }).n;
  }
}
