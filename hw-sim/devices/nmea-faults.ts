// The link faults of the checksummed ASCII twins (NMEA 0183 and Gill WindSonic): one
// pipeline from a rendered line to the bytes on the wire, built on line-faults.ts. A
// WindSonic twin uses it too: its lines are framed differently but fail the same ways.
import { garbage, rateOf, tear, type FaultRate } from './line-faults.ts';

/**
 * Faults, switchable at run time. Rates are probabilities per line (true = every one).
 * - noise: 1–12 random bytes (no CR/LF) before a line, gluing to its front
 * - tornLines: a line cut in its middle, its rest and CR LF missing (it merges with the next)
 * - mergedLines: a whole line without its CR LF, so the next one is glued to it
 * - badChecksum: the checksum's last hex digit changed
 * - wrongBaud: every line replaced by what a receiver at the wrong rate makes of it (garbage + CR LF)
 * - stuck: the measured values frozen at their last value
 * - silent: nothing is sent, not even replies
 * A spike is an event, not a state: the twin's spike() arms one.
 */
export interface LineFaults {
  noise?: FaultRate;
  tornLines?: FaultRate;
  mergedLines?: FaultRate;
  badChecksum?: FaultRate;
  wrongBaud?: boolean;
  stuck?: boolean;
  silent?: boolean;
}

/** A line ending `hh` CR LF (the checksum's two hex digits) with its last digit changed. */
export function corruptHexChecksum(line: string): string {
  const body = line.replace(/\r\n$/, '');
  const last = body.at(-1) ?? '';
  if (!/[0-9A-Fa-f]/.test(last)) return line;
  const digit = (parseInt(last, 16) + 1) % 16;
  const hex = /[a-f]/.test(last) || /[a-f]/.test(body.slice(-2)) ? digit.toString(16) : digit.toString(16).toUpperCase();
  return `${body.slice(0, -1)}${hex}\r\n`;
}

/**
 * A line as seen at the wrong baud rate: each byte smeared into one or two others. The
 * receiver's UART still sees an idle line after the real CR LF, so a line end survives.
 */
export function atWrongBaud(line: string, rand: () => number): Buffer {
  const bytes = Buffer.from(line.replace(/\r\n$/, ''), 'latin1');
  const out: number[] = [];
  for (const b of bytes) {
    out.push((b << 1 | (rand() < 0.5 ? 1 : 0)) & 0xff | 0x80);
    if (rand() < 0.3) out.push(Math.floor(rand() * 0x7f) | 0x80);
  }
  return Buffer.concat([Buffer.from(out.map((b) => (b === 0x0a || b === 0x0d ? 0xff : b))), Buffer.from('\r\n')]);
}

/** The bytes the twin writes for one rendered line (with CR LF), after the link faults. */
export function faultyBytes(line: string, f: LineFaults, rand: () => number): Buffer[] {
  if (f.silent) return [];
  if (f.wrongBaud) return [atWrongBaud(line, rand)];
  const out: Buffer[] = [];
  let l = line;
  if (rand() < rateOf(f.badChecksum)) l = corruptHexChecksum(l);
  if (rand() < rateOf(f.tornLines)) l = tear(l, rand);
  else if (rand() < rateOf(f.mergedLines)) l = l.replace(/\r\n$/, '');
  if (rand() < rateOf(f.noise)) out.push(garbage(rand));
  out.push(Buffer.from(l, 'latin1'));
  return out;
}
