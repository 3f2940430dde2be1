// A full disk (SQLITE_FULL, or ENOSPC from the OS) must not stop a station measuring. The
// raw writer is the store's busiest writer (every second): this one, on a full disk, asks
// the quota to evict by priority and tries the same rows again; if the disk is still full
// the rows wait in memory (bounded) and go with the next flush. Each event is logged; the
// eviction log says what was given up for them.
import type { Clock } from '../../core/index.ts';
import { RateLimitedLog, type Logger } from '../log.ts';
import type { Db } from './db.ts';
import type { StoreQuota } from './quota.ts';
import { RawWriter, type RawWriterOptions } from './raw.ts';

export function isDiskFull(err: unknown): boolean {
  const e = err as { code?: string; message?: string } | null;
  return e?.code === 'SQLITE_FULL' || e?.code === 'ENOSPC' || /database or disk is full|ENOSPC/.test(e?.message ?? '');
}

export class DiskFullSafeRawWriter extends RawWriter {
  /** readings kept in memory while the disk is full, at most (then the oldest go, counted) */
  private readonly maxHeld: number;
  diskFullEvents = 0;
  droppedInMemory = 0;
  /** a full disk fails every flush (every second): one line a minute, with the count held back */
  private readonly limited: RateLimitedLog;

  constructor(db: Db, clock: Clock, private readonly quota: StoreQuota | null, private readonly log: Logger, opts: RawWriterOptions & { maxHeld?: number } = {}) {
    super(db, clock, opts);
    this.maxHeld = opts.maxHeld ?? 100_000;
    this.limited = new RateLimitedLog(log, clock);
  }

  override flush(): void {
    try {
      super.flush();
      return;
    } catch (err) {
      if (!isDiskFull(err)) throw err;
      this.diskFullEvents++;
      const evicted = this.quota?.onDiskFull() ?? [];
      this.limited.error('raw:disk-full', { readings: this.pending.length, evicted: evicted.length, events: this.diskFullEvents }, 'store: disk full while writing raw readings; evicted by priority');
    }
    // Once more after eviction; if it still fails the readings stay pending for the next flush (the base flush keeps them).
    try {
      super.flush();
    } catch (err) {
      if (!isDiskFull(err)) throw err;
      if (this.pending.length > this.maxHeld) {
        const drop = this.pending.length - this.maxHeld;
        this.pending.splice(0, drop);
        this.droppedInMemory += drop;
        this.limited.error('raw:dropped', { dropped: drop, droppedInMemory: this.droppedInMemory }, 'store: disk still full; oldest raw readings held in memory dropped');
      }
    }
  }
}
