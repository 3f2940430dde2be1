// What every read-only probe needs: open the transport if closed (and close it again), collect
// the lines that arrive, send a question, and wait on the injected clock until an answer or
// the deadline. A probe never sends a command that changes a setting.
import type { Clock } from '../../core/index.ts';
import type { Transport } from '../transport/types.ts';
import { LineFramer } from './lines.ts';

export interface ProbeSession {
  /** every complete line so far, without CR LF */
  readonly lines: string[];
  write(bytes: string): void;
  /** wait until `done()` or clock time `untilMs` (absolute) */
  waitFor(done: () => boolean, untilMs: number): Promise<void>;
  readonly deadline: number;
}

/** Run `body` with a session on `transport`; false/closed port → `body` is not run and `onClosed` is returned. */
export async function withProbeSession<T>(transport: Transport, clock: Clock, timeoutMs: number, onClosed: T, body: (s: ProbeSession) => Promise<T>): Promise<T> {
  const framer = new LineFramer(256);
  const lines: string[] = [];
  let wake: (() => void) | null = null;
  const onData = (chunk: Buffer) => {
    for (const l of framer.push(chunk).lines) lines.push(l.replace(/\r+$/, ''));
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
