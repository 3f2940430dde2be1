// PTB330 / PTB210 barometer shell: lines in, air_pressure out. The PTB330 either runs on its
// own (`R`, SMODE RUN: a reading every INTV) or is asked (`SEND` in STOP/POLL mode); the PTB210
// is asked with `.P`. Polling sends only that question, never a settings command.
import type { Observation } from '../../core/index.ts';
import { LineDriver, type LineDriverOptions } from '../framing/line-driver.ts';
import { isPtbRefusal, parsePtbLine, type PtbChecksumMode, type PtbParsed } from './parse.ts';

export type PtbModel = 'PTB330' | 'PTB210';

export interface PtbOptions extends Omit<LineDriverOptions, 'pollIntervalMs'> {
  model?: PtbModel;
  /** 'automatic' (the device sends on its own, default) or 'polled' */
  mode?: 'automatic' | 'polled';
  /** polled mode: clock ms between polls (default 10000) */
  pollIntervalMs?: number;
  /** PTB330 on an RS-485 bus in POLL mode: `SEND aa` */
  address?: number;
  checksum?: PtbChecksumMode;
}

/** Events as every Driver, plus 'message' (PtbParsed: readings and replies). */
export class PtbDriver extends LineDriver {
  readonly model: PtbModel;
  readonly mode: 'automatic' | 'polled';
  private readonly address: number | null;
  private readonly checksum: PtbChecksumMode;

  constructor(opts: PtbOptions) {
    const mode = opts.mode ?? 'automatic';
    super({ ...opts, pollIntervalMs: mode === 'polled' ? (opts.pollIntervalMs ?? 10_000) : null });
    this.model = opts.model ?? 'PTB330';
    this.mode = mode;
    this.address = opts.address ?? null;
    if (this.address !== null && !(Number.isInteger(this.address) && this.address >= 0 && this.address <= 255)) throw new RangeError(`PTB330 address must be 0…255, got ${opts.address}`);
    this.checksum = opts.checksum ?? 'auto';
  }

  /** PTB330: `SEND` (or `SEND aa`); PTB210: `.P` — both ask for one reading and change nothing. */
  pollCommand(): string {
    if (this.model === 'PTB210') return '.P\r';
    return this.address === null ? 'SEND\r\n' : `SEND ${this.address}\r\n`;
  }

  protected onLine(line: string, ts: number): void {
    const r = parsePtbLine(line, { sensor: this.sensor, ts }, this.checksum);
    if (isPtbRefusal(r)) return this.rejected(r);
    this.emit('message', r satisfies PtbParsed);
    if (r.kind === 'reply') {
      this.counters.ignored++;
      return;
    }
    for (const rej of r.rejections) this.rejected(rej);
    this.emitObservations(r.observations satisfies Observation[]);
  }
}
