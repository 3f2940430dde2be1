// Line framing for ASCII sensors: bytes in, complete lines out. CR LF ends a line; a bare LF
// is tolerated. A line longer than `maxLength` (noise, a stuck device, wrong baud rate) is
// dropped and reported instead of growing the buffer: the framer discards until the next LF.

export interface FramedChunk {
  /** Complete lines without their terminator. */
  lines: string[];
  /** The start of each over-long run that was dropped (for a Rejection). */
  overflows: string[];
}

export class LineFramer {
  private buf = '';
  private discarding = false;

  constructor(readonly maxLength = 512) {}

  /** Feed bytes. latin1 maps every byte to one char, so nothing throws and nothing is merged. */
  push(chunk: Buffer | string): FramedChunk {
    const text = typeof chunk === 'string' ? chunk : chunk.toString('latin1');
    const out: FramedChunk = { lines: [], overflows: [] };
    let start = 0;
    for (;;) {
      const lf = text.indexOf('\n', start);
      const piece = text.slice(start, lf === -1 ? undefined : lf);
      if (this.discarding) {
        if (lf !== -1) this.discarding = false; // the next LF ends the dropped run
      } else {
        this.buf += piece;
        if (this.buf.length > this.maxLength) {
          out.overflows.push(this.buf.slice(0, 64));
          this.buf = '';
          this.discarding = lf === -1;
        } else if (lf !== -1) {
          out.lines.push(this.buf.endsWith('\r') ? this.buf.slice(0, -1) : this.buf);
          this.buf = '';
        }
      }
      if (lf === -1) break;
      start = lf + 1;
    }
    return out;
  }

  /** Forget a partial line, e.g. after a reconnect (its rest is gone for good). */
  reset(): void {
    this.buf = '';
    this.discarding = false;
  }

  /** Bytes held for an unfinished line. */
  get pending(): number {
    return this.buf.length;
  }
}

/** Control and 8-bit bytes as \xNN, at most 120 characters: safe in a log line. */
export function printableLine(s: string): string {
  const cut = s.length > 120 ? s.slice(0, 120) + '…' : s;
  return cut.replace(/[^\x20-\x7e…]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** The reason a parser gives the line noise `splitLineNoise` found. */
export const LINE_NOISE = 'line noise before message';

/**
 * A device line without its CR LF, and the line noise in front of it: a power-up glitch or
 * wrong-baud bytes often prefix the first good line with control or 8-bit bytes. Those
 * cannot be part of a message, so they are split off for the parser to report; a printable
 * prefix is indistinguishable from a garbled message and stays for the parser to refuse.
 */
export function splitLineNoise(line: string): { text: string; noise: string | null } {
  const text = line.replace(/[\r\n]+$/, '');
  const m = /^[^\x20-\x7e]+/.exec(text);
  return m ? { text: text.slice(m[0].length), noise: m[0] } : { text, noise: null };
}
