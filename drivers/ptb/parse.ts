// Pure parser of one Vaisala PTB330 / PTB210 output line (protocols.md "Vaisala PTB330 /
// PTB210"). Their output is whatever `FORM` made of it: labels (`P=`, `pressure =`), numbers
// with the unit printed after them (`1013.02 hPa`), `*` runs for a quantity not available,
// the ERR flags of each transducer, `OK` for a stable pressure, and an optional checksum at
// the end (CS2 sum mod 256, CS4 sum mod 65536, CSX NMEA XOR, hex, over everything before it).
import { convert, sumChecksum, xorChecksum, type Observation, type Qc, type Quantity, type Rejection } from '../../core/index.ts';
import { LINE_NOISE, printableLine, splitLineNoise } from '../framing/lines.ts';

export type PtbChecksum = 'CS2' | 'CS4' | 'CSX';
/** 'auto': verify a trailing checksum when one is there; a named kind: it must be there and verify. */
export type PtbChecksumMode = 'auto' | 'none' | PtbChecksum;

export interface PtbField {
  /** label as printed, lower-cased (`p`, `pressure`, `qnh`); '' for an unlabelled value */
  label: string;
  /** null when printed as `*` */
  deviceValue: number | null;
  /** unit as printed (`hPa`), '' when none */
  deviceUnit: string;
  quantity: Quantity | null;
  /** in the quantity's WMO unit; null when missing or not a core quantity */
  value: number | null;
}

export interface PtbParsed {
  kind: 'reading' | 'reply';
  fields: PtbField[];
  checksum: PtbChecksum | null;
  /** any transducer's ERR flag set */
  error: boolean;
  /** pressure stability indicator `OK` printed */
  stable: boolean;
  observations: Observation[];
  rejections: Rejection[];
  /** the reply text (`PTB330 / 1.12`, `OK`, `>`) */
  text?: string;
}

// Pressure units a PTB330 `UNIT` command can choose, to hPa.
const PRESSURE_UNITS: Record<string, (v: number) => number> = {
  hpa: (v) => v, mbar: (v) => v, pa: convert.paToHpa, kpa: (v) => v * 10, bar: convert.barToHpa,
  mmhg: convert.mmHgToHpa, torr: convert.mmHgToHpa, inhg: convert.inHgToHpa, psi: (v) => v * 68.9475729, psia: (v) => v * 68.9475729,
};

// Labels a FORM can print before a value. P is the barometer's pressure (the mean of its
// transducers on a 2- or 3-transducer unit); the rest are known but not reported as such.
const LABELS: Record<string, Quantity | null> = {
  p: 'air_pressure', pressure: 'air_pressure', qnh: 'air_pressure_at_mean_sea_level',
  p1: null, p2: null, p3: null, qfe: null, hcp: null, p3h: null, a3h: null, tp1: null, tp2: null, tp3: null, mctr: null,
  // a PTB330 inside a PTU300/PTB330TS: the probe's quantities belong to the humidity family
  t: null, ta: null, rh: null, td: null,
};
// The unit after a known value that is not a pressure (`'C`, `%RH`, `hPa` after P3H).
const OTHER_UNIT = /^['°]?[A-Za-z%/]+$/;

const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$/;
const STARS = /^\*+$/;
// Replies and prompts a barometer prints besides readings: never data, never an error.
const REPLY = /^(?:>.*|OK|PTB\d{3}.*|ECHO.*|SEND(?:\s+\d+)?|R|S|\?|VERS|INTV.*|SMODE.*|UNIT.*|FORM.*|Output interval.*|Serial mode.*|line (?:opened|closed).*)$/i;

const GOOD: Qc = { flag: 'not_checked', reasons: [] };

export function isPtbRefusal(x: PtbParsed | Rejection): x is Rejection {
  return 'reason' in x;
}

export function parsePtbLine(line: string, ctx: { sensor: string; ts: number }, mode: PtbChecksumMode = 'auto'): PtbParsed | Rejection {
  const rejections: Rejection[] = [];
  const reject = (raw: string, reason: string): Rejection => ({ ts: ctx.ts, sensor: ctx.sensor, raw: printableLine(raw), reason });
  const split = splitLineNoise(line);
  const noise = split.noise;
  let text = split.text;
  if (noise !== null) rejections.push(reject(noise, LINE_NOISE));
  if (text.trim() === '') return reject(line, noise ? 'line noise only' : 'empty line');
  if (/[^\x20-\x7e\t]/.test(text)) return reject(line, 'control or 8-bit bytes inside the line');
  const trimmed = text.trim();
  if (REPLY.test(trimmed) && !/\d\s*(?:hPa|mbar|Pa|kPa|bar|mmHg|inHg|torr|psia?)\b/i.test(trimmed)) {
    return { kind: 'reply', fields: [], checksum: null, error: false, stable: false, observations: [], rejections, text: trimmed };
  }

  // A checksum is the last token, hex, right after what it covers (its separator included).
  let checksum: PtbChecksum | null = null;
  const tail = /^(.*\S)(\s+)([0-9A-Fa-f]{2}|[0-9A-Fa-f]{4})\s*$/s.exec(text);
  if (tail && mode !== 'none') {
    const covered = tail[1]! + tail[2]!;
    const got = tail[3]!.toUpperCase();
    const kinds: PtbChecksum[] = mode === 'auto' ? (got.length === 4 ? ['CS4'] : ['CS2', 'CSX']) : [mode];
    const ok = kinds.find((k) => (k === 'CSX' ? xorChecksum(covered) : sumChecksum(covered, k === 'CS4' ? 4 : 2)) === got && got.length === (k === 'CS4' ? 4 : 2));
    // ERR flags (`000`, `01`) look like hex too: in auto mode a 0/1 run that does not verify is ERR.
    const errLike = /^[01]{2}$/.test(got) && /[A-Za-z%]\s*$/.test(tail[1]!);
    if (ok) {
      checksum = ok;
      text = tail[1]!;
    } else if (mode !== 'auto') {
      return reject(line, `${mode} checksum mismatch: got ${got}`);
    } else if (!errLike && /[A-Fa-f]/.test(got)) {
      return reject(line, `checksum mismatch: ${got} is neither CS2 nor CSX of the line`);
    } else if (!errLike && /[A-Za-z%]\s*$/.test(tail[1]!)) {
      return reject(line, `checksum mismatch: ${got} after the unit does not verify`);
    }
  } else if (mode !== 'auto' && mode !== 'none') {
    return reject(line, `${mode} checksum missing`);
  }

  // `P= 1013.2`, `pressure = 1013.02`: glue each label to its `=`.
  const tokens = text.replace(/\s*=\s*/g, '= ').trim().split(/\s+/);
  const fields: PtbField[] = [];
  let label: string | null = null;
  let error = false;
  let stable = false;
  for (let i = 0; i < tokens.length; i++) {
    const tok = tokens[i]!;
    if (/^[A-Za-z][A-Za-z0-9]*=$/.test(tok)) {
      if (label !== null) rejections.push(reject(label, `label ${label} without a value`));
      label = tok.slice(0, -1).toLowerCase();
      continue;
    }
    if (tok === 'OK' && label === null) {
      stable = true;
      continue;
    }
    if (NUMBER.test(tok) || STARS.test(tok)) {
      const unitTok = tokens[i + 1];
      const unitConv = unitTok !== undefined ? PRESSURE_UNITS[unitTok.toLowerCase()] : undefined;
      // ERR flags: an unlabelled 0/1 run without unit after the reading.
      if (label === null && !unitConv && fields.length > 0 && /^[01]{1,3}$/.test(tok)) {
        error ||= tok.includes('1');
        continue;
      }
      let lbl = label ?? '';
      label = null;
      // `4.2 P1 " " P2 " " P3 " " P " " U`: unlabelled transducer readings before the mean, one unit at the end.
      if (lbl === '' && !unitConv && unitTok !== undefined && (NUMBER.test(unitTok) || STARS.test(unitTok))) lbl = `p${fields.filter((f) => /^p\d$/.test(f.label)).length + 1}`;
      const known = lbl === '' ? 'air_pressure' : Object.hasOwn(LABELS, lbl) ? LABELS[lbl]! : undefined;
      if (known === undefined) {
        rejections.push(reject(`${lbl}= ${tok}`, `unknown quantity ${lbl}`));
        if (unitConv) i++;
        continue;
      }
      if (known === null && unitTok !== undefined && OTHER_UNIT.test(unitTok) && !unitConv && unitTok !== 'OK') {
        i++;
        fields.push({ label: lbl, deviceValue: STARS.test(tok) ? null : Number(tok), deviceUnit: unitTok, quantity: null, value: null });
        continue;
      }
      if (unitTok !== undefined && !unitConv && OTHER_UNIT.test(unitTok) && unitTok !== 'OK') {
        rejections.push(reject(`${tok} ${unitTok}`, `unknown pressure unit ${unitTok}`));
        i++;
        continue;
      }
      if (unitConv) i++;
      else if (lbl !== '' && known !== null) {
        // `P=` is printed by a FORM that prints the unit too; a labelled number without it is a torn line.
        rejections.push(reject(`${lbl}= ${tok}`, `${lbl} without unit (torn line?)`));
        continue;
      }
      const dv = STARS.test(tok) ? null : Number(tok);
      // An unlabelled value without unit is pressure in the device's unit; PTB210 and a
      // FORM without U print the number alone. hPa is the factory unit of both.
      const conv = unitConv ?? PRESSURE_UNITS.hpa!;
      fields.push({ label: lbl, deviceValue: dv, deviceUnit: unitConv ? unitTok! : '', quantity: known, value: dv === null || known === null ? null : Math.round(conv(dv) * 1e6) / 1e6 });
      continue;
    }
    // FORM output is short and regular: one token that fits nowhere means a torn, merged or
    // foreign line (an RG-15's `Acc  0.00 mm,`), and then no number in it can be trusted.
    return reject(line, `garbled token "${printableLine(tok)}"`);
  }
  if (label !== null) rejections.push(reject(label, `label ${label} without a value`));
  if (fields.length === 0) {
    const why = rejections.filter((r) => r.reason !== LINE_NOISE).map((r) => r.reason);
    return reject(line, why.length ? `no readable value in the line: ${why.join('; ')}` : 'not a barometer reading');
  }
  const seen = new Set<Quantity>();
  const observations: Observation[] = [];
  for (const f of fields) {
    if (f.quantity === null) continue;
    if (seen.has(f.quantity)) {
      rejections.push(reject(`${f.label}= ${f.deviceValue ?? '*'}`, `${f.quantity} twice in one line`));
      continue;
    }
    seen.add(f.quantity);
    const qc: Qc = f.value === null ? { flag: 'missing', reasons: ['sensor_status'] } : error ? { flag: 'suspect', reasons: ['sensor_status'] } : { ...GOOD, reasons: [] };
    observations.push({ ts: ctx.ts, sensor: ctx.sensor, quantity: f.quantity, value: f.value, qc });
  }
  return { kind: 'reading', fields, checksum, error, stable, observations, rejections };
}
