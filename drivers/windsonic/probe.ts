// Is there a Gill WindSonic on this transport? First listen (a continuous unit sends every
// second); if it is silent, ask a polled unit for its identifier (`?&`) and poll it the way
// the manual says (`?`, letter, `!`). Never `*` (configuration mode) or any setting: a probe during
// provisioning must leave a working sensor as it was. Only STX lines whose XOR checksum
// verifies count, so NMEA, WXT and RG-15 lines are never claimed.
import type { Clock } from '../../core/index.ts';
import { withProbeSession } from '../framing/probe-session.ts';
import { createTransport } from '../transport/index.ts';
import type { Transport } from '../transport/types.ts';
import { isWindsonicRefusal, parseWindsonicLine } from './parse.ts';

export interface WindsonicIdentity {
  node: string;
  mode: 'continuous' | 'polled';
  /** unit letter as printed (M, N, P, K, F) */
  unit: string;
  /** last status code, e.g. '00' */
  status: string;
  /** banner lines seen (power-up text), if any */
  banner: string[];
}

export interface WindsonicProbeResult {
  found: boolean;
  /** 0 nothing; 0.4 banner text only; 1 a checksum-verified data line */
  confidence: number;
  baudRate?: number;
  identity?: WindsonicIdentity;
}

export async function probeWindsonic(transport: Transport, clock: Clock, timeoutMs: number, nodes: readonly string[] = ['Q']): Promise<WindsonicProbeResult> {
  const seen: Array<{ node: string; unit: string; status: string }> = [];
  const banner: string[] = [];
  const identifiers: string[] = [];
  const onLine = (line: string) => {
    const r = parseWindsonicLine(line, { sensor: 'probe', ts: clock.now() });
    if (isWindsonicRefusal(r)) return;
    if (r.kind === 'text') {
      if (/^[A-Z]$/.test(r.text)) identifiers.push(r.text); // reply to `?&`
      else if (/windsonic|gill/i.test(r.text)) banner.push(r.text);
    } else if (r.checksum) seen.push({ node: r.node, unit: r.unit, status: r.status.code });
  };
  let polled = false;
  await withProbeSession(transport, clock, timeoutMs, null, async ({ write, waitFor, deadline }) => {
    const data = () => seen.length > 0;
    // Continuous output comes once a second at most settings: listen for half the time.
    await waitFor(data, clock.now() + (deadline - clock.now()) / 2);
    if (data() || !transport.isOpen) return;
    polled = true;
    // `?&` asks a polled unit for its identifier (one letter); then poll that letter the
    // manual's way (`?`, letter, `!`), falling back to the given letters.
    write('?&');
    await waitFor(() => identifiers.length > 0 || data(), Math.min(deadline, clock.now() + (deadline - clock.now()) / 3));
    write('!');
    for (const node of [...new Set([...identifiers, ...nodes])]) {
      write(`?${node}`);
      await waitFor(data, Math.min(deadline, clock.now() + (deadline - clock.now()) / 2 + 1));
      write('!'); // polling disabled again, as it was
      if (data()) break;
    }
    // Give the `!` time to leave before the port closes: a close drops unsent bytes.
    await new Promise<void>((r) => clock.after(100, r));
  }, { maxLineLength: 128, onLine });
  const last = seen.at(-1);
  if (!last) return banner.length > 0 ? { found: false, confidence: 0.4 } : { found: false, confidence: 0 };
  return { found: true, confidence: 1, identity: { node: last.node, mode: polled ? 'polled' : 'continuous', unit: last.unit, status: last.status, banner } };
}

/** WindSonic rates, the factory 9600 first (manual: 2400–38400 selectable). */
export const WINDSONIC_BAUDS = [9600, 19200, 38400, 4800, 2400] as const;

export async function probeWindsonicPort(url: string, opts: { clock: Clock; bauds?: readonly number[]; timeoutMs?: number; transportFor?: (baudRate: number) => Transport }): Promise<WindsonicProbeResult> {
  for (const baudRate of opts.bauds ?? WINDSONIC_BAUDS) {
    // transportFor: a test's stand-in for opening the port at a rate (a PTY ignores rates).
    const t = opts.transportFor?.(baudRate) ?? createTransport(url, { clock: opts.clock, baudRate });
    const r = await probeWindsonic(t, opts.clock, opts.timeoutMs ?? 3000);
    if (r.found) return { ...r, baudRate };
  }
  return { found: false, confidence: 0 };
}
