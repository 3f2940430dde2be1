// Pure parser of one NMEA 0183 weather sentence, any talker (protocols.md "NMEA 0183"):
// MWV, MDA, XDR, MTA, MTW, VWR, VWT, MWD. Errors are values: a sentence that cannot be trusted
// (bad checksum, not NMEA, unsupported type) is a Rejection; a sentence with some bad fields
// keeps its good fields and reports each bad one. Empty fields are absent, never zero.
import { convert, xorChecksum, type Observation, type Qc, type Quantity, type Rejection } from '../../core/index.ts';
import { printableLine } from '../framing/lines.ts';

export interface NmeaContext {
  sensor: string;
  /** arrival time of the line, from the injected clock */
  ts: number;
  /**
   * Degrees clockwise from true north to the sensor's reference mark (its "bow") on a fixed
   * mast. Added to relative wind angles (MWV R, VWR, VWT); default 0 (mark aligned north).
   */
  headingOffsetDeg?: number;
}

export interface NmeaParsed {
  talker: string;
  /** sentence type, e.g. `MWV` */
  type: string;
  /** the sentence carried a checksum (it verified, or the sentence would be refused) */
  checksum: boolean;
  observations: Observation[];
  rejections: Rejection[];
  /**
   * UTC the sentence states (RMC with status A, ZDA) — a GNSS receiver's time, which the
   * gateway may use to set its clock (gateway/time/). Absent for weather sentences.
   */
  time?: { utcMs: number; sentence: 'RMC' | 'ZDA' };
}

/** Sentences that carry the time (a GNSS receiver, an Airmar WX with its built-in GPS): read for their time only. */
export const TIME_SENTENCES = ['RMC', 'ZDA'] as const;

export const SENTENCES = ['MWV', 'MDA', 'XDR', 'MTA', 'MTW', 'VWR', 'VWT', 'MWD'] as const;

/** Longest sentence accepted: the standard says 82; Airmar and Vaisala XDR run longer. */
export const MAX_SENTENCE = 120;

const NOT_CHECKED: Qc = { flag: 'not_checked', reasons: [] };
// A sentence without checksum may be damaged in a way nothing else reveals.
const NO_CHECKSUM: Qc = { flag: 'suspect', reasons: ['incomplete'] };
const VOID: Qc = { flag: 'missing', reasons: ['sensor_status'] };
const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$/;
const FRAME = /^\$([A-Z0-9]{2})([A-Z]{3}),([^$*]*)(\*.*)?$/;

type Emit = (quantity: Quantity, value: number | null, sensor?: string, qc?: Qc) => void;
type Bad = (raw: string, reason: string) => void;
interface Fields {
  f: string[];
  num(i: number, what: string): number | null | undefined;
}

export function isNmeaRefusal(x: NmeaParsed | Rejection): x is Rejection {
  return 'reason' in x;
}

export function parseNmeaSentence(line: string, ctx: NmeaContext): NmeaParsed | Rejection {
  const rejections: Rejection[] = [];
  const reject = (raw: string, reason: string): Rejection => ({ ts: ctx.ts, sensor: ctx.sensor, raw: printableLine(raw), reason });
  let text = line.replace(/[\r\n]+$/, '');
  // `$` starts every sentence; whatever comes before it (noise, the rest of a torn line) is reported.
  const dollar = text.indexOf('$');
  if (dollar > 0) {
    rejections.push(reject(text.slice(0, dollar), 'line noise before sentence'));
    text = text.slice(dollar);
  }
  if (text.trim() === '') return reject(line, 'empty line');
  if (dollar === -1) return reject(line, 'not an NMEA sentence (no $)');
  if (text.length > MAX_SENTENCE) return reject(line, `sentence longer than ${MAX_SENTENCE} characters`);
  // A lost CR LF glues a (torn or whole) sentence to the next: `$` only ever starts a
  // sentence, so the last one is whole and verifiable; the ones before it are reported.
  const last = text.lastIndexOf('$');
  if (last > 0) {
    rejections.push(reject(text.slice(0, last), 'two sentences merged: the one before the last $ is dropped'));
    text = text.slice(last);
  }
  const m = FRAME.exec(text);
  if (!m) return reject(line, 'not an NMEA sentence ($ttsss,… expected)');
  const [, talker, type, body, star] = m as unknown as [string, string, string, string, string | undefined];
  let checksum = false;
  if (star !== undefined) {
    const want = xorChecksum(text.slice(1, text.indexOf('*')));
    if (!/^\*[0-9A-Fa-f]{2}$/.test(star)) return reject(line, `garbled checksum ${printableLine(star)}`);
    if (star.slice(1).toUpperCase() !== want) return reject(line, `checksum mismatch: got ${star.slice(1)}, computed ${want}`);
    checksum = true;
  }
  if (!/^[\x20-\x7e]*$/.test(body)) return reject(line, 'control or 8-bit bytes inside the sentence');

  const base = checksum ? NOT_CHECKED : NO_CHECKSUM;
  const observations: Observation[] = [];
  const emit: Emit = (quantity, value, sensor = ctx.sensor, status?: Qc) => {
    // The worse of the device's status and the missing checksum (both can apply).
    let qc = value === null ? VOID : status ? { flag: status.flag, reasons: [...status.reasons] } : base;
    if (value !== null && status && !checksum) qc = { flag: status.flag === 'bad' ? 'bad' : 'suspect', reasons: [...new Set([...status.reasons, ...NO_CHECKSUM.reasons])] };
    observations.push({ ts: ctx.ts, sensor, quantity, value: value === null ? null : round6(value), qc: { flag: qc.flag, reasons: [...qc.reasons] } });
  };
  const bad: Bad = (raw, reason) => rejections.push(reject(raw, `${type}: ${reason}`));
  const f = body.split(',');
  const fields: Fields = {
    f,
    // undefined: empty (absent); null: garbled (reported here)
    num(i, what) {
      const s = f[i] ?? '';
      if (s === '') return undefined;
      if (!NUMBER.test(s)) {
        bad(s, `garbled ${what}`);
        return null;
      }
      return Number(s);
    },
  };
  const offset = ctx.headingOffsetDeg ?? 0;
  switch (type) {
    case 'MWV': mwv(fields, emit, bad, offset); break;
    case 'MDA': mda(fields, emit, bad); break;
    case 'XDR': xdr(fields, emit, bad, ctx.sensor); break;
    case 'MTA': temperature(fields, emit, bad, 'air_temperature'); break;
    case 'MTW': temperature(fields, emit, bad, 'sea_water_temperature'); break;
    case 'VWR': case 'VWT': vwr(fields, emit, bad, offset); break;
    case 'MWD': mwd(fields, emit, bad); break;
    case 'RMC': case 'ZDA': {
      // A time without a checksum could be any time: only a verified sentence sets the clock.
      const utcMs = checksum ? (type === 'RMC' ? rmcTime(fields, bad) : zdaTime(fields, bad)) : null;
      return { talker, type, checksum, observations, rejections, ...(utcMs === null ? {} : { time: { utcMs, sentence: type } }) };
    }
    default: return reject(line, `unsupported sentence ${type} (supported: ${SENTENCES.join(', ')})`);
  }
  return { talker, type, checksum, observations, rejections };
}

/** hhmmss(.ss) → ms of the day, or null (reported) when garbled. */
function timeOfDay(raw: string, bad: Bad): number | null {
  const m = /^(\d{2})(\d{2})(\d{2}(?:\.\d+)?)$/.exec(raw);
  if (!m || Number(m[1]) > 23 || Number(m[2]) > 59 || Number(m[3]) >= 61) {
    bad(raw, 'garbled UTC time (hhmmss.ss expected)');
    return null;
  }
  return (Number(m[1]) * 3600 + Number(m[2]) * 60) * 1000 + Math.round(Number(m[3]) * 1000);
}

function utc(y: number, mo: number, d: number, msOfDay: number, raw: string, bad: Bad): number | null {
  const day = Date.UTC(y, mo - 1, d);
  if (mo < 1 || mo > 12 || d < 1 || new Date(day).getUTCDate() !== d) {
    bad(raw, 'impossible date');
    return null;
  }
  return day + msOfDay;
}

// $--RMC,hhmmss.ss,A|V,lat,N|S,lon,E|W,knots,course,ddmmyy,magvar,E|W[,mode] — status V (or mode N): no fix, no time.
function rmcTime({ f }: Fields, bad: Bad): number | null {
  if ((f[1] ?? '') !== 'A' || f[11] === 'N') return null;
  const tod = timeOfDay(f[0] ?? '', bad);
  const date = /^(\d{2})(\d{2})(\d{2})$/.exec(f[8] ?? '');
  if (!date) {
    bad(f[8] ?? '', 'garbled date (ddmmyy expected)');
    return null;
  }
  // Two-digit year: 80–99 → 19yy, else 20yy. A receiver hit by the GPS week rollover says 19.6
  // years back; the gateway refuses any time before its build floor (gateway/time/floor.ts).
  const yy = Number(date[3]);
  return tod === null ? null : utc(yy >= 80 ? 1900 + yy : 2000 + yy, Number(date[2]), Number(date[1]), tod, f[8]!, bad);
}

// $--ZDA,hhmmss.ss,dd,mm,yyyy,zone h,zone min — UTC with a four-digit year (no validity field).
function zdaTime({ f }: Fields, bad: Bad): number | null {
  if (!f[0] || !f[1] || !f[2] || !f[3]) return null; // no time yet (before a fix, fields are empty)
  const tod = timeOfDay(f[0], bad);
  const [d, mo, y] = [f[1], f[2], f[3]].map(Number) as [number, number, number];
  if (![f[1], f[2]].every((x) => /^\d{1,2}$/.test(x)) || !/^\d{4}$/.test(f[3])) {
    bad(`${f[1]},${f[2]},${f[3]}`, 'garbled date (dd,mm,yyyy expected)');
    return null;
  }
  return tod === null ? null : utc(y, mo, d, tod, `${f[1]},${f[2]},${f[3]}`, bad);
}

/** An angle in [0, 360). */
function norm(deg: number): number {
  const d = deg % 360;
  return d < 0 ? d + 360 : d;
}

const SPEED_UNITS: Record<string, (v: number) => number> = {
  M: (v) => v, K: convert.kmhToMs, N: convert.knotsToMs, S: convert.mphToMs,
};

function angleOk(a: number, max: number, bad: Bad, raw: string): boolean {
  if (a < 0 || a > max) {
    bad(raw, `angle ${raw} outside 0–${max}`);
    return false;
  }
  return true;
}

// $--MWV,angle,R|T,speed,unit,A|V
function mwv({ f, num }: Fields, emit: Emit, bad: Bad, offset: number): void {
  const ref = f[1] ?? '';
  const status = f[4] ?? '';
  if (ref !== 'R' && ref !== 'T') return bad(ref, `reference must be R or T, got "${ref}"`);
  if (status === 'V') {
    // Void: the device says it has no valid wind; what is printed (if anything) is not data.
    emit('wind_from_direction', null);
    emit('wind_speed', null);
    return;
  }
  let flagged = emit;
  if (status !== 'A') {
    // Gill units in NMEA mode "with Gill status codes" (WindSonic M15/M16) print their own
    // two-digit status here instead of A/V (WindSonic manual 1405-PS-0019 §11.5).
    const gill = /^[0-9A-F]{2}$/.test(status) ? GILL_STATUS[status] ?? SUSPECT : undefined;
    if (!gill) return bad(status, `status must be A, V or a Gill status code, got "${status}"`);
    if (gill !== NOT_CHECKED) flagged = (q, v, sensor) => emit(q, v, sensor, gill);
  }
  const angle = num(0, 'wind angle');
  if (typeof angle === 'number' && angleOk(angle, 360, bad, f[0]!)) flagged('wind_from_direction', norm(ref === 'R' ? angle + offset : angle));
  speed(f[2], f[3], num(2, 'wind speed'), flagged, bad);
}

const SUSPECT: Qc = { flag: 'suspect', reasons: ['sensor_status'] };
const BAD: Qc = { flag: 'bad', reasons: ['sensor_status'] };
/** Gill status codes and what they do to the values (as drivers/windsonic/parse.ts). */
const GILL_STATUS: Record<string, Qc> = {
  '00': NOT_CHECKED, '60': NOT_CHECKED, '62': NOT_CHECKED, '63': NOT_CHECKED, '65': NOT_CHECKED,
  '01': BAD, '02': BAD, '04': BAD, '08': SUSPECT, '09': SUSPECT, '51': { flag: 'suspect', reasons: ['incomplete'] },
};

function speed(raw: string | undefined, unit: string | undefined, v: number | null | undefined, emit: Emit, bad: Bad, quantity: Quantity = 'wind_speed', sensor?: string): void {
  if (typeof v !== 'number') return;
  const conv = SPEED_UNITS[unit ?? ''];
  if (!conv) return bad(`${raw},${unit}`, `unknown speed unit "${unit}" (K, M, N, S)`);
  if (v < 0) return bad(raw ?? '', 'negative wind speed');
  emit(quantity, conv(v), sensor);
}

// $--MDA,inHg,I,bar,B,airC,C,waterC,C,RH,absHum,dewC,C,dirT,T,dirM,M,kn,N,m/s,M
function mda({ f, num }: Fields, emit: Emit, bad: Bad): void {
  const unitIs = (i: number, u: string, what: string) => {
    if ((f[i] ?? '') === u || (f[i] ?? '') === '') return true;
    bad(f[i]!, `${what} unit must be ${u}, got "${f[i]}"`);
    return false;
  };
  const inHg = num(0, 'pressure (inHg)');
  const bar = num(2, 'pressure (bar)');
  // Some devices fill only one of the two pressures; bar is the device's own unit when both are.
  if (typeof bar === 'number' && unitIs(3, 'B', 'pressure')) emit('air_pressure', convert.barToHpa(bar));
  else if (typeof inHg === 'number' && bar === undefined && unitIs(1, 'I', 'pressure')) emit('air_pressure', convert.inHgToHpa(inHg));
  const air = num(4, 'air temperature');
  if (typeof air === 'number' && unitIs(5, 'C', 'air temperature')) emit('air_temperature', air);
  const water = num(6, 'water temperature');
  if (typeof water === 'number' && unitIs(7, 'C', 'water temperature')) emit('sea_water_temperature', water);
  const rh = num(8, 'relative humidity');
  if (typeof rh === 'number') emit('relative_humidity', rh);
  num(9, 'absolute humidity'); // checked for garbling, not a Bonin quantity
  const dew = num(10, 'dew point');
  if (typeof dew === 'number' && unitIs(11, 'C', 'dew point')) emit('dew_point_temperature', dew);
  const dirT = num(12, 'true wind direction');
  if (typeof dirT === 'number' && unitIs(13, 'T', 'wind direction') && angleOk(dirT, 360, bad, f[12]!)) emit('wind_from_direction', norm(dirT));
  num(14, 'magnetic wind direction'); // magnetic: the true one is used; without it, no direction
  const ms = num(18, 'wind speed (m/s)');
  if (typeof ms === 'number' && unitIs(19, 'M', 'wind speed')) speed(f[18], 'M', ms, emit, bad);
  else if (ms === undefined) speed(f[16], 'N', num(16, 'wind speed (knots)'), emit, bad);
}

// $--MTA,value,C and $--MTW,value,C (air and sea water)
function temperature({ f, num }: Fields, emit: Emit, bad: Bad, quantity: Quantity): void {
  const v = num(0, 'temperature');
  if (typeof v !== 'number') return;
  const unit = f[1] ?? '';
  if (unit === 'C') emit(quantity, v);
  else if (unit === 'F') emit(quantity, convert.fToC(v));
  else bad(unit, `temperature unit must be C or F, got "${unit}"`);
}

// $--VWR,angle,L|R,kn,N,m/s,M,km/h,K — angle 0–180 off the bow (VWT: same layout)
function vwr({ f, num }: Fields, emit: Emit, bad: Bad, offset: number): void {
  const angle = num(0, 'wind angle');
  const side = f[1] ?? '';
  if (typeof angle === 'number' && angleOk(angle, 180, bad, f[0]!)) {
    if (side === 'R') emit('wind_from_direction', norm(angle + offset));
    else if (side === 'L') emit('wind_from_direction', norm(360 - angle + offset));
    else bad(side, `side must be L or R, got "${side}"`);
  }
  const ms = num(4, 'wind speed (m/s)');
  if (ms !== undefined) return speed(f[4], f[5], ms, emit, bad);
  const kn = num(2, 'wind speed (knots)');
  if (kn !== undefined) return speed(f[2], f[3], kn, emit, bad);
  speed(f[6], f[7], num(6, 'wind speed (km/h)'), emit, bad);
}

// $--MWD,dirT,T,dirM,M,kn,N,m/s,M
function mwd({ f, num }: Fields, emit: Emit, bad: Bad): void {
  const dir = num(0, 'true wind direction');
  if (typeof dir === 'number' && angleOk(dir, 360, bad, f[0]!)) emit('wind_from_direction', norm(dir));
  num(2, 'magnetic wind direction');
  const ms = num(6, 'wind speed (m/s)');
  if (ms !== undefined) return speed(f[6], f[7], ms, emit, bad);
  speed(f[4], f[5], num(4, 'wind speed (knots)'), emit, bad);
}

// XDR quadruplets: type, value, unit, name. The transducer name becomes part of the sensor id
// (`<sensor>/<name>`): one device sends several transducers of one kind (Vaisala's Dn/Dm/Dx
// as A,…,0 / A,…,1 / A,…,2), and only the name tells them apart.
const XDR_TYPES: Record<string, { quantity: Quantity; units: Record<string, (v: number) => number> }> = {
  C: { quantity: 'air_temperature', units: { C: (v) => v, F: convert.fToC } },
  P: { quantity: 'air_pressure', units: { B: convert.barToHpa, P: convert.paToHpa, H: (v) => v, I: convert.inHgToHpa, M: convert.mmHgToHpa } },
  H: { quantity: 'relative_humidity', units: { P: (v) => v } },
  S: { quantity: 'wind_speed', units: SPEED_UNITS },
  A: { quantity: 'wind_from_direction', units: { D: (v) => v } },
  V: { quantity: 'precipitation_amount_since_reset', units: { M: (v) => v, I: convert.inToMm } },
  R: { quantity: 'rainfall_rate', units: { M: (v) => v, I: convert.inToMm } },
  U: { quantity: 'supply_voltage', units: { V: (v) => v } },
};

function xdr({ f }: Fields, emit: Emit, bad: Bad, sensor: string): void {
  if (f.length % 4 !== 0) bad(f.slice(f.length - (f.length % 4)).join(','), `${f.length % 4} field(s) left over after the quadruplets`);
  for (let i = 0; i + 3 < f.length; i += 4) {
    const [type, valueText, unit, name] = [f[i]!, f[i + 1]!, f[i + 2]!, f[i + 3]!];
    const raw = `${type},${valueText},${unit},${name}`;
    if (valueText === '') continue; // absent
    const spec = Object.hasOwn(XDR_TYPES, type) ? XDR_TYPES[type] : undefined;
    if (!spec) {
      bad(raw, `transducer type "${type}" not supported`);
      continue;
    }
    if (!NUMBER.test(valueText)) {
      bad(raw, 'garbled transducer value');
      continue;
    }
    const conv = Object.hasOwn(spec.units, unit) ? spec.units[unit] : undefined;
    if (!conv) {
      bad(raw, `unit "${unit}" not known for transducer type ${type}`);
      continue;
    }
    const v = Number(valueText);
    if (type === 'A' && !angleOk(v, 360, bad, raw)) continue;
    emit(spec.quantity, type === 'A' ? norm(conv(v)) : conv(v), name === '' ? sensor : `${sensor}/${name}`);
  }
}

/** Unit conversions leave float noise; 1e-6 of the WMO unit is below any sensor's resolution. */
function round6(v: number): number {
  return Math.round(v * 1e6) / 1e6;
}

/** The LineParse shape of drivers/parsers.ts (observations and field rejections, or a refusal). */
export function parseNmeaLine(line: string, ctx: NmeaContext): { observations: Observation[]; rejections: Rejection[] } | Rejection {
  return parseNmeaSentence(line, ctx);
}
