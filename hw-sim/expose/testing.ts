// Test helpers for exposures: read CRLF lines from any byte stream, with a timeout.
import type { EventEmitter } from 'node:events';

/** Collects CR LF-terminated lines from a stream's 'data' events. */
export function lineReader(stream: EventEmitter): { lines: string[]; next(match: RegExp, timeoutMs?: number): Promise<string> } {
  const lines: string[] = [];
  let buf = '';
  const waiters: Array<() => void> = [];
  stream.on('data', (b: Buffer) => {
    buf += b.toString('latin1');
    const parts = buf.split('\r\n');
    buf = parts.pop() ?? '';
    lines.push(...parts);
    for (const w of waiters.splice(0)) w();
  });
  let seen = 0;
  return {
    lines,
    /** The next line (after those already returned) matching `match`. */
    next(match, timeoutMs = 5000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no line matching ${match} within ${timeoutMs} ms; got ${JSON.stringify(lines.slice(-5))}`)), timeoutMs);
        const check = () => {
          while (seen < lines.length) {
            const l = lines[seen++]!;
            if (match.test(l)) {
              clearTimeout(timer);
              return resolve(l);
            }
          }
          waiters.push(check);
        };
        check();
      });
    },
  };
}

export function once(emitter: EventEmitter, event: string, timeoutMs = 5000): Promise<unknown[]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no '${event}' within ${timeoutMs} ms`)), timeoutMs);
    emitter.once(event, (...args: unknown[]) => {
      clearTimeout(timer);
      resolve(args);
    });
  });
}
