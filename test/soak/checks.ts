// What a soak must show, shared by `npm run soak` and the short soak in `npm test`: memory
// flat, disk within its caps, data through, once. Returns what failed, in words.
import type { SoakReport } from './soak.ts';

/** RSS growth allowed per simulated day after warm-up: 1 MB/day would be 30 MB a month on a 1 GB board. */
export const MAX_RSS_GROWTH_MB_PER_DAY = 1;
/** runs at least this long are held to the growth rate */
export const LONG_RUN_DAYS = 7;
/** the station's memory goal (issue 10's benchmark: ≤ 150 MB) with room for the accelerated run's bursts */
export const MAX_RSS_MB = 250;

export function soakFailures(r: SoakReport): string[] {
  const out: string[] = [];
  const g = r.memory.rssGrowthMbPerDay;
  // A growth rate means something over days: a short run holds one-off steps (the nowcast's
  // runtime loads after a few hours of history), so it is held to an absolute ceiling instead.
  if (r.days >= LONG_RUN_DAYS) {
    if (g === null) out.push('too few memory samples to fit a line');
    else if (g > MAX_RSS_GROWTH_MB_PER_DAY) out.push(`RSS grows ${g} MB per simulated day (limit ${MAX_RSS_GROWTH_MB_PER_DAY})`);
  }
  if (r.memory.rssMaxMb > MAX_RSS_MB) out.push(`RSS reached ${r.memory.rssMaxMb} MB (ceiling ${MAX_RSS_MB})`);
  if (r.disk.maxStationDirMb > r.disk.capMb) out.push(`station folder reached ${r.disk.maxStationDirMb} MB (cap ${r.disk.capMb} MB)`);
  if (r.disk.maxLogMb > r.disk.logCapMb) out.push(`logs reached ${r.disk.maxLogMb} MB (cap ${r.disk.logCapMb} MB)`);
  if (r.crashes.length) out.push(`the gateway died by itself ${r.crashes.length} times (first at day ${r.crashes[0]!.day}: ${r.crashes[0]!.stderr.slice(0, 200)})`);
  for (const x of r.restarts.filter((x) => x.killedAfterTimeout)) out.push(`the gateway did not stop within 30 s of SIGTERM at day ${x.day}`);
  if (r.data.duplicateRecords) out.push(`${r.data.duplicateRecords} records arrived twice`);
  if (r.data.outboxLeft) out.push(`${r.data.outboxLeft} batches still unsent at the end`);
  if (r.data.notAtReceiver) out.push(`${r.data.notAtReceiver} committed records not at the receiver`);
  // Minutes are missing only where the gateway was stopped (its start-up counted); any other gap is a loss.
  if (r.data.unexplainedGapMinutes) out.push(`${r.data.unexplainedGapMinutes} minutes missing at the receiver outside gateway stops: ${JSON.stringify(r.data.gaps.filter((g) => !g.explained).slice(0, 5))}`);
  if (!(r.data.minRatio >= 0.9)) out.push(`records at the receiver / minutes simulated less gateway down time: ${r.data.minRatio} (expected ≥ 0.9)`);
  if (r.statusPage.failures) out.push(`${r.statusPage.failures} status page requests failed`);
  return out;
}
