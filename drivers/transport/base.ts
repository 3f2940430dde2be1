// The reconnect loop shared by serial and TCP: one link object at a time, a generation
// number so late events from a dead link are ignored, backoff between attempts (through
// the injected Clock), and the idle/health watchdog. Subclasses only know how to make and
// break one link.
import { EventEmitter } from 'node:events';
import type { Clock, Timer } from '../../core/index.ts';
import { backoffDelay } from './backoff.ts';
import type { BackoffOptions, Transport, TransportLog, TransportOptions } from './types.ts';

type State = 'idle' | 'connecting' | 'open' | 'waiting';

/** Callbacks a subclass uses to report what its link did; all are bound to one attempt. */
export interface LinkEvents {
  opened(): void;
  data(chunk: Buffer): void;
  /** The link is gone (or never came up); `err` is reported before the reconnect. */
  lost(reason: string, err?: Error): void;
}

const silentLog: TransportLog = { warn() {}, info() {} };
/** How often the watchdog looks (clock ms); the serial path check wants ~1 s. */
const WATCHDOG_PERIOD_MS = 1000;
// Real-time floors: a scenario clock at 3600× would turn a 2 s backoff into 0.5 ms of real
// time, i.e. a busy loop against an unplugged port. Hardware does not speed up with the clock.
const MIN_REAL_RETRY_MS = 50;
const MIN_REAL_WATCHDOG_MS = 100;
// A port that opens but stays silent (a dead sensor behind a live USB adapter) was reopened
// every idle timeout, day and night: 1,500–3,000 opens a day, each leaking ~0.5 kB in
// @serialport/bindings-cpp 13 (its native Poller keeps its JS callback for good; found in the
// soak's heap snapshots) and each logged. From the second silent open in a row the wait
// doubles from one idle timeout up to this; the first data heard resets it.
const SILENT_REOPEN_MAX_MS = 5 * 60_000;

export abstract class ReconnectingTransport extends EventEmitter implements Transport {
  readonly url: string;
  protected readonly clock: Clock;
  protected readonly log: TransportLog;
  private readonly backoff: BackoffOptions;
  private readonly idleTimeoutMs: number;
  private state: State = 'idle';
  private gen = 0;
  private failures = 0;
  private retryTimer: Timer | null = null;
  private watchdog: Timer | null = null;
  private lastRx = 0;
  /** opens in a row that ended in an idle timeout without a byte heard */
  private silentOpens = 0;
  private heard = false;
  /** Connect attempts made since construction (for tests and status pages). */
  attempts = 0;

  constructor(url: string, opts: TransportOptions) {
    super();
    this.url = url;
    this.clock = opts.clock;
    this.log = opts.log ?? silentLog;
    this.backoff = opts.backoff ?? {};
    this.idleTimeoutMs = opts.idleTimeoutMs ?? 0;
  }

  get isOpen(): boolean {
    return this.state === 'open';
  }

  open(): void {
    if (this.state !== 'idle') return;
    this.attempt();
  }

  async close(): Promise<void> {
    const wasOpen = this.state === 'open';
    this.state = 'idle';
    this.gen++; // silence whatever the old link still emits
    this.stopTimers();
    await this.destroyLink();
    if (wasOpen) this.emit('close', 'closed by caller');
  }

  write(data: string | Buffer): boolean {
    if (this.state !== 'open') return false;
    return this.writeLink(data);
  }

  /** Start one connect attempt; report through `ev` (ignored once the attempt is stale). */
  protected abstract connectLink(ev: LinkEvents): void;
  /** Release the current link, if any. Must not throw; resolves when the handle is released. */
  protected abstract destroyLink(): Promise<void>;
  /** Write to the live link; false if it refused. */
  protected abstract writeLink(data: string | Buffer): boolean;
  /** Extra watchdog check while open: a reason to drop the link, or null when healthy. */
  protected healthCheck(): string | null {
    return null;
  }

  /** Emit 'error' only when heard: an unheard 'error' event would throw. */
  protected report(err: Error): void {
    if (this.listenerCount('error') > 0) this.emit('error', err);
  }

  private attempt(): void {
    this.retryTimer = null;
    this.state = 'connecting';
    this.attempts++;
    const gen = ++this.gen;
    const live = () => gen === this.gen;
    const ev: LinkEvents = {
      opened: () => {
        if (!live() || this.state !== 'connecting') return;
        this.state = 'open';
        this.failures = 0; // a good open resets the backoff
        this.heard = false;
        this.lastRx = this.clock.now();
        const period = Math.max(Math.min(WATCHDOG_PERIOD_MS, this.idleTimeoutMs || WATCHDOG_PERIOD_MS), MIN_REAL_WATCHDOG_MS * this.clock.speed);
        this.watchdog = this.clock.every(period, () => this.checkHealth(gen));
        this.log.info({ url: this.url }, 'transport open');
        this.emit('open');
      },
      data: (chunk) => {
        if (!live() || this.state !== 'open') return;
        this.lastRx = this.clock.now();
        this.heard = true;
        this.silentOpens = 0;
        this.emit('data', chunk);
      },
      lost: (reason, err) => {
        if (!live()) return;
        this.onLost(reason, err);
      },
    };
    try {
      this.connectLink(ev);
    } catch (err) {
      // e.g. a constructor rejecting its options: treat like a failed attempt, keep looping.
      this.onLost(`connect threw: ${(err as Error).message}`, err as Error);
    }
  }

  private checkHealth(gen: number): void {
    if (gen !== this.gen || this.state !== 'open') return;
    if (this.idleTimeoutMs > 0 && this.clock.now() - this.lastRx >= this.idleTimeoutMs) {
      if (!this.heard) this.silentOpens++;
      this.onLost(`idle timeout: no data for ${this.idleTimeoutMs} ms`);
      return;
    }
    const problem = this.healthCheck();
    if (problem) this.onLost(problem);
  }

  private onLost(reason: string, err?: Error): void {
    if (this.state === 'idle' || this.state === 'waiting') return;
    const wasOpen = this.state === 'open';
    this.gen++; // the old link may still fire events: ignore them
    this.stopTimers();
    this.state = 'waiting';
    // Destroy in the background; the retry waits at least the backoff delay, long enough
    // for a serial close to release its flock in practice (a failure would just retry).
    void this.destroyLink();
    const silentWait = this.silentOpens >= 2 ? Math.min(this.idleTimeoutMs * 2 ** Math.min(this.silentOpens - 2, 20), SILENT_REOPEN_MAX_MS) : 0;
    const delay = Math.max(backoffDelay(this.failures++, this.backoff), MIN_REAL_RETRY_MS * this.clock.speed, silentWait);
    // Log the first failure loudly, the rest quietly: an unplugged sensor must not fill the SD card.
    (wasOpen || this.failures === 1 ? this.log.warn : this.log.info).call(this.log, { url: this.url, reason, retryInMs: delay }, 'transport down');
    // Schedule before emitting: a listener that calls close() must be able to cancel it.
    this.retryTimer = this.clock.after(delay, () => this.attempt());
    if (err) this.report(err);
    if (wasOpen) this.emit('close', reason);
  }

  private stopTimers(): void {
    this.retryTimer?.cancel();
    this.retryTimer = null;
    this.watchdog?.cancel();
    this.watchdog = null;
  }
}
