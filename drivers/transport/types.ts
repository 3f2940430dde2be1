// The one interface every device driver talks to, whatever the wire: a local serial port
// or a serial device server reached over TCP (`tcp://host:port`).
import type { EventEmitter } from 'node:events';
import type { Clock } from '../../core/index.ts';

/** pino-compatible subset, so a driver can log without depending on pino. */
export interface TransportLog {
  warn(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
}

export interface BackoffOptions {
  /** First retry delay, clock ms (default 200). */
  initialMs?: number;
  /** Ceiling before jitter, clock ms (default 2000). */
  maxMs?: number;
  /** Growth per failed attempt (default 2). */
  factor?: number;
  /** ± fraction of the delay drawn at random, so many gateways do not retry in lockstep (default 0.2). */
  jitter?: number;
}

export interface TransportOptions {
  clock: Clock;
  /** Serial only; ignored by TCP (the device server's port settings apply). Default 19200. */
  baudRate?: number;
  dataBits?: 5 | 6 | 7 | 8;
  parity?: 'none' | 'even' | 'odd' | 'mark' | 'space';
  stopBits?: 1 | 1.5 | 2;
  backoff?: BackoffOptions;
  /** Watchdog: no byte received for this long (clock ms) ⇒ close and reopen. 0 = off (default). */
  idleTimeoutMs?: number;
  /** TCP only: give up a connect attempt after this long (clock ms, default 5000). */
  connectTimeoutMs?: number;
  log?: TransportLog;
}

/**
 * Events: 'data' (Buffer), 'open' (), 'close' (reason: string) when an open link is lost or
 * closed, 'error' (Error) — emitted only when someone listens, so an unheard error never
 * throws out of an event handler.
 */
export interface Transport extends EventEmitter {
  /** '/dev/ttyUSB0' (serial path) or 'tcp://host:port' (serial device server). */
  readonly url: string;
  readonly isOpen: boolean;
  /** Start connecting; keeps reconnecting with backoff until close(). Idempotent. */
  open(): void;
  /** Stop for good (a later open() starts again). Resolves when the OS handle is released. */
  close(): Promise<void>;
  /** false, and nothing queued, when not connected. */
  write(data: string | Buffer): boolean;
}
