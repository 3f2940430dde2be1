// Helpers to put a QC verdict on an aggregated value ({v, f, r, n}, core/wire.ts) without
// losing what it already carries: the flag only ever gets worse and reasons only accumulate.
import { mergeQc, type MinuteValue, type Qc } from '../../core/index.ts';

export const usableValue = (x: MinuteValue | null | undefined): x is MinuteValue & { v: number } =>
  x != null && x.v !== null && x.f !== 'bad' && x.f !== 'missing';

export const qcOf = (x: MinuteValue): Qc => ({ flag: x.f, reasons: x.r ?? [] });

/**
 * Apply a verdict. A `good` verdict upgrades `not_checked` to `good` (a test did apply);
 * a worse verdict wins; a `missing` value stays missing.
 */
export function flagValue(x: MinuteValue, verdict: Qc | null): MinuteValue {
  if (!verdict || x.f === 'missing') return x;
  const merged = x.f === 'not_checked' ? verdict : mergeQc(qcOf(x), verdict);
  const out: MinuteValue = { v: x.v, f: merged.flag, n: x.n };
  if (merged.reasons.length) out.r = [...merged.reasons];
  return out;
}
