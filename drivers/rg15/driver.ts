// Hydreon RG-15 shell. Polls with `R` (read all: one data line; works in polling and in
// continuous mode) and never sends a settings letter. What it emits on the gauge's power
// cycle or `K` reboot (its counters restart at 0), for the aggregator and the logs:
//   - every banner line: 'device' { event: 'banner', text }
//   - `PwrDays n` (boot complete): 'device' { event: 'restarted', pwrDays, version? } and
//     'state' { state: 'open', detail: 'device restarted (…): counters restart at 0' }
// The counter drop itself reaches the aggregator as the next precipitation_amount_since_reset
// observation (e.g. 12.34 → 0.00): it must treat a drop as a reset, never as negative rain.
import type { Observation } from '../../core/index.ts';
import { LineDriver, type LineDriverOptions } from '../framing/line-driver.ts';
import { isRg15Refusal, parseRg15Line, type Rg15Parsed } from './parse.ts';

export interface Rg15Options extends Omit<LineDriverOptions, 'pollIntervalMs'> {
  /** 'polled' (default: we send `R`) or 'continuous' (the gauge sends when its count changes) */
  mode?: 'polled' | 'continuous';
  /** clock ms between `R` polls (default 10000) */
  pollIntervalMs?: number;
}

export type Rg15DeviceEvent =
  | { event: 'banner'; text: string }
  | { event: 'restarted'; pwrDays: number; version?: string };

/** Events as every Driver, plus 'device' (Rg15DeviceEvent) and 'message' (Rg15Parsed). */
export class Rg15Driver extends LineDriver {
  readonly mode: 'polled' | 'continuous';
  private version: string | undefined;

  constructor(opts: Rg15Options) {
    const mode = opts.mode ?? 'polled';
    super({ ...opts, pollIntervalMs: mode === 'polled' ? (opts.pollIntervalMs ?? 10_000) : null });
    this.mode = mode;
  }

  pollCommand(): string {
    return 'R\n';
  }

  protected onLine(line: string, ts: number): void {
    const r = parseRg15Line(line, { sensor: this.sensor, ts });
    if (isRg15Refusal(r)) return this.rejected(r);
    this.emit('message', r satisfies Rg15Parsed);
    for (const rej of r.rejections) this.rejected(rej);
    if (r.kind === 'echo') {
      this.counters.ignored++;
      return;
    }
    if (r.kind === 'banner') {
      if (r.version) this.version = r.version;
      this.emit('device', { event: 'banner', text: r.text } satisfies Rg15DeviceEvent);
      if (r.pwrDays !== undefined) {
        const ev: Rg15DeviceEvent = { event: 'restarted', pwrDays: r.pwrDays, ...(this.version ? { version: this.version } : {}) };
        this.version = undefined;
        this.emit('device', ev);
        this.setState('open', `device restarted (PwrDays ${r.pwrDays}${ev.version ? `, SW ${ev.version}` : ''}): counters restart at 0`);
      }
      return;
    }
    this.emitObservations(r.observations satisfies Observation[]);
  }
}
