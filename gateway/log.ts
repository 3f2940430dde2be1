// Logging: pino (JSON lines) on stderr, or in `log.file` with rotation that can never fill
// the disk nor block the pipeline (gateway/log-file.ts). Warnings that can repeat (bad input
// comes in floods: a noisy line sends garbage every second; a full disk fails every write) go
// through a rate limiter that says how many it held back.
import pino from 'pino';
import type { Clock } from '../core/index.ts';
import { RotatingLogFile, type LogFileStats } from './log-file.ts';

export type Logger = pino.Logger;

export interface LoggerOptions {
  level?: string;
  file?: string;
  name?: string;
  /** log.max_file_mb: each file at most (default 10) */
  maxFileMb?: number;
  /** log.files: files kept, the current one included (default 5); on disk ≤ files × max_file_mb */
  files?: number;
}

const files = new WeakMap<Logger, RotatingLogFile>();

export function createLogger(opts: LoggerOptions = {}): Logger {
  const pinoOpts = { name: opts.name ?? 'bonin', level: opts.level ?? 'info', base: undefined };
  if (!opts.file) return pino(pinoOpts, pino.destination(2));
  const file = new RotatingLogFile({ path: opts.file, maxFileBytes: Math.round((opts.maxFileMb ?? 10) * 1024 * 1024), files: opts.files ?? 5 });
  const log = pino(pinoOpts, file);
  files.set(log, file);
  // What is still buffered goes to disk on a normal exit (process.exit included).
  process.once('exit', () => file.flushSync());
  return log;
}

/** The log file's counters (lines written and dropped, rotations, a failing write), or null when logging to stderr. */
export function logFileStats(log: Logger): LogFileStats | null {
  return files.get(log)?.stats ?? null;
}

/** Write what the log file holds in memory now (before a planned exit). */
export function flushLog(log: Logger): void {
  files.get(log)?.flushSync();
}

/** At most one log line per key per `intervalMs` of clock time; the next line carries the count it suppressed. */
export class RateLimitedLog {
  private last = new Map<string, { at: number; suppressed: number }>();

  constructor(private readonly log: Logger, private readonly clock: Clock, private readonly intervalMs = 60_000) {}

  warn(key: string, obj: Record<string, unknown>, msg: string): void {
    this.say('warn', key, obj, msg);
  }

  error(key: string, obj: Record<string, unknown>, msg: string): void {
    this.say('error', key, obj, msg);
  }

  private say(level: 'warn' | 'error', key: string, obj: Record<string, unknown>, msg: string): void {
    const now = this.clock.now();
    const seen = this.last.get(key);
    if (seen && now - seen.at < this.intervalMs) {
      seen.suppressed++;
      return;
    }
    this.log[level]({ ...obj, ...(seen?.suppressed ? { suppressed: seen.suppressed } : {}) }, msg);
    this.last.set(key, { at: now, suppressed: 0 });
  }
}
