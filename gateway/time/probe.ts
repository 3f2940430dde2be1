// Asking the central system for the time. Its acks carry its clock (`ts`), but an ack needs a
// batch, and no minute closes while the time is unknown: so, while unsynchronised with the
// ack source on, the station puts an empty batch in the outbox (~60 bytes on the wire) when the
// link comes up and every `everyMs` while none is waiting. It travels, is acked and deleted as
// any batch (the receiver holds its seq: no gap); the ack's time is the sample.
// Written here rather than in Outbox because it is the only batch without records.
import { makeBatch, type Timer } from '../../core/index.ts';
import type { Db } from '../store/db.ts';
import type { TimeSync } from './sync.ts';

export class TimeProbe {
  private timer: Timer | null = null;
  sent = 0;

  constructor(private readonly o: { db: Db; station: string; time: TimeSync; everyMs: number; connected: () => boolean; pump: () => void }) {}

  start(): void {
    if (!this.o.time.sources.has('ack')) return;
    this.timer = this.o.time.clock.every(this.o.everyMs, () => this.maybe());
  }

  stop(): void {
    this.timer?.cancel();
    this.timer = null;
  }

  /** Put a probe in the outbox if the time is unknown, the link is up and none is waiting. */
  maybe(): void {
    const { db, time } = this.o;
    if (time.synchronised || !time.sources.has('ack') || !this.o.connected()) return;
    if (db.prepare('SELECT 1 FROM outbox WHERE n_records = 0 LIMIT 1').get()) return;
    const now = Math.round(time.clock.now());
    db.transaction(() => {
      const seq = Number(db.prepare("INSERT INTO outbox (created, n_records, payload) VALUES (?, 0, '')").run(now).lastInsertRowid);
      db.prepare('UPDATE outbox SET payload = ? WHERE seq = ?').run(JSON.stringify(makeBatch(this.o.station, seq, now, [])), seq);
    })();
    this.sent++;
    this.o.pump();
  }
}
