// Logging: pino (JSON lines). Warnings about bad input come in floods (a noisy line sends
// garbage every second), so they go through a rate limiter that says how many it held back.
import pino from 'pino';
import type { Clock } from '../core/index.ts';

export type Logger = pino.Logger;

export function createLogger(opts: { level?: string; file?: string; name?: string } = {}): Logger {
  const dest = opts.file ? pino.destination({ dest: opts.file, mkdir: true, sync: false }) : pino.destination(2);
  return pino({ name: opts.name ?? 'bonin', level: opts.level ?? 'info', base: undefined }, dest);
}

/** At most one log line per key per `intervalMs` of clock time; the next line carries the count it suppressed. */
export class RateLimitedLog {
  private last = new Map<string, { at: number; suppressed: number }>();

  constructor(private readonly log: Logger, private readonly clock: Clock, private readonly intervalMs = 60_000) {}

  warn(key: string, obj: Record<string, unknown>, msg: string): void {
    const now = this.clock.now();
    const seen = this.last.get(key);
    if (seen && now - seen.at < this.intervalMs) {
      seen.suppressed++;
      return;
    }
    this.log.warn({ ...obj, ...(seen?.suppressed ? { suppressed: seen.suppressed } : {}) }, msg);
    this.last.set(key, { at: now, suppressed: 0 });
  }
}
