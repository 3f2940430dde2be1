// Test helpers for real-time tests over real ports and sockets.
import type { EventEmitter } from 'node:events';

/** Poll `cond` every 10 ms of real time until it holds, or throw after `timeoutMs`. */
export async function waitUntil(cond: () => boolean, timeoutMs: number, what = 'condition'): Promise<number> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
  return Date.now() - t0;
}

/** Resolve with the event's first argument, or reject after `timeoutMs`. */
export function nextEvent<T = unknown>(em: EventEmitter, event: string, timeoutMs: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      em.off(event, on);
      reject(new Error(`no '${event}' within ${timeoutMs} ms`));
    }, timeoutMs);
    const on = (arg: T) => {
      clearTimeout(timer);
      resolve(arg);
    };
    em.once(event, on);
  });
}

/** Record what a transport emits: its bytes as latin1 text, how often it opened, why it closed. */
export function collect(tr: EventEmitter) {
  const got = { data: '', opens: 0, closes: [] as string[] };
  tr.on('data', (d: Buffer) => (got.data += d.toString('latin1')));
  tr.on('open', () => got.opens++);
  tr.on('close', (r: string) => got.closes.push(r));
  return got;
}
