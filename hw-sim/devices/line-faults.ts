// Link-level faults any line-oriented twin can suffer, applied to a rendered line: noise
// bytes before it, a torn line (cut short, its rest and CR LF missing), a corrupted CRC.
// Seeded, so a fault test replays the same damage.

/** mulberry32: a tiny seeded PRNG, uniform in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A fault's setting: a probability per line (0–1), or true (every line) / false (never). */
export type FaultRate = number | boolean;

export function rateOf(r: FaultRate | undefined): number {
  return r === true ? 1 : r === false || r === undefined ? 0 : Math.min(1, Math.max(0, r));
}

/** 1–12 random bytes, never CR or LF: a burst that glues itself to the front of the next line. */
export function garbage(rand: () => number): Buffer {
  const n = 1 + Math.floor(rand() * 12);
  const out = Buffer.alloc(n);
  for (let i = 0; i < n; i++) {
    let b = Math.floor(rand() * 256);
    if (b === 0x0d || b === 0x0a) b = 0x7f;
    out[i] = b;
  }
  return out;
}

/** The line cut somewhere in its middle (at least 3 characters in, before the last 3 before CR LF). */
export function tear(line: string, rand: () => number): string {
  const body = line.replace(/\r\n$/, '');
  const lo = Math.min(3, body.length - 1);
  const hi = Math.max(lo + 1, body.length - 3);
  return body.slice(0, lo + Math.floor(rand() * (hi - lo)));
}

/** A CRC-framed line with its 3 CRC characters changed (still printable 0x40–0x7F). */
export function corruptCrc(line: string): string {
  const body = line.replace(/\r\n$/, '');
  if (body.length < 4) return line;
  const last = body.charCodeAt(body.length - 1);
  return `${body.slice(0, -1)}${String.fromCharCode(0x40 | ((last ^ 0x15) & 0x3f))}\r\n`;
}
