// What is on one port, at which rate: passive listen first at each rate, then only the
// read-only questions of each family's own probe (drivers/*/probe.ts), in an order where no
// question can change another family's settings (the PTB330 takes an RG-15's `R` as "start
// output", so barometers are asked first). Nothing is claimed without a probe's confirmation.
import { existsSync } from 'node:fs';
import type { Clock } from '../../core/index.ts';
import {
  createTransport, probeFirmata, probeNmea, probePtb, probeRg15, probeWindsonic, probeWxt530, type Transport, type TransportOptions,
} from '../../drivers/index.ts';
import { withProbeSession } from '../../drivers/framing/probe-session.ts';
import { listenPassively, type PassiveFamily } from './passive.ts';

/** The usual rates, most likely first: WXT530 factory, then the 9600 of most others, NMEA 4800, Firmata 57600. */
export const SCAN_BAUDS = [19200, 9600, 4800, 38400, 57600, 115200, 2400, 1200] as const;

export interface Finding {
  port: string;
  status: 'identified' | 'garbage' | 'silent' | 'unknown' | 'error';
  /** station-file sensor type */
  type?: string;
  baud?: number;
  /** model, serial number, firmware where the device tells */
  identity: { model?: string; serial?: string; firmware?: string };
  /** 0…1 */
  confidence: number;
  /** what was heard and asked, in order, for the report */
  evidence: string[];
  /** the station-file sensor entry, without id and port */
  sensor?: Record<string, unknown>;
  /** the device's readings seen while probing (NMEA talkers, WXT fields…) */
  details?: Record<string, unknown>;
}

export interface IdentifyOptions {
  clock: Clock;
  /** passive listen per rate, ms of clock time */
  listenMs: number;
  /** each probe's time, ms */
  probeMs: number;
  bauds?: readonly number[];
}

const PTB_SET = new Set([9600, 4800, 19200, 2400, 1200, 38400]);
const SONIC_SET = new Set([9600, 19200, 38400, 4800, 2400]);
const RG15_SET = new Set([9600, 1200, 2400, 4800, 19200, 38400, 57600]);
const FIRMATA_SET = new Set([57600, 115200]);

type Settings = Omit<TransportOptions, 'clock'>;
const at = (url: string, clock: Clock, s: Settings): Transport => createTransport(url, { clock, ...s });

/** `aXU` with no fields reads the WXT's settings (it changes nothing): model, firmware, mode. */
async function wxtSettings(url: string, clock: Clock, s: Settings, address: string, ms: number): Promise<Record<string, string> | null> {
  return withProbeSession(at(url, clock, s), clock, ms, null, async (session) => {
    session.write(`${address}XU\r\n`);
    const find = () => session.lines.find((l) => l.startsWith(`${address}XU,`));
    await session.waitFor(() => find() !== undefined, session.deadline);
    const line = find();
    if (!line) return null;
    return Object.fromEntries(line.split(',').slice(1).map((kv) => [kv.slice(0, 1), kv.slice(2)]));
  });
}

/** `?` asks every WXT its address (read-only); an NMEA talker that answers is a WXT in NMEA mode. */
async function askAddress(url: string, clock: Clock, s: Settings, ms: number): Promise<string | null> {
  return withProbeSession(at(url, clock, s), clock, ms, null, async (session) => {
    session.write('?\r\n');
    const find = () => session.lines.map((l) => l.trim()).find((l) => /^[0-9A-Za-z]$/.test(l));
    await session.waitFor(() => find() !== undefined, session.deadline);
    return find() ?? null;
  });
}

const WXT_MODES: Record<string, { mode: string; crc: boolean }> = {
  A: { mode: 'automatic', crc: false }, a: { mode: 'automatic', crc: true }, P: { mode: 'polled', crc: false },
  p: { mode: 'polled', crc: true }, N: { mode: 'nmea', crc: false }, Q: { mode: 'nmea-query', crc: false },
};

async function wxtFinding(url: string, o: IdentifyOptions, s: Settings, address: string, base: Finding, viaNmea: boolean): Promise<Finding> {
  const xu = await wxtSettings(url, o.clock, s, address, o.probeMs);
  const m = WXT_MODES[xu?.M ?? (viaNmea ? 'N' : 'A')] ?? WXT_MODES.A!;
  base.evidence.push(xu ? `${address}XU (read settings): model ${xu.N ?? '?'}, firmware ${xu.V ?? '?'}, protocol M=${xu.M ?? '?'}` : `${address}XU unanswered: mode taken from what was heard`);
  return {
    ...base, status: 'identified', type: 'vaisala-wxt530',
    identity: { model: xu?.N ?? 'WXT53x', ...(xu?.V ? { firmware: xu.V } : {}) },
    confidence: Math.min(1, base.confidence + (xu ? 0.1 : 0)),
    sensor: { type: 'vaisala-wxt530', address, mode: m.mode, crc: m.crc },
  };
}

/** Confirm a family at one rate with its own probe. Null: the probe did not confirm it. */
async function confirm(family: PassiveFamily, url: string, o: IdentifyOptions, s: Settings, baud: number | undefined, ev: string[], passive: boolean): Promise<Finding | null> {
  const { clock, probeMs } = o;
  const base = (confidence: number): Finding => ({ port: url, status: 'identified', ...(baud ? { baud } : {}), identity: {}, confidence, evidence: ev });
  const where = baud ? `at ${baud} baud` : 'on the device server';
  switch (family) {
    case 'wxt530': {
      const r = await probeWxt530(at(url, clock, s), clock, probeMs);
      if (!r.found && r.confidence < 0.3) return null;
      ev.push(r.found ? `WXT530 probe ${where}: address ${r.address}, messages ${r.identity?.messages.join('/')}, fields ${r.identity?.fields.join(' ')}${r.identity?.crc ? ', CRC verified' : ''}` : `WXT530 probe ${where}: answered ? with address ${r.address} but no ASCII data (NMEA query mode?)`);
      return wxtFinding(url, o, s, r.address ?? '0', base(r.found ? r.confidence : 0.6), !r.found);
    }
    case 'nmea': {
      // A talker is only heard when it talks: give it two passive listens' time, not a question's.
      const r = await probeNmea(at(url, clock, s), clock, Math.max(probeMs, 2 * o.listenMs));
      if (!r.found || r.confidence < 0.9) return null;
      ev.push(`NMEA talker ${where}: talkers ${r.identity!.talkers.join(',')}, sentences ${r.identity!.sentences.join(',')}${r.identity!.transducers.length ? `, XDR ${r.identity!.transducers.join(',')}` : ''} (checksums verified)`);
      const address = await askAddress(url, clock, s, probeMs);
      if (address) {
        ev.push(`answered ? with address ${address}: a Vaisala WXT530 in NMEA mode`);
        return wxtFinding(url, o, s, address, base(r.confidence), true);
      }
      return { ...base(r.confidence), type: 'nmea-0183', identity: { model: `NMEA 0183 talker ${r.identity!.talkers.join('/')}` }, sensor: { type: 'nmea-0183' }, details: { ...r.identity } };
    }
    case 'windsonic': {
      const r = await probeWindsonic(at(url, clock, s), clock, passive ? Math.max(probeMs, 2 * o.listenMs) : probeMs);
      if (!r.found) return null;
      const id = r.identity!;
      ev.push(`WindSonic ${where}: unit ${id.node}, ${id.mode}, speed unit ${id.unit}, status ${id.status} (checksum verified)`);
      return { ...base(r.confidence), type: 'gill-windsonic', identity: { model: 'Gill WindSonic', ...(id.banner[0] ? { firmware: id.banner[0] } : {}) }, sensor: { type: 'gill-windsonic', node: id.node, mode: id.mode } };
    }
    case 'ptb': {
      const r = await probePtb(at(url, clock, { ...s, dataBits: 7, parity: 'even' }), clock, probeMs);
      if (!r.found) return null;
      const type = r.model === 'PTB210' ? 'vaisala-ptb210' : 'vaisala-ptb330';
      ev.push(`${r.model} ${where} E 7 1: ${r.pressure} hPa${r.version ? `, VERS ${r.version}` : ''}${r.checksum ? `, checksum ${r.checksum}` : ''}${passive ? ', sending on its own (RUN)' : ''}`);
      const mode = type === 'vaisala-ptb330' && passive ? 'automatic' : 'polled';
      return { ...base(r.confidence), type, identity: { model: r.model!, ...(r.version ? { firmware: r.version } : {}) }, sensor: { type, data_bits: 7, parity: 'even', mode } };
    }
    case 'rg15': {
      const r = await probeRg15(at(url, clock, s), clock, probeMs);
      if (!r.found || r.confidence < 0.9) return null;
      ev.push(`RG-15 ${where}: ${r.units} units${r.version ? `, SW ${r.version}` : ''}${r.faults?.length ? `, faults ${r.faults.join(',')}` : ''}`);
      // Polled works whatever the gauge's own mode (it always answers R), and a dry gauge in continuous mode is silent.
      return { ...base(r.confidence), type: 'hydreon-rg15', identity: { model: 'Hydreon RG-15', ...(r.version ? { firmware: r.version } : {}) }, sensor: { type: 'hydreon-rg15', mode: 'polled' } };
    }
    case 'firmata': {
      const r = await probeFirmata(at(url, clock, s), clock, probeMs);
      if (!r.found) return null;
      ev.push(`Firmata ${where}: protocol ${r.identity!.protocol}, firmware ${r.identity!.firmware}`);
      return { ...base(r.confidence), type: 'firmata-board', identity: { model: 'Firmata board', firmware: r.identity!.firmware! }, sensor: { type: 'firmata-board' } };
    }
  }
}

/**
 * One empty line (CR LF) before asking: bytes our questions left at wrong rates sit in the
 * device's input buffer and would spoil the first real question. Every family ignores an
 * empty line (and a Firmata board ignores data bytes outside a message).
 */
async function flushLine(url: string, clock: Clock, s: Settings): Promise<void> {
  await withProbeSession(at(url, clock, s), clock, 300, null, async (session) => {
    session.write('\r\n');
    await session.waitFor(() => false, Math.min(session.deadline, clock.now() + 60));
    return null;
  });
}

/** Active order at one rate: barometers first (see top), Firmata, WXT, WindSonic, RG-15 last. */
function activeFamilies(baud: number | undefined): PassiveFamily[] {
  const ok = (set: Set<number>) => baud === undefined || set.has(baud);
  return [ok(PTB_SET) && 'ptb', ok(FIRMATA_SET) && 'firmata', 'wxt530', ok(SONIC_SET) && 'windsonic', ok(RG15_SET) && 'rg15'].filter((f): f is PassiveFamily => !!f);
}

export async function identifyPort(url: string, o: IdentifyOptions): Promise<Finding> {
  const evidence: string[] = [];
  const tcp = url.startsWith('tcp://');
  if (!tcp && !existsSync(url)) return { port: url, status: 'error', identity: {}, confidence: 0, evidence: [`${url} does not exist: check the cable and the adapter (ls /dev/serial/by-id/)`] };
  // A device server has its own rate: one pass, no baud to choose.
  const bauds: Array<number | undefined> = tcp ? [undefined] : [...(o.bauds ?? SCAN_BAUDS)];
  let noisyRates = 0;
  for (const baud of bauds) {
    const s: Settings = baud ? { baudRate: baud } : {};
    const heard = await listenPassively(url, o.clock, o.listenMs, s);
    const rate = baud ? `${baud} baud` : 'the device server';
    if (heard.family) {
      evidence.push(`listened ${o.listenMs} ms at ${rate}: ${heard.lines} lines, one looks like ${heard.family}: "${heard.evidence}"`);
      const f = await confirm(heard.family, url, o, s, baud, evidence, true);
      if (f) return f;
      evidence.push(`the ${heard.family} probe did not confirm it`);
    }
    const text = heard.bytes > 0 && heard.text >= 0.9;
    if (heard.bytes > 0 && !text) {
      // Debris: something talks, but not at this rate; asking here would only add noise to the line.
      noisyRates++;
      if (!heard.family) evidence.push(`listened ${o.listenMs} ms at ${rate}: ${heard.bytes} bytes, ${heard.lines} lines, not text: not this rate`);
      continue;
    }
    // Text at this rate (a torn first line, or a talker slower than the listen): listen again
    // through the talkers' probes, then ask.
    if (text) evidence.push(`listened ${o.listenMs} ms at ${rate}: ${heard.bytes} bytes of text, no complete line of a known device yet`);
    await flushLine(url, o.clock, s);
    for (const [i, family] of [...(text ? (['nmea'] as const) : []), ...activeFamilies(baud)].entries()) {
      // The WindSonic's and Firmata's questions end without CR LF: end the line before the next family's.
      if (i > 0) await flushLine(url, o.clock, s);
      const f = await confirm(family, url, o, s, baud, evidence, false);
      if (f) return f;
    }
    evidence.push(`silent at ${rate}; no answer to the read-only questions (${activeFamilies(baud).join(', ')})`);
  }
  if (noisyRates === bauds.length) {
    return { port: url, status: 'garbage', identity: {}, confidence: 0, evidence: [...evidence, 'bytes at every rate and never a line of a known device: unknown device, garbage (a wrong converter, a damaged line or an unsupported device); not claimed'] };
  }
  if (noisyRates > 0) return { port: url, status: 'unknown', identity: {}, confidence: 0, evidence: [...evidence, 'bytes at some rates, none recognised: unknown device; not claimed'] };
  return { port: url, status: 'silent', identity: {}, confidence: 0, evidence: [...evidence, 'nothing heard and nothing answered at any rate: no device, or one unpowered or not wired (check power, TX/RX crossing, RS-485 polarity)'] };
}
