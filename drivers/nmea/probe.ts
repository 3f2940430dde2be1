// Is there an NMEA 0183 weather sensor on this transport? Listen only: NMEA sensors talk on
// their own, and nothing is ever written, so a probe can never change a setting. Only
// sentences whose checksum verifies count (a WindSonic's STX lines, a WXT's `0R1,…`, an RG-15's
// `Acc …` never do), so another family is not claimed.
import type { Clock } from '../../core/index.ts';
import { withProbeSession } from '../framing/probe-session.ts';
import { createTransport } from '../transport/index.ts';
import type { Transport } from '../transport/types.ts';
import { isNmeaRefusal, parseNmeaSentence, SENTENCES } from './parse.ts';

export interface NmeaIdentity {
  /** talker ids seen, e.g. ['WI'] */
  talkers: string[];
  /** supported sentence types seen, e.g. ['MDA', 'MWV'] */
  sentences: string[];
  /** XDR transducer names seen */
  transducers: string[];
}

export interface NmeaProbeResult {
  found: boolean;
  /** 0 nothing; 0.5 NMEA framing but no checksum; 0.9 one verified sentence; 1 two or more */
  confidence: number;
  baudRate?: number;
  identity?: NmeaIdentity;
}

/** Listens for up to `timeoutMs` of clock time (stops early after 2 verified sentences). */
export async function probeNmea(transport: Transport, clock: Clock, timeoutMs: number): Promise<NmeaProbeResult> {
  const verified: Array<{ talker: string; type: string; transducers: string[] }> = [];
  let unchecked = 0;
  const onLine = (line: string) => {
    const r = parseNmeaSentence(line, { sensor: 'probe', ts: clock.now() });
    if (isNmeaRefusal(r) || r.rejections.length > r.observations.length) return;
    if (!r.checksum) unchecked++;
    else verified.push({ talker: r.talker, type: r.type, transducers: r.observations.map((o) => o.sensor.split('/')[1]).filter((x): x is string => !!x) });
  };
  // Listen only: a talker needs no question.
  await withProbeSession(transport, clock, timeoutMs, null, ({ waitFor, deadline }) => waitFor(() => verified.length >= 2, deadline), { onLine });
  if (verified.length === 0) return unchecked >= 2 ? { found: true, confidence: 0.5, identity: { talkers: [], sentences: [], transducers: [] } } : { found: false, confidence: 0 };
  const uniq = (xs: string[]) => [...new Set(xs)].sort();
  return {
    found: true,
    confidence: verified.length >= 2 ? 1 : 0.9,
    identity: {
      talkers: uniq(verified.map((v) => v.talker)),
      sentences: uniq(verified.map((v) => v.type)).filter((t) => (SENTENCES as readonly string[]).includes(t)),
      transducers: uniq(verified.flatMap((v) => v.transducers)),
    },
  };
}

/** NMEA rates to try, the standard's 4800 first (Airmar can switch to 38400). */
export const NMEA_BAUDS = [4800, 9600, 19200, 38400] as const;

/** Try each baud rate on a port (device path or tcp:// URL) until NMEA is heard. */
export async function probeNmeaPort(url: string, opts: { clock: Clock; bauds?: readonly number[]; timeoutMs?: number; transportFor?: (baudRate: number) => Transport }): Promise<NmeaProbeResult> {
  for (const baudRate of opts.bauds ?? NMEA_BAUDS) {
    // transportFor: a test's stand-in for opening the port at a rate (a PTY ignores rates).
    const t = opts.transportFor?.(baudRate) ?? createTransport(url, { clock: opts.clock, baudRate });
    const r = await probeNmea(t, opts.clock, opts.timeoutMs ?? 3000);
    if (r.found) return { ...r, baudRate };
  }
  return { found: false, confidence: 0 };
}
