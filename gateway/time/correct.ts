// Readings taken while the time was unknown, put right once it is known. Each kept its
// monotonic time and its boot: within the boot, true time = the sync's true time + (its
// monotonic time − the sync's monotonic time), exactly, however the board's clock was set
// or stepped meanwhile. The time flag goes (QC's own flag comes back) and `time_corrected`
// says the timestamp was rebuilt. Readings of another boot cannot be placed: they stay
// time-uncertain, outside every minute, and are counted in status.
import { mergeQc, type Observation, type QcReason } from '../../core/index.ts';
import type { Db } from '../store/db.ts';
import type { RawObservation } from '../store/raw.ts';
import type { TimeSync } from './sync.ts';

const UNCERTAIN: Observation['qc'] = { flag: 'suspect', reasons: ['time_uncertain'] };

/** The station's readings as stored: while the time is unknown, flagged and with their monotonic time. */
export function markTime(obs: Observation[], time: TimeSync): RawObservation[] {
  if (time.synchronised) return obs;
  return obs.map((o) => ({ ...o, qc: mergeQc(o.qc, UNCERTAIN), uncertain: { mono: time.monoAt(o.ts), boot: time.bootId, qcFlag: o.qc.flag } }));
}

export interface Correction { rows: number; from: number | null; to: number | null }

/** Give this boot's time-uncertain readings their true times (one transaction). */
export function correctUncertain(db: Db, boot: string, anchor: { trueMs: number; mono: number }): Correction {
  const rows = db.prepare('SELECT rowid AS id, mono, reasons, qc_flag FROM raw_obs WHERE boot = ? AND qc_flag IS NOT NULL').all(boot) as Array<{ id: number; mono: number; reasons: string; qc_flag: string }>;
  const upd = db.prepare('UPDATE raw_obs SET ts = ?, flag = ?, reasons = ?, qc_flag = NULL WHERE rowid = ?');
  let from: number | null = null;
  let to: number | null = null;
  db.transaction(() => {
    for (const r of rows) {
      const ts = Math.round(anchor.trueMs + (r.mono - anchor.mono));
      const reasons = r.reasons.split(',').filter((x) => x && x !== 'time_uncertain') as QcReason[];
      reasons.push('time_corrected');
      upd.run(ts, r.qc_flag, reasons.join(','), r.id);
      from = from === null ? ts : Math.min(from, ts);
      to = to === null ? ts : Math.max(to, ts);
    }
  })();
  return { rows: rows.length, from, to };
}

/** Readings still waiting for their time (this boot's before sync, or another boot's that never synced). */
export function countUncertain(db: Db): number {
  return (db.prepare('SELECT count(*) AS n FROM raw_obs WHERE qc_flag IS NOT NULL').get() as { n: number }).n;
}
