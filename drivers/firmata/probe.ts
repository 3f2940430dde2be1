// Is there a Firmata board on this transport? Read-only: we listen for the REPORT_VERSION
// (F9 maj min) and firmware name (F0 79 … F7) a board sends after reset, and if none comes
// in the first third of the time we ask for them (F9, F0 79 F7). Those two queries change
// nothing on the board: no pin mode, no reporting, no sampling interval, no I²C. A Firmata
// byte stream cannot be mistaken for another family's: F9 and F0 are not ASCII, and both
// the version and the sysex must be well-formed (7-bit payloads) to count.
import type { Clock } from '../../core/index.ts';
import { withProbeSession } from '../framing/probe-session.ts';
import type { Transport } from '../transport/types.ts';

export interface FirmataIdentity {
  /** protocol version from REPORT_VERSION, e.g. "2.5" */
  protocol: string;
  /** firmware name and version, e.g. "StandardFirmata.ino 2.5" (when the board sent it) */
  firmware?: string;
}

export interface FirmataProbeResult {
  found: boolean;
  /** 0 nothing, 0.3 a REPORT_VERSION-like triple only (not claimed), 1 with a well-formed firmware reply */
  confidence: number;
  identity?: FirmataIdentity;
}

/** What the host may send: version and firmware queries, nothing else. */
export const PROBE_QUERIES = Buffer.from([0xf9, 0xf0, 0x79, 0xf7]);

/** Scan bytes for a REPORT_VERSION and a firmware reply. Pure; used by the probe and its tests. */
export function scanFirmata(bytes: Buffer): FirmataIdentity | null {
  let protocol: string | null = null;
  let firmware: string | undefined;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] === 0xf9 && i + 2 < bytes.length && bytes[i + 1]! < 0x80 && bytes[i + 2]! < 0x80) {
      protocol ??= `${bytes[i + 1]}.${bytes[i + 2]}`;
    }
    if (bytes[i] === 0xf0 && bytes[i + 1] === 0x79) {
      const end = bytes.indexOf(0xf7, i + 2);
      if (end < 0 || end - i - 4 < 0 || (end - i - 4) % 2 !== 0) continue;
      const body = bytes.subarray(i + 2, end);
      if (body.some((b) => b >= 0x80)) continue;
      const chars: number[] = [];
      for (let k = 2; k + 1 < body.length; k += 2) chars.push(body[k]! | (body[k + 1]! << 7));
      // A firmware name is printable text; anything else is noise that happened to look framed.
      if (chars.length > 0 && chars.every((c) => c >= 0x20 && c < 0x7f)) {
        firmware ??= `${String.fromCharCode(...chars)} ${body[0]}.${body[1]}`;
      }
    }
  }
  if (!protocol) return null;
  return firmware ? { protocol, firmware } : { protocol };
}

/**
 * Opens the transport if needed (and then closes it again) and listens for up to
 * `timeoutMs` of clock time in all; the caller tries each baud rate (57600 first: StandardFirmata).
 */
export async function probeFirmata(transport: Transport, clock: Clock, timeoutMs: number): Promise<FirmataProbeResult> {
  const chunks: Buffer[] = [];
  let size = 0;
  const onBytes = (b: Buffer) => {
    if (size < 65_536) {
      chunks.push(b);
      size += b.length;
    }
  };
  const seen = () => scanFirmata(Buffer.concat(chunks));
  const complete = () => seen()?.firmware !== undefined;
  return withProbeSession(transport, clock, timeoutMs, { found: false, confidence: 0 } as FirmataProbeResult, async ({ write, waitFor, deadline }) => {
    // 1. A board that just reset (or a twin that keeps announcing) speaks first.
    await waitFor(complete, clock.now() + (deadline - clock.now()) / 3);
    // 2. Otherwise ask: version and firmware queries only.
    if (!complete()) write(PROBE_QUERIES);
    await waitFor(complete, deadline);
    const id = seen();
    if (!id) return { found: false, confidence: 0 };
    // F9 and two small bytes can occur in noise; only the firmware sysex as well is a board.
    return id.firmware ? { found: true, confidence: 1, identity: id } : { found: false, confidence: 0.3, identity: id };
  }, { onBytes });
}
