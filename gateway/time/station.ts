// The station's side of time without a clock: what StationGateway plugs in. The time sources
// (GNSS sentences from NMEA drivers, the central system's acks, the OS) feed TimeSync; on the
// first sync this boot's held readings get their true times and the minute closer, which held
// every minute meanwhile, learns how far the clock stepped and closes them.
import type { EventEmitter } from 'node:events';
import type { Clock } from '../../core/index.ts';
import type { StationConfig } from '../config/schema.ts';
import type { Logger } from '../log.ts';
import type { Db } from '../store/db.ts';
import { ScaledClock, systemClock } from '../../core/index.ts';
import { correctUncertain, countUncertain } from './correct.ts';
import { TimeProbe } from './probe.ts';
import { TimeSync, type SyncEvent } from './sync.ts';

/** The board's own clock (the OS clock unscaled), about which timesyncd and chrony speak. */
export function isSystemClock(clock: Clock): boolean {
  return clock === systemClock || (clock instanceof ScaledClock && clock.speed === 1 && clock.origin === clock.anchor);
}

export function stationTimeSync(config: StationConfig, board: Clock, log: Logger): TimeSync {
  const t = config.time;
  return new TimeSync({ base: board, systemBacked: isSystemClock(board), required: t.require_sync === 'auto' ? undefined : t.require_sync, sources: t.sources, log });
}

export interface StationTimeDeps {
  time: TimeSync;
  db: Db;
  station: string;
  config: StationConfig;
  log: Logger;
  /** flush the raw readings held in memory (they must be stored before they are corrected) */
  flushRaw: () => void;
  /** the minute closer: told how far the clock stepped */
  closer: { timeStepped(ms: number): void };
  /** the uplink: its acks carry the central system's time ('ack-time'), its link state drives the probe */
  uplink: EventEmitter & { readonly connected: boolean; pump(): void; lastAckAt: number | null };
}

/** An ack timed over a longer round trip than this says too little of the time (below). */
export const MAX_ACK_RTT_MS = 30_000;

/**
 * The time an ack tells. It left the centre at `ts`; half the round trip later it is here
 * (NTP's estimate), give or take that half: a busy link queues one way more than the other (a
 * backlog going up, small acks coming down), so a sample may step the clock only by more than
 * it. None without a round trip (not of a batch first sent in this process), nor over one longer
 * than MAX_ACK_RTT_MS: that ack may be hours old, kept by the broker while the link was down.
 */
export function ackTimeSample(ts: number, rttMs: number | null): { trueMs: number; uncertaintyMs: number } | null {
  if (rttMs === null || rttMs < 0 || rttMs > MAX_ACK_RTT_MS) return null;
  return { trueMs: ts + rttMs / 2, uncertaintyMs: rttMs / 2 };
}

export class StationTime {
  readonly probe: TimeProbe;
  /** readings corrected at the sync */
  corrected = 0;

  constructor(private readonly d: StationTimeDeps) {
    const { time, log } = d;
    this.probe = new TimeProbe({ db: d.db, station: d.station, time, everyMs: d.config.time.probe_every_s * 1000, connected: () => d.uplink.connected, pump: () => d.uplink.pump() });
    d.uplink.on('ack-time', (ts: number, rttMs: number | null) => {
      const sample = ackTimeSample(ts, rttMs);
      if (sample) time.offer('ack', sample.trueMs, undefined, sample.uncertaintyMs);
    });
    d.uplink.on('link', (state: string) => { if (state === 'up') this.probe.maybe(); });
    time.on('synchronised', (e: SyncEvent) => {
      d.flushRaw();
      const c = correctUncertain(d.db, time.bootId, e);
      this.corrected += c.rows;
      this.stepped(e.stepMs);
      log.warn({ readings: c.rows, from: c.from && new Date(c.from).toISOString(), to: c.to && new Date(c.to).toISOString(), step_ms: Math.round(e.stepMs) }, 'clock: held readings of this boot corrected; their minutes close now');
    });
    time.on('corrected', (e: SyncEvent) => this.stepped(e.stepMs));
  }

  /** The clock jumped: what was measured on it moves with it (the closer's start, the last ack's time). */
  private stepped(ms: number): void {
    this.d.closer.timeStepped(ms);
    if (this.d.uplink.lastAckAt !== null) this.d.uplink.lastAckAt += ms;
  }

  /** A GNSS time from a driver ('time' event of the NMEA driver): `at` is the line's arrival on the station clock. */
  gnss(t: { utcMs: number; at: number }): void {
    this.d.time.offer('gnss', t.utcMs, this.d.time.monoAt(t.at));
  }

  /** Readings still waiting for a time they may never get (another boot's that never synced included). */
  uncertain(): number {
    return countUncertain(this.d.db);
  }

  start(): void {
    this.d.time.start();
    this.probe.start();
  }

  stop(): void {
    this.d.time.stop();
    this.probe.stop();
  }
}
