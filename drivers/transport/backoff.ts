// Reconnect delays: exponential, capped, with jitter. Pure, so the schedule is testable
// without sockets or time.
import type { BackoffOptions } from './types.ts';

export const DEFAULT_BACKOFF: Required<BackoffOptions> = { initialMs: 200, maxMs: 2000, factor: 2, jitter: 0.2 };

/**
 * Delay before retry number `failures` (0 = first retry after the first failure).
 * Jitter is applied after the cap, so stations stuck at the ceiling still spread out.
 * @param random a [0,1) source; injected for tests.
 */
export function backoffDelay(failures: number, opts: BackoffOptions = {}, random: () => number = Math.random): number {
  const o = { ...DEFAULT_BACKOFF, ...opts };
  // Bound the exponent: factor^failures overflows to Infinity after ~1000 failures otherwise.
  const exp = Math.min(failures, 64);
  const base = Math.min(o.maxMs, o.initialMs * o.factor ** exp);
  const spread = base * o.jitter * (2 * random() - 1);
  return Math.max(0, Math.round(base + spread));
}
