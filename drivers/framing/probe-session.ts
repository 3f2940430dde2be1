// What every read-only probe needs: open the transport if closed (and close it again), collect
// the lines that arrive, send a question, and wait on the injected clock until an answer or
// the deadline. A probe never sends a command that changes a setting. Used by every family's
// probe (line protocols, and the Firmata board's binary one through `onBytes`).
import type { Clock } from '../../core/index.ts';
import type { Transport } from '../transport/types.ts';
import { LineFramer } from './lines.ts';

export interface ProbeSession {
  /** every complete line so far, without CR LF */
  readonly lines: string[];
  write(bytes: string | Buffer): void;
  /** wait until `done()` or clock time `untilMs` (absolute) */
  waitFor(done: () => boolean, untilMs: number): Promise<void>;
  readonly deadline: number;
}

export interface ProbeSessionOptions {
  /** longest line kept (default 256) */
  maxLineLength?: number;
  /** each complete line as it arrives (CR LF removed), before any waiter wakes */
  onLine?: (line: string) => void;
  /** each chunk of bytes as it arrives (binary protocols), before any waiter wakes */
  onBytes?: (chunk: Buffer) => void;
}

/** Run `body` with a session on `transport`; false/closed port → `body` is not run and `onClosed` is returned. */
export async function withProbeSession<T>(transport: Transport, clock: Clock, timeoutMs: number, onClosed: T, body: (s: ProbeSession) => Promise<T>, opts: ProbeSessionOptions = {}): Promise<T> {
  const framer = new LineFramer(opts.maxLineLength ?? 256);
  const lines: string[] = [];
  let wake: (() => void) | null = null;
  const onData = (chunk: Buffer) => {
    opts.onBytes?.(chunk);
    for (const l of framer.push(chunk).lines) {
      const line = l.replace(/\r+$/, '');
      lines.push(line);
      opts.onLine?.(line);
    }
    wake?.();
  };
  const deadline = clock.now() + timeoutMs;
  const waitFor = async (done: () => boolean, untilMs: number) => {
    while (!done() && clock.now() < untilMs) {
      await new Promise<void>((resolve) => {
        const timer = clock.after(Math.max(1, untilMs - clock.now()), resolve);
        wake = () => {
          timer.cancel();
          resolve();
        };
      });
      wake = null;
    }
  };
  const openedHere = !transport.isOpen;
  const onOpen = () => wake?.();
  const onError = () => {};
  transport.on('data', onData);
  transport.on('open', onOpen);
  transport.on('error', onError);
  try {
    if (openedHere) transport.open();
    await waitFor(() => transport.isOpen, deadline);
    if (!transport.isOpen) return onClosed;
    return await body({ lines, write: (b) => void transport.write(b), waitFor, deadline });
  } finally {
    transport.off('data', onData);
    transport.off('open', onOpen);
    if (openedHere) await transport.close();
    transport.off('error', onError);
  }
}
