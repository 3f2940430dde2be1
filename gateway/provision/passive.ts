// The first thing provisioning does on a port, at each baud rate: listen, send nothing. A
// device in automatic mode (WXT530 `A`, NMEA talkers, WindSonic continuous, PTB330 RUN,
// RG-15 continuous, a Firmata board announcing itself) gives itself away without a single
// byte written, so a working sensor is never disturbed when it need not be.
import type { Clock } from '../../core/index.ts';
import {
  createTransport, isNmeaRefusal, isPtbRefusal, isRejection, isRg15Refusal, isWindsonicRefusal, LineFramer,
  parseNmeaSentence, parsePtbLine, parseRg15Line, parseWindsonicLine, parseWxtMessage, scanFirmata, type TransportOptions,
} from '../../drivers/index.ts';

/** Families a passive listen can recognise, by the probe that confirms them. */
export type PassiveFamily = 'firmata' | 'wxt530' | 'nmea' | 'windsonic' | 'ptb' | 'rg15';

export interface PassiveResult {
  bytes: number;
  /** share of the bytes that are printable ASCII, CR or LF (0…1): text at the right rate, debris at a wrong one */
  text: number;
  lines: number;
  family: PassiveFamily | null;
  /** the line (or bytes) that gave it away, printable */
  evidence: string | null;
}

const printable = (s: string) => s.replace(/[^\x20-\x7e]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`).slice(0, 120);
const ctx = { sensor: 'scan', ts: 0 };

/** The family one line belongs to, or null. Only checksummed or tightly formed lines count. */
export function classifyLine(line: string): PassiveFamily | null {
  const wxt = parseWxtMessage(line, ctx);
  if (!isRejection(wxt) && wxt.kind !== 'text' && Object.keys(wxt.fields).length > 0) return 'wxt530';
  const nmea = parseNmeaSentence(line, ctx);
  if (!isNmeaRefusal(nmea) && nmea.checksum && nmea.observations.length > 0) return 'nmea';
  const sonic = parseWindsonicLine(line, ctx);
  if (!isWindsonicRefusal(sonic) && sonic.kind === 'data' && sonic.checksum) return 'windsonic';
  // A barometer set to 7E1 read at 8N1 carries its parity in bit 7: strip it to read the line.
  for (const l of [line, line.replace(/[\x80-\xff]/g, (c) => String.fromCharCode(c.charCodeAt(0) & 0x7f))]) {
    const ptb = parsePtbLine(l, ctx);
    if (!isPtbRefusal(ptb) && ptb.kind === 'reading' && ptb.observations.some((o) => o.quantity === 'air_pressure' && o.value !== null && o.value > 850 && o.value < 1100)) return 'ptb';
  }
  const rg = parseRg15Line(line, ctx);
  if (!isRg15Refusal(rg) && rg.kind === 'data') return 'rg15';
  return null;
}

/** Open `url` at the given settings, listen for `ms` of clock time, close; write nothing. */
export async function listenPassively(url: string, clock: Clock, ms: number, settings: Omit<TransportOptions, 'clock'>): Promise<PassiveResult> {
  const transport = createTransport(url, { clock, ...settings });
  const framer = new LineFramer(512);
  const raw: Buffer[] = [];
  let bytes = 0;
  let textBytes = 0;
  let lines = 0;
  let family: PassiveFamily | null = null;
  let evidence: string | null = null;
  transport.on('data', (b: Buffer) => {
    bytes += b.length;
    for (const c of b) if ((c >= 0x20 && c < 0x7f) || c === 0x0d || c === 0x0a || c === 0x02 || c === 0x03) textBytes++;
    if (bytes < 16_384) raw.push(b);
    for (const line of framer.push(b).lines) {
      lines++;
      const f = classifyLine(line);
      if (!f) continue;
      // One line is enough to choose which probe confirms it; the probe decides.
      if (!family) {
        family = f;
        evidence = printable(line);
      }
    }
  });
  transport.on('error', () => {});
  transport.open();
  const until = clock.now() + ms;
  while (clock.now() < until && !family) {
    await new Promise<void>((r) => clock.after(Math.min(100, until - clock.now()), r));
    if (!family) {
      const fw = scanFirmata(Buffer.concat(raw));
      if (fw?.firmware) {
        family = 'firmata';
        evidence = `REPORT_VERSION ${fw.protocol}, firmware "${fw.firmware}"`;
      }
    }
  }
  await transport.close();
  return { bytes, text: bytes ? textBytes / bytes : 0, lines, family, evidence };
}
