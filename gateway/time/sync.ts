// TimeSync: is the station's time known to be right, and what is it? Until a source says so
// the station is `unsynchronised`: readings are stamped with the board's clock as it is, but
// flagged time-uncertain and kept with their monotonic time and boot id (gateway/time/
// correct.ts puts them right later). Sources, best first:
//   system — systemd-timesyncd or chrony say the OS clock is synchronised (only when this
//            process reads the OS clock, not a simulated one);
//   gnss   — a valid NMEA RMC (status A) or ZDA sentence from a GNSS receiver;
//   ack    — the central receiver's clock in its acks (± the link's latency).
// A sample before the build floor is refused whatever its source (a GPS week rollover, a
// receiver's RTC before its first fix). Once synchronised, `clock.now()` is the true time
// anchored on monotonic time: an NTP step of the OS clock later does not move it twice.
import { EventEmitter } from 'node:events';
import type { Clock, Timer } from '../../core/index.ts';
import type { Logger } from '../log.ts';
import { bootId, monotonicFor } from './boot.ts';
import { afterFloor, BUILD_FLOOR_MS } from './floor.ts';
import { checkSystemSync, type SystemSyncAnswer } from './system.ts';

export const TIME_SOURCES = ['system', 'gnss', 'ack'] as const;
export type TimeSource = (typeof TIME_SOURCES)[number];
/** `assumed`: not required (a simulated clock, or require_sync: false with a clock after the build floor) */
export type ClockSource = TimeSource | 'assumed';

const RANK: Record<ClockSource, number> = { assumed: 0, ack: 1, gnss: 2, system: 3 };
/**
 * A new sample from the current source moves the clock only past this error (real ms, times the
 * clock's speed: a line's transit through a serial port is real time): less is jitter.
 */
const TOLERANCE: Record<ClockSource, number> = { assumed: 0, ack: 5000, gnss: 1000, system: 1000 };

export interface ClockState {
  synchronised: boolean;
  source: ClockSource | null;
  /** true − the board's clock, ms, at the last sync (0 when the OS clock itself is synchronised); null before */
  offset_ms: number | null;
  /** when the time became known (true clock ms); null while unsynchronised */
  since: number | null;
  boot_id: string;
  /** the build floor: no time before it is believed */
  floor: number;
}

/** Emitted once, on the first sync: what correct.ts needs to put this boot's readings right. */
export interface SyncEvent {
  source: TimeSource;
  /** true time at monotonic time `mono` */
  trueMs: number;
  mono: number;
  /** how far clock.now() jumped (true − what it said a moment before), ms */
  stepMs: number;
}

export interface TimeSyncOptions {
  /** the board's clock (systemClock, or a simulated one) */
  base: Clock;
  /** unset: required when `base` is the real OS clock (`systemBacked`), not for a simulated one */
  required?: boolean;
  /** the base clock is the OS clock, so timesyncd/chrony speak about it */
  systemBacked: boolean;
  sources?: readonly TimeSource[];
  floorMs?: number;
  monotonic?: () => number;
  bootId?: string;
  /** ask the OS (default checkSystemSync); tests give their own */
  systemCheck?: () => Promise<SystemSyncAnswer>;
  /** how often to ask the OS, clock ms (default 60 s) */
  pollMs?: number;
  log: Logger;
}

export class TimeSync extends EventEmitter {
  readonly bootId: string;
  readonly mono: () => number;
  readonly floorMs: number;
  readonly sources: ReadonlySet<TimeSource>;
  /** the station's clock: the board's until synchronised, then the true time */
  readonly clock: Clock;
  private anchor: { trueMs: number; mono: number } | null = null;
  private source: ClockSource | null = null;
  private since: number | null = null;
  private offsetMs: number | null = null;
  private pollTimer: Timer | null = null;
  private polling = false;
  /** samples refused (before the build floor) */
  refused = 0;

  constructor(private readonly o: TimeSyncOptions) {
    super();
    this.bootId = o.bootId ?? bootId();
    this.mono = o.monotonic ?? monotonicFor(o.base);
    this.floorMs = o.floorMs ?? BUILD_FLOOR_MS;
    this.sources = new Set((o.sources ?? TIME_SOURCES).filter((s) => s !== 'system' || o.systemBacked));
    const base = o.base;
    this.clock = {
      speed: base.speed,
      // Whole milliseconds, as the board's clock gives: timestamps are integers in the store and on the wire.
      now: () => (this.anchor ? Math.round(this.anchor.trueMs + (this.mono() - this.anchor.mono)) : base.now()),
      after: (ms, fn) => base.after(ms, fn),
      every: (ms, fn) => base.every(ms, fn),
      sleep: (ms) => base.sleep(ms),
    };
    const required = o.required ?? o.systemBacked;
    // A simulated clock is the test's truth unless told otherwise; a real one only after the floor.
    if (!required && (o.required === undefined || afterFloor(base.now(), this.floorMs))) {
      this.source = 'assumed';
      this.since = base.now();
      this.offsetMs = 0;
    }
  }

  get synchronised(): boolean {
    return this.source !== null;
  }

  /** The monotonic time of an instant given on `clock` (a reading's ts). */
  monoAt(ts: number): number {
    return this.mono() - (this.clock.now() - ts);
  }

  state(): ClockState {
    return { synchronised: this.synchronised, source: this.source, offset_ms: this.offsetMs, since: this.since, boot_id: this.bootId, floor: this.floorMs };
  }

  /**
   * A source says the true time was `trueMs` at monotonic time `mono`, give or take
   * `uncertaintyMs`. Returns whether it was taken. Refused: a source not enabled, a time
   * before the build floor, a worse source than the one already used, or a sample within that
   * source's jitter plus its uncertainty (the first sample of an unsynchronised clock is taken
   * whatever its uncertainty: it is the best there is).
   */
  offer(source: TimeSource, trueMs: number, mono = this.mono(), uncertaintyMs = 0): boolean {
    if (!this.sources.has(source)) return false;
    if (!afterFloor(trueMs, this.floorMs)) {
      this.refused++;
      this.o.log.warn({ source, time: new Date(trueMs).toISOString(), floor: new Date(this.floorMs).toISOString() }, 'clock: refused a time before the build floor');
      return false;
    }
    const current = this.source;
    if (current && RANK[source] < RANK[current]) return false;
    const said = this.clock.now() - (this.mono() - mono); // what our clock said at that instant
    const error = trueMs - said;
    // Within the source's jitter, no step: neither from the same source nor on a clock assumed right
    // (a simulated clock is the test's truth; a believed board clock is stepped only when really off).
    // A sample known only to ± `uncertaintyMs` (an ack's half round trip) proves nothing smaller.
    if ((current === source || current === 'assumed') && Math.abs(error) <= TOLERANCE[source] * Math.max(1, this.o.base.speed) + uncertaintyMs) return false;
    const boardSaid = this.o.base.now() - (this.mono() - mono);
    this.anchor = { trueMs, mono };
    this.offsetMs = Math.round(trueMs - boardSaid);
    this.source = source;
    if (current !== source) this.since = trueMs;
    const fields = { source, offset_ms: this.offsetMs, step_ms: Math.round(error), time: new Date(trueMs).toISOString() };
    if (current === null) {
      this.o.log.warn(fields, 'clock: synchronised; readings of this boot get their true times');
      this.emit('synchronised', { source, trueMs, mono, stepMs: error } satisfies SyncEvent);
    } else {
      this.o.log.info(fields, 'clock: corrected');
      this.emit('corrected', { source, trueMs, mono, stepMs: error } satisfies SyncEvent);
    }
    return true;
  }

  /** Ask the OS now and every `pollMs` (when the system source applies). */
  start(): void {
    if (!this.sources.has('system')) return;
    void this.pollSystem();
    this.pollTimer = this.o.base.every(this.o.pollMs ?? 60_000, () => void this.pollSystem());
  }

  stop(): void {
    this.pollTimer?.cancel();
    this.pollTimer = null;
  }

  private async pollSystem(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      const answer = await (this.o.systemCheck ?? checkSystemSync)();
      // The OS clock is right: true time is what it reads now (and the system source re-anchors on it).
      if (answer?.synchronised) this.offer('system', this.o.base.now());
    } finally {
      this.polling = false;
    }
  }
}
