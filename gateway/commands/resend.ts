// `resend` (gap reconciliation, docs/uplink.md): the central system names seq ranges it lacks,
// args `{ ranges: [[first, last], …] }`. The answer says what became of each seq: `pending`
// (still in the outbox, made due at once), `resent` (acked before, rebuilt from the stored
// minute records and sent again on obs), `evicted` (dropped by the disk quota) and `unknown`
// (never given, or the records are gone) — the reply fields of the receiver's resendReplySchema.
import { toRanges, type BatchPart } from '../../core/index.ts';
import type { Outbox } from '../store/outbox.ts';
import type { Uplink } from '../uplink/uplink.ts';
import type { CommandHandler } from './registry.ts';

/** A request names at most this many ranges, each at most this many seqs (a bounded answer). */
const MAX_RANGES = 100;
const MAX_RANGE_SEQS = 10_000;

export function resendHandler(outbox: Outbox, uplink: Pick<Uplink, 'sendAgain'>): CommandHandler {
  return (args) => {
    const ranges = args.ranges;
    if (!Array.isArray(ranges) || !ranges.every((r) => Array.isArray(r) && r.length === 2 && r.every((n) => Number.isInteger(n) && n > 0))) {
      return { ok: false, message: 'resend: args.ranges must be [[first, last], …] of positive integers' };
    }
    const pending: number[] = [];
    const resentSeqs: number[] = [];
    const unknown: number[] = [];
    const evicted: Array<[number, number]> = [];
    const resend: BatchPart[] = [];
    for (const [a, b] of (ranges as Array<[number, number]>).slice(0, MAX_RANGES)) {
      const lo = Math.min(a, b);
      const ans = outbox.reconcile(lo, Math.min(Math.max(a, b), lo + MAX_RANGE_SEQS - 1));
      pending.push(...ans.pending);
      evicted.push(...ans.evicted);
      unknown.push(...ans.unknown);
      resend.push(...ans.resent);
      resentSeqs.push(...ans.resent.map((p) => p.seq));
    }
    const went = uplink.sendAgain(resend);
    const out = { pending: toRanges(pending), resent: toRanges(resentSeqs), evicted, unknown: toRanges(unknown) };
    const held = resend.length - went;
    return {
      ok: true,
      message: `resend: ${pending.length} pending, ${resentSeqs.length} resent${held ? ` (${held} held by the byte budget or the link)` : ''}, ${evicted.length} evicted ranges, ${unknown.length} unknown`,
      ...out,
    };
  };
}
