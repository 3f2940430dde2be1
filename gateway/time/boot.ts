// Boot id and monotonic time: the two things that let a reading stamped with a wrong clock
// be put right later. Within one boot of the board, CLOCK_MONOTONIC never jumps (an NTP step
// moves the wall clock, not it) and is shared by every process: a gateway restarted in the
// same boot continues the same scale. Across boots it restarts, so each reading keeps its boot id.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Clock } from '../../core/index.ts';

let cachedBootId: string | null = null;

/** The kernel's id of this boot (a UUID), or a random one for this process where there is none (not Linux). */
export function bootId(): string {
  if (cachedBootId) return cachedBootId;
  try {
    cachedBootId = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    cachedBootId = `process-${randomUUID()}`;
  }
  return cachedBootId;
}

/**
 * Monotonic milliseconds on the clock's scale: CLOCK_MONOTONIC (process.hrtime) × the clock's
 * speed, so a simulated clock at 60× and its monotonic time advance together. Two processes
 * of one boot at the same speed read the same scale.
 */
export function monotonicFor(clock: Clock): () => number {
  const speed = clock.speed;
  return () => (Number(process.hrtime.bigint()) / 1e6) * speed;
}
