// Pure parser of one Vaisala WXT530 ASCII line (protocols.md "Vaisala WXT530 series"):
// `aR0`…`aR5` data messages, with or without CRC, plus the `aTX` text messages. Errors are
// values: a line that cannot be trusted at all is a Rejection; a message with some bad
// fields keeps its good fields and reports each bad one.
import { vaisalaCrc, type Observation, type Qc, type Rejection } from '../../core/index.ts';
import { LINE_NOISE, printableLine, splitLineNoise } from '../framing/lines.ts';
import { FIELDS, MESSAGE_KINDS, TEXT_FIELDS, type WxtKind } from './fields.ts';

export interface WxtField {
  /** maker's name, e.g. `Sm` */
  name: string;
  /** as printed, e.g. `Sm=1.0M` */
  raw: string;
  /** as printed (before conversion); null when the device marked it invalid (`#`) */
  deviceValue: number | null;
  /** unit letter as printed, `#` when invalid */
  deviceUnit: string;
  /** in `unit`, null when invalid */
  value: number | null;
  unit: string;
  /** text fields (`Id`) */
  text?: string;
}

export interface WxtParsed {
  kind: WxtKind | 'text';
  /** device address, `0`…`9`, `A`…`Z`, `a`…`z` */
  address: string;
  /** the line carried a CRC and it verified */
  crc: boolean;
  /** good and invalid-marked fields by name (a field rejected as garbled is not here) */
  fields: Record<string, WxtField>;
  /** one per field with a core quantity, in message order */
  observations: Observation[];
  /** per-field problems (garbled, unknown unit, wrong message, duplicate) and stripped noise */
  rejections: Rejection[];
  /** the text of an `aTX` message (`0TX,Start-up`) */
  text?: string;
}

export interface ParseContext {
  sensor: string;
  /** arrival time of the line, from the injected clock */
  ts: number;
}

export function isRejection(x: WxtParsed | Rejection): x is Rejection {
  return 'reason' in x;
}

const GOOD: Qc = { flag: 'not_checked', reasons: [] };
const MISSING: Qc = { flag: 'missing', reasons: ['sensor_status'] };

// A number with its unit letter (`1026.6H`, `-3.1C`), or an invalid marker with or without
// a number (`1.1#`, `#`). Exponents, spaces and commas in numbers are never printed.
const NUMERIC = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))([A-Za-z])$/;
const INVALID = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))?#$/;
const HEADER = /^([0-9A-Za-z])([Rr])([0-35])(?:,(.*))?$/s;
// Text messages; `atX,…` + CRC after a CRC command (as the hw-sim twin sends; not seen in a
// manual frame, so accepted leniently: the CRC is stripped when it verifies).
const TEXT = /^([0-9A-Za-z])([Tt])X,(.*)$/s;

export function parseWxtMessage(line: string, ctx: ParseContext): WxtParsed | Rejection {
  const rejections: Rejection[] = [];
  const reject = (raw: string, reason: string): Rejection => ({ ts: ctx.ts, sensor: ctx.sensor, raw: printableLine(raw), reason });

  const split = splitLineNoise(line);
  const noise = split.noise;
  let text = split.text;
  if (noise !== null) rejections.push(reject(noise, LINE_NOISE));
  if (text.length === 0) return reject(line, noise ? 'line noise only' : 'empty line');

  const tx = TEXT.exec(text);
  if (tx) {
    let body = tx[3]!;
    const crcOk = tx[2] === 't' && text.length > 6 && vaisalaCrc(text.slice(0, -3)) === text.slice(-3);
    if (crcOk) body = body.slice(0, -3);
    return { kind: 'text', address: tx[1]!, crc: crcOk, fields: {}, observations: [], rejections, text: body.trim() };
  }

  let crc = false;
  if (/^[0-9A-Za-z]r/.test(text)) {
    // Lower-case r: the last three characters are the CRC of everything before them.
    if (text.length < 6) return reject(line, 'CRC message too short');
    const body = text.slice(0, -3);
    const got = text.slice(-3);
    const want = vaisalaCrc(body);
    if (got !== want) return reject(line, `CRC mismatch: got ${printableLine(got)}, computed ${want}`);
    text = body;
    crc = true;
  }

  const h = HEADER.exec(text);
  if (!h) return reject(line, 'not a WXT data message (expected aR0/aR1/aR2/aR3/aR5)');
  const address = h[1]!;
  const kind = MESSAGE_KINDS[h[3] as keyof typeof MESSAGE_KINDS];
  const parts = h[4] === undefined || h[4] === '' ? [] : h[4].split(',');

  // Two torn messages glued together can repeat a name; neither copy can then be trusted.
  const counts = new Map<string, number>();
  for (const p of parts) {
    const name = /^([A-Za-z]{2})=/.exec(p)?.[1];
    if (name) counts.set(name, (counts.get(name) ?? 0) + 1);
  }

  const fields: Record<string, WxtField> = {};
  for (const part of parts) {
    const eq = part.indexOf('=');
    const name = eq === 2 ? part.slice(0, 2) : '';
    const valueText = part.slice(3);
    // hasOwn: a name is data from the wire, never a key into Object.prototype.
    const spec = Object.hasOwn(FIELDS, name) ? FIELDS[name] : undefined;
    const textKind = Object.hasOwn(TEXT_FIELDS, name) ? TEXT_FIELDS[name] : undefined;
    if (!spec && !textKind) {
      rejections.push(reject(part, eq === 2 && /^[A-Z][a-z]$/.test(name) ? `unknown field ${name}` : 'garbled field'));
      continue;
    }
    const fieldKind = spec ? spec.kind : textKind!;
    if (kind !== 'composite' && fieldKind !== kind) {
      rejections.push(reject(part, `field ${name} does not belong in a ${kind} message`));
      continue;
    }
    if ((counts.get(name) ?? 0) > 1) {
      rejections.push(reject(part, `field ${name} repeated in one message`));
      continue;
    }
    if (!spec) {
      // Id: printable ASCII, no further structure promised by the manual.
      if (!/^[\x21-\x7e]*$/.test(valueText)) {
        rejections.push(reject(part, 'garbled field'));
        continue;
      }
      fields[name] = { name, raw: part, deviceValue: null, deviceUnit: '', value: null, unit: '', text: valueText };
      continue;
    }
    if (INVALID.test(valueText)) {
      fields[name] = { name, raw: part, deviceValue: null, deviceUnit: '#', value: null, unit: spec.unit };
      continue;
    }
    const m = NUMERIC.exec(valueText);
    if (!m) {
      rejections.push(reject(part, 'garbled field'));
      continue;
    }
    const conv = spec.units[m[2]!];
    if (!conv) {
      rejections.push(reject(part, `unknown unit ${m[2]} for ${name}`));
      continue;
    }
    const deviceValue = Number(m[1]);
    fields[name] = { name, raw: part, deviceValue, deviceUnit: m[2]!, value: round6(conv(deviceValue)), unit: spec.unit };
  }

  const observations: Observation[] = [];
  for (const f of Object.values(fields)) {
    const q = FIELDS[f.name]?.quantity;
    if (!q) continue;
    observations.push({ ts: ctx.ts, sensor: ctx.sensor, quantity: q, value: f.value, qc: f.value === null ? { ...MISSING, reasons: [...MISSING.reasons] } : { ...GOOD, reasons: [] } });
  }
  return { kind, address, crc, fields, observations, rejections };
}

/** Conversions leave float noise (1 km/h = 0.27777…): 1e-6 of the WMO unit is far below any sensor's resolution. */
function round6(v: number): number {
  return Math.round(v * 1e6) / 1e6;
}

/** Log-safe excerpt: control and 8-bit bytes as \xNN, at most 120 characters. */
