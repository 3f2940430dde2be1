// Is there a PTB330 or PTB210 on this transport? Read-only questions: PTB330 `VERS` (prints
// `PTB330 / x.yy`) and `SEND` (one reading); PTB210 `.P` (one reading). A barometer already
// running (`R`/SMODE RUN) counts too. A WXT530 ignores these (no address prefix); an RG-15
// prints no hPa reading, so neither is claimed.
import type { Clock } from '../../core/index.ts';
import { withProbeSession } from '../framing/probe-session.ts';
import { createTransport } from '../transport/index.ts';
import type { Transport } from '../transport/types.ts';
import { isPtbRefusal, parsePtbLine, type PtbParsed } from './parse.ts';
import type { PtbModel } from './driver.ts';

export interface PtbProbeResult {
  found: boolean;
  /** 0 nothing; 0.5 a version banner only; 0.9 a plausible reading; 1 reading with banner or verified checksum */
  confidence: number;
  model?: PtbModel;
  version?: string;
  /** hPa */
  pressure?: number;
  checksum?: string | null;
}

// A barometer at any Bonin station reads 850–1100 hPa; other numbers are another device.
const plausible = (p: PtbParsed) => p.kind === 'reading' && p.observations.some((o) => o.quantity === 'air_pressure' && o.value !== null && o.value > 850 && o.value < 1100);

export async function probePtb(transport: Transport, clock: Clock, timeoutMs: number): Promise<PtbProbeResult> {
  return withProbeSession(transport, clock, timeoutMs, { found: false, confidence: 0 }, async (s) => {
    const readings = (): PtbParsed[] => s.lines.map((l) => parsePtbLine(l, { sensor: 'probe', ts: 0 })).filter((r): r is PtbParsed => !isPtbRefusal(r) && plausible(r));
    const banner = () => s.lines.map((l) => /\b(PTB(?:330|210))\b\s*\/?\s*([\w.]*)/.exec(l)).find((m) => m !== null) ?? undefined;
    const step = (share: number) => s.waitFor(() => readings().length > 0, Math.min(s.deadline, clock.now() + (s.deadline - clock.now()) * share));

    s.write('VERS\r\n');
    await s.waitFor(() => banner() !== undefined || readings().length > 0, Math.min(s.deadline, clock.now() + (s.deadline - clock.now()) / 3));
    if (readings().length === 0) {
      s.write('SEND\r\n');
      await step(0.5);
    }
    if (readings().length === 0) {
      s.write('.P\r');
      await step(1);
    }
    const b = banner();
    const r = readings()[0];
    if (!r) return b ? { found: false, confidence: 0.5, model: b[1] as PtbModel, version: b[2] || undefined } : { found: false, confidence: 0 };
    const model: PtbModel = (b?.[1] as PtbModel | undefined) ?? (s.lines.some((l) => /^\s*[\d.]+\s*$/.test(l)) ? 'PTB210' : 'PTB330');
    return {
      found: true, confidence: b || r.checksum ? 1 : 0.9, model, ...(b?.[2] ? { version: b[2] } : {}),
      pressure: r.observations.find((o) => o.quantity === 'air_pressure')!.value!, checksum: r.checksum,
    };
  });
}

/** PTB330 serial speeds, most common first (protocols.md: commonly 4800 or 9600, E 7 1). */
export const PTB_BAUDS = [9600, 4800, 19200, 2400, 1200, 38400] as const;

/** Try each baud rate (7 data bits, even parity, as the barometers are set) until a barometer answers. */
export async function probePtbPort(url: string, opts: { clock: Clock; bauds?: readonly number[]; timeoutMs?: number; transportFor?: (baudRate: number) => Transport }): Promise<PtbProbeResult & { baudRate?: number }> {
  for (const baudRate of opts.bauds ?? PTB_BAUDS) {
    // transportFor: a test's stand-in for opening the port at a rate (a PTY ignores rates).
    const t = opts.transportFor?.(baudRate) ?? createTransport(url, { clock: opts.clock, baudRate, dataBits: 7, parity: 'even' });
    const r = await probePtb(t, opts.clock, opts.timeoutMs ?? 3000);
    if (r.found) return { ...r, baudRate };
  }
  return { found: false, confidence: 0 };
}
