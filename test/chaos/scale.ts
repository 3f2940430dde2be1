// How hard the chaos suite pushes. `npm test` runs the short form (CHAOS_SCALE unset or
// "short"); `npm run chaos` sets CHAOS_SCALE=full: 100 kills, a 7-day outage, longer storms.
export const FULL = process.env.CHAOS_SCALE === 'full';
export const SCALE = FULL
  ? { kills: 100, outageDays: 7, stormMs: 30_000, powerCuts: 30, outageSpeed: 10_000 }
  : { kills: 10, outageDays: 1, stormMs: 4_000, powerCuts: 6, outageSpeed: 5_000 };

/** Seeded (CHAOS_SEED), so a failure can be replayed. */
export function rng(seed = Number(process.env.CHAOS_SEED ?? 5)) {
  let s = seed >>> 0;
  return () => ((s = (s * 1_664_525 + 1_013_904_223) >>> 0) / 2 ** 32);
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One JSON line per case, for the closing note. */
export function report(name: string, figures: Record<string, unknown>): void {
  console.log(JSON.stringify({ chaos: name, scale: FULL ? 'full' : 'short', ...figures }));
}
