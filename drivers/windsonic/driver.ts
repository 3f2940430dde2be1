// The Gill WindSonic device shell: the shared line shell (drivers/framing/line-driver.ts)
// frames STX…ETX lines and polls in polled mode; this hands each line to the pure parser and
// reports. The power-up banner and other text lines are passed on as 'text' events, not
// errors. No QC, no storage (architecture.md).
import type { Observation } from '../../core/index.ts';
import { LineDriver, type LineDriverOptions, type LineDriverStats } from '../framing/line-driver.ts';
import { isWindsonicRefusal, parseWindsonicLine, type StatusMeaning, type WindsonicData } from './parse.ts';

export interface WindsonicOptions extends Omit<LineDriverOptions, 'pollIntervalMs' | 'resyncOnOpen'> {
  /** Unit identifier (node letter), default 'Q'; lines from other nodes are ignored. */
  node?: string;
  /** 'continuous' (device sends on its own, default) or 'polled' (we send `?`, the node letter, `!`). Polled is point to point only. */
  mode?: 'continuous' | 'polled';
  /** Polled mode: clock ms between polls (default 1000). */
  pollIntervalMs?: number;
}

export interface WindsonicStats extends LineDriverStats {
  /** the last status code seen, e.g. '00' */
  lastStatus: string | null;
}

/**
 * Events: 'observations', 'rejection', 'state' as every Driver; 'message' (WindsonicData, each
 * data line); 'text' (string: banner and other plain lines); 'status' (StatusMeaning, when
 * the status code changes).
 */
export class WindsonicDriver extends LineDriver {
  readonly node: string;
  readonly mode: 'continuous' | 'polled';
  private lastStatus: string | null = null;

  constructor(opts: WindsonicOptions) {
    const mode = opts.mode ?? 'continuous';
    const pollIntervalMs = opts.pollIntervalMs ?? 1000;
    if (!(pollIntervalMs >= 250)) throw new RangeError(`pollIntervalMs must be >= 250, got ${opts.pollIntervalMs}`);
    // Lines are STX…ETX with a checksum: a torn first line is refused on its own, no resync needed.
    super({ maxLineLength: 128, ...opts, pollIntervalMs: mode === 'polled' ? pollIntervalMs : null, resyncOnOpen: false });
    this.node = opts.node ?? 'Q';
    if (!/^[A-Z]$/.test(this.node)) throw new RangeError(`WindSonic node letter must be A-Z, got "${this.node}"`);
    this.mode = mode;
  }

  /**
   * The manual's sequence for every poll (1405-PS-0019 §9.3): `?` enables polling (in case
   * the unit was power-cycled), the unit letter asks for one line, `!` disables polling again
   * so stray bytes cannot trigger a reply.
   */
  pollCommand(): string {
    return `?${this.node}!`;
  }

  override stats(): WindsonicStats {
    return { ...super.stats(), lastStatus: this.lastStatus };
  }

  protected onLine(line: string, ts: number): void {
    const r = parseWindsonicLine(line, { sensor: this.sensor, ts });
    if (isWindsonicRefusal(r)) return this.rejected(r);
    for (const rej of r.rejections) this.rejected(rej);
    if (r.kind === 'text') {
      this.counters.ignored++;
      this.emit('text', r.text);
      return;
    }
    if (r.node !== this.node) {
      this.counters.ignored++; // another unit on a shared RS-485 bus
      return;
    }
    if (r.status.code !== this.lastStatus) {
      this.lastStatus = r.status.code;
      this.emit('status', r.status satisfies StatusMeaning);
    }
    this.emit('message', r satisfies WindsonicData);
    this.emitObservations(r.observations satisfies Observation[]);
  }
}
