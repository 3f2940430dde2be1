// The build floor: no reading of this software can be older than the software itself. A
// board without a real-time clock boots in 1970 (or at the time fake-hwclock saved at the
// last shutdown), and a GNSS receiver after a week-number rollover reports a date 19.6 years
// back: any time before the floor is known to be wrong, whatever says it.
//
// There is no build step (tsx runs the sources), so the floor is a constant, moved forward at
// each release (docs/decisions.md "Time"). It must never be after the code's own commit time:
// a test checks it against `git log` when run in a checkout.

/** 2026-11-25T00:00:00Z: the day of the release that brought time without a clock (issue #10). */
export const BUILD_FLOOR_MS = Date.UTC(2026, 10, 25);

/** A time a reading can honestly carry: at or after the build floor. */
export function afterFloor(ms: number, floorMs = BUILD_FLOOR_MS): boolean {
  return Number.isFinite(ms) && ms >= floorMs;
}
