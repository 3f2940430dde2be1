// What a soak must show, shared by `npm run soak` and the short soak in `npm test`: memory
// flat, disk within its caps, data through, once. Returns what failed, in words.
import type { SoakReport } from './soak.ts';

/** RSS growth allowed per simulated day after warm-up: 1 MB/day would be 30 MB a month on a 1 GB board. */
export const MAX_RSS_GROWTH_MB_PER_DAY = 1;

export function soakFailures(r: SoakReport): string[] {
  const out: string[] = [];
  const g = r.memory.rssGrowthMbPerDay;
  if (g === null) out.push('too few memory samples to fit a line');
  else if (g > MAX_RSS_GROWTH_MB_PER_DAY) out.push(`RSS grows ${g} MB per simulated day (limit ${MAX_RSS_GROWTH_MB_PER_DAY})`);
  if (r.disk.maxStationDirMb > r.disk.capMb) out.push(`station folder reached ${r.disk.maxStationDirMb} MB (cap ${r.disk.capMb} MB)`);
  if (r.disk.maxLogMb > r.disk.logCapMb) out.push(`logs reached ${r.disk.maxLogMb} MB (cap ${r.disk.logCapMb} MB)`);
  if (r.data.duplicateRecords) out.push(`${r.data.duplicateRecords} records arrived twice`);
  if (r.data.outboxLeft) out.push(`${r.data.outboxLeft} batches still unsent at the end`);
  if (r.data.notAtReceiver) out.push(`${r.data.notAtReceiver} committed records not at the receiver`);
  if (!(r.data.minRatio >= 0.97)) out.push(`records at the receiver / minutes the gateway was up: ${r.data.minRatio} (expected ≥ 0.97)`);
  if (r.statusPage.failures) out.push(`${r.statusPage.failures} status page requests failed`);
  return out;
}
