// Is there a Hydreon RG-15 on this transport? Listens first (a gauge in continuous mode, or
// one booting, speaks on its own), then sends `R` — read all, which changes no setting of the
// gauge. Claimed only on an RG-15 data line or its boot banner (`PwrDays`, `SW x.yyy`), so a
// WXT530 or a barometer is never taken for one. Caution (README): a PTB330 in STOP mode takes
// `R` as "start continuous output"; provisioning probes barometers first.
import type { Clock } from '../../core/index.ts';
import { withProbeSession } from '../framing/probe-session.ts';
import { createTransport } from '../transport/index.ts';
import type { Transport } from '../transport/types.ts';
import { isRg15Refusal, parseRg15Line, type Rg15Parsed } from './parse.ts';

export interface Rg15ProbeResult {
  found: boolean;
  /** 0 nothing; 0.8 boot banner only; 0.9 a data line; 1 both */
  confidence: number;
  units?: 'metric' | 'imperial';
  version?: string;
  faults?: string[];
}

export async function probeRg15(transport: Transport, clock: Clock, timeoutMs: number): Promise<Rg15ProbeResult> {
  return withProbeSession(transport, clock, timeoutMs, { found: false, confidence: 0 }, async (s) => {
    const parsed = () => s.lines.map((l) => parseRg15Line(l, { sensor: 'probe', ts: 0 })).filter((r): r is Rg15Parsed => !isRg15Refusal(r));
    const data = () => parsed().filter((p) => p.kind === 'data');
    await s.waitFor(() => data().length > 0, Math.min(s.deadline, clock.now() + (s.deadline - clock.now()) / 4));
    if (data().length === 0) {
      s.write('R\n');
      await s.waitFor(() => data().length > 0, s.deadline);
    }
    const banner = parsed().filter((p) => p.kind === 'banner' && (p.pwrDays !== undefined || p.version !== undefined));
    const d = data()[0];
    const version = banner.map((b) => (b.kind === 'banner' ? b.version : undefined)).find((v) => v !== undefined);
    if (!d || d.kind !== 'data') return banner.length ? { found: true, confidence: 0.8, ...(version ? { version } : {}) } : { found: false, confidence: 0 };
    return { found: true, confidence: banner.length ? 1 : 0.9, units: d.units, faults: d.faults, ...(version ? { version } : {}) };
  });
}

/** RG-15 `B n` speeds, the factory 9600 first. */
export const RG15_BAUDS = [9600, 1200, 2400, 4800, 19200, 38400, 57600] as const;

/** Try each baud rate (8N1) until an RG-15 answers. */
export async function probeRg15Port(url: string, opts: { clock: Clock; bauds?: readonly number[]; timeoutMs?: number; transportFor?: (baudRate: number) => Transport }): Promise<Rg15ProbeResult & { baudRate?: number }> {
  for (const baudRate of opts.bauds ?? RG15_BAUDS) {
    // transportFor: a test's stand-in for opening the port at a rate (a PTY ignores rates).
    const t = opts.transportFor?.(baudRate) ?? createTransport(url, { clock: opts.clock, baudRate });
    const r = await probeRg15(t, opts.clock, opts.timeoutMs ?? 3000);
    if (r.found) return { ...r, baudRate };
  }
  return { found: false, confidence: 0 };
}
