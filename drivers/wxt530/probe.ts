// Is there a WXT530 on this transport? Read-only: `?` (address query) then `aR0`/`aR1`…
// data queries. Never a settings command (`aXU,…`, `aXZ…`): a probe during provisioning
// must leave a working sensor exactly as it was.
import type { Clock } from '../../core/index.ts';
import { withProbeSession } from '../framing/probe-session.ts';
import type { Transport } from '../transport/types.ts';
import { isRejection, parseWxtMessage, type WxtParsed } from './parse.ts';

export interface Wxt530Identity {
  /** CRC-verified data seen */
  crc: boolean;
  /** message kinds seen, e.g. ['composite', 'wind'] */
  messages: string[];
  /** field names seen, e.g. ['Dm', 'Sm', 'Ta'] */
  fields: string[];
  /** the supervisor `Id` text field, when configured (e.g. `HEL___`) */
  id?: string;
}

export interface ProbeResult {
  found: boolean;
  address?: string;
  /** 0…1: 0 nothing, 0.3 only an address-like reply, 0.9 a parsed data message, 1 with a verified CRC */
  confidence: number;
  identity?: Wxt530Identity;
}

/**
 * Opens the transport if needed (and then closes it again), sends `?` and `aR0`, and
 * listens for up to `timeoutMs` of clock time in all. A device already in automatic mode
 * counts too: any data message seen is evidence.
 */
export async function probeWxt530(transport: Transport, clock: Clock, timeoutMs: number): Promise<ProbeResult> {
  const parsed: WxtParsed[] = [];
  const addressReplies: string[] = [];
  const onLine = (line: string) => {
    const t = line.trim();
    if (/^[0-9A-Za-z]$/.test(t)) addressReplies.push(t);
    const r = parseWxtMessage(line, { sensor: 'probe', ts: clock.now() });
    if (!isRejection(r) && r.kind !== 'text' && Object.keys(r.fields).length > 0) parsed.push(r);
  };
  return withProbeSession(transport, clock, timeoutMs, { found: false, confidence: 0 }, async ({ write, waitFor, deadline }) => {
    // 1. Address query; a device answers with its address alone. Give it a third of the time.
    write('?\r\n');
    const t1 = clock.now() + (deadline - clock.now()) / 3;
    await waitFor(() => addressReplies.length > 0 || parsed.length > 0, t1);
    const address = addressReplies[0] ?? parsed[0]?.address ?? '0';

    // 2. A data query at that address; the composite message may be empty by configuration,
    //    so fall back to the wind message, which every WXT53x model has.
    for (const cmd of [`${address}R0`, `${address}R1`]) {
      if (parsed.some((p) => p.address === address)) break;
      write(`${cmd}\r\n`);
      await waitFor(() => parsed.some((p) => p.address === address), Math.min(deadline, clock.now() + (deadline - clock.now()) / 2 + 1));
    }
    await waitFor(() => parsed.some((p) => p.address === address), deadline);

    const mine = parsed.filter((p) => p.address === address);
    if (mine.length === 0) {
      return addressReplies.length > 0 ? { found: false, address, confidence: 0.3 } : { found: false, confidence: 0 };
    }
    const crc = mine.some((p) => p.crc);
    const fields = [...new Set(mine.flatMap((p) => Object.keys(p.fields)))];
    const id = mine.map((p) => p.fields.Id?.text).find((x) => x !== undefined);
    const identity: Wxt530Identity = { crc, messages: [...new Set(mine.map((p) => p.kind))], fields, ...(id ? { id } : {}) };
    return { found: true, address, confidence: crc ? 1 : 0.9, identity };
  }, { maxLineLength: 512, onLine });
}
