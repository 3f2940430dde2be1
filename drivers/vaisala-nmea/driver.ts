// WXT530 in NMEA 0183 mode. Automatic (`aXU,M=N`): the transmitter sends MWV/XDR on its own.
// Query (`aXU,M=Q`): the driver asks with the manual's XDR query `$--WIQ,XDR*2D`, which
// returns every enabled sensor's XDR sentence and changes nothing.
import { LineDriver, type LineDriverOptions } from '../framing/line-driver.ts';
import { isNmeaRefusal } from '../nmea/parse.ts';
import { parseWxtNmeaLine, wxtTransducerBase } from './parse.ts';

export interface WxtNmeaOptions extends Omit<LineDriverOptions, 'pollIntervalMs'> {
  /** device address (default '0'): XDR transducer ids count from it */
  address?: string;
  mode?: 'automatic' | 'query';
  /** query mode: clock ms between queries (default 5000) */
  pollIntervalMs?: number;
}

/** The XDR query of the WXT530 User Guide (its own example checksum, 2D). */
export const WXT_XDR_QUERY = '$--WIQ,XDR*2D\r\n';

export class WxtNmeaDriver extends LineDriver {
  readonly address: string;
  readonly mode: 'automatic' | 'query';

  constructor(opts: WxtNmeaOptions) {
    const mode = opts.mode ?? 'automatic';
    super({ ...opts, pollIntervalMs: mode === 'query' ? (opts.pollIntervalMs ?? 5000) : null });
    this.address = opts.address ?? '0';
    wxtTransducerBase(this.address); // throws on a bad address, before anything opens
    this.mode = mode;
  }

  pollCommand(): string {
    return WXT_XDR_QUERY;
  }

  protected onLine(line: string, ts: number): void {
    // The WXT's text replies ($WITXT) and ASCII prompts are not data.
    if (/^\$WITXT,/.test(line)) {
      this.counters.ignored++;
      return;
    }
    const r = parseWxtNmeaLine(line, { sensor: this.sensor, ts, address: this.address });
    if (isNmeaRefusal(r)) return this.rejected(r);
    for (const rej of r.rejections) this.rejected(rej);
    this.emitObservations(r.observations);
  }
}
