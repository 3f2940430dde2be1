// QC flags (docs: ../shared/docs/qc.md §1). QC flags values; it never deletes or edits them.

export const QC_FLAGS = ['not_checked', 'good', 'suspect', 'bad', 'missing'] as const;
export type QcFlag = (typeof QC_FLAGS)[number];

// Append only: the compact wire encoding numbers reasons by position. `time_uncertain`: taken
// before the station's time was known (flag suspect; gateway/time/); `time_corrected`: its
// timestamp was put right when the time became known (a note, the flag is QC's own).
export const QC_REASONS = ['range', 'step', 'persistence', 'consistency', 'sensor_status', 'incomplete', 'clock', 'time_uncertain', 'time_corrected'] as const;
export type QcReason = (typeof QC_REASONS)[number];

export interface Qc {
  flag: QcFlag;
  reasons: QcReason[];
}

/** QARTOD codes, for exports that want numbers. */
export const QARTOD: Record<QcFlag, number> = { not_checked: 2, good: 1, suspect: 3, bad: 4, missing: 9 };

// Severity order used to combine results: the final flag is the worst one.
const SEVERITY: Record<QcFlag, number> = { not_checked: 0, good: 1, suspect: 2, bad: 3, missing: 4 };

export function worseFlag(a: QcFlag, b: QcFlag): QcFlag {
  return SEVERITY[a] >= SEVERITY[b] ? a : b;
}

export function qc(flag: QcFlag, ...reasons: QcReason[]): Qc {
  return { flag, reasons };
}

export const NOT_CHECKED: Qc = Object.freeze({ flag: 'not_checked', reasons: [] }) as Qc;

/** Merge two QC results: worst flag, union of reasons. */
export function mergeQc(a: Qc, b: Qc): Qc {
  const reasons = [...new Set([...a.reasons, ...b.reasons])];
  return { flag: worseFlag(a.flag, b.flag), reasons };
}
