// Pure parser of one Gill WindSonic line in polar continuous/polled format (protocols.md
// "Gill WindSonic"; WindSonic manual 1405-PS-0019 §11.5 status codes):
//   STX Q,229,002.74,M,00, ETX 16        node, direction, speed, unit, status, XOR checksum
// Lines without STX are the power-up banner or configuration text: returned as text, not
// data. Errors are values: a line that cannot be trusted is a Rejection.
import { convert, xorChecksum, type Observation, type Qc, type Rejection } from '../../core/index.ts';
import { printableLine } from '../framing/lines.ts';

export interface WindsonicContext {
  sensor: string;
  ts: number;
}

export interface StatusMeaning {
  code: string;
  text: string;
  /** what the code does to the wind values */
  qc: Qc;
}

// §11.5 and the heated models' table: axis failures make the values untrustworthy; NVM/ROM
// errors mean "data could be uncalibrated"; 51 means the average is still building; heater
// faults leave valid data.
const OK: Qc = { flag: 'not_checked', reasons: [] };
export const STATUS_CODES: Record<string, StatusMeaning> = {
  '00': { code: '00', text: 'OK', qc: OK },
  '01': { code: '01', text: 'axis 1 failed', qc: { flag: 'bad', reasons: ['sensor_status'] } },
  '02': { code: '02', text: 'axis 2 failed', qc: { flag: 'bad', reasons: ['sensor_status'] } },
  '04': { code: '04', text: 'axis 1 and 2 failed', qc: { flag: 'bad', reasons: ['sensor_status'] } },
  '08': { code: '08', text: 'NVM checksum failed', qc: { flag: 'suspect', reasons: ['sensor_status'] } },
  '09': { code: '09', text: 'ROM checksum failed', qc: { flag: 'suspect', reasons: ['sensor_status'] } },
  '51': { code: '51', text: 'measurement average building', qc: { flag: 'suspect', reasons: ['incomplete'] } },
  '60': { code: '60', text: 'OK, heating enabled', qc: OK },
  '62': { code: '62', text: 'heating current tripped or electronic failure', qc: OK },
  '63': { code: '63', text: 'heater thermistor open circuit', qc: OK },
  '65': { code: '65', text: 'heating element open circuit', qc: OK },
};
const UNKNOWN_STATUS: Qc = { flag: 'suspect', reasons: ['sensor_status'] };
const MISSING: Qc = { flag: 'missing', reasons: ['sensor_status'] };
const NO_CHECKSUM_REASON = 'incomplete' as const;

/** Unit letters: M m/s, N knots, P mph, K km/h, F ft/min. */
export const UNITS: Record<string, (v: number) => number> = {
  M: (v) => v, N: convert.knotsToMs, P: convert.mphToMs, K: convert.kmhToMs, F: (v) => v * 0.00508,
};

export interface WindsonicData {
  kind: 'data';
  node: string;
  /** as printed; null when empty (calm) or 999 (missing) */
  direction: number | null;
  speed: number | null;
  unit: string;
  status: StatusMeaning;
  checksum: boolean;
  observations: Observation[];
  rejections: Rejection[];
}

export interface WindsonicText {
  kind: 'text';
  text: string;
  observations: Observation[];
  rejections: Rejection[];
}

export type WindsonicParsed = WindsonicData | WindsonicText;

export function isWindsonicRefusal(x: WindsonicParsed | Rejection): x is Rejection {
  return 'reason' in x;
}

// STX and ETX are the frame's own bytes here, not stray control characters.
// eslint-disable-next-line no-control-regex
const DATA = /^\x02([A-Z]),(\d{1,3})?,([+-]?\d+(?:\.\d+)?),([A-Z]),([0-9A-F]{2}),\x03(.*)$/s;

export function parseWindsonicLine(line: string, ctx: WindsonicContext): WindsonicParsed | Rejection {
  const rejections: Rejection[] = [];
  const reject = (raw: string, reason: string): Rejection => ({ ts: ctx.ts, sensor: ctx.sensor, raw: printableLine(raw), reason });
  let text = line.replace(/[\r\n]+$/, '');
  const stx = text.indexOf('\x02');
  if (stx === -1) {
    // Power-up banner and configuration replies: plain printable text, no data in them.
    if (text.trim() === '') return reject(line, 'empty line');
    if (/^[\x20-\x7e]+$/.test(text)) return { kind: 'text', text: text.trim(), observations: [], rejections };
    return reject(line, 'not a WindSonic line (no STX; noise or wrong baud rate)');
  }
  if (stx > 0) {
    rejections.push(reject(text.slice(0, stx), 'line noise before STX'));
    text = text.slice(stx);
  }
  // A lost CR LF glues a (torn or whole) line to the next: STX only ever starts a line, so the
  // last one is whole and verifiable; the ones before it are reported.
  const last = text.lastIndexOf('\x02');
  if (last > 0) {
    rejections.push(reject(text.slice(0, last), 'two lines merged: the one before the last STX is dropped'));
    text = text.slice(last);
  }
  const m = DATA.exec(text);
  if (!m) return reject(line, 'not a WindSonic polar line (STX node,dir,speed,unit,status, ETX hh)');
  const [, node, dirText, speedText, unit, code, sum] = m as unknown as [string, string, string | undefined, string, string, string, string];
  let checksum = false;
  if (sum !== '') {
    if (!/^[0-9A-Fa-f]{2}$/.test(sum)) return reject(line, `garbled checksum ${printableLine(sum)}`);
    const want = xorChecksum(text.slice(1, text.indexOf('\x03')));
    if (sum.toUpperCase() !== want) return reject(line, `checksum mismatch: got ${sum}, computed ${want}`);
    checksum = true;
  }
  const conv = UNITS[unit];
  if (!conv) return reject(line, `unknown unit letter ${unit} (M, N, P, K, F)`);
  const status = STATUS_CODES[code] ?? { code, text: `unknown status ${code}`, qc: UNKNOWN_STATUS };
  const qc = (): Qc => {
    const reasons = [...status.qc.reasons];
    if (!checksum && !reasons.includes(NO_CHECKSUM_REASON)) reasons.push(NO_CHECKSUM_REASON);
    return { flag: !checksum && status.qc.flag === 'not_checked' ? 'suspect' : status.qc.flag, reasons };
  };

  // 999 / 9999.999: the device's "no value" padding (axis failures).
  const rawSpeed = Number(speedText);
  const speed = rawSpeed >= 999 && /^\+?9+\.?9*0*$/.test(speedText) ? null : rawSpeed;
  const rawDir = dirText === undefined ? null : Number(dirText);
  const direction = rawDir === 999 ? null : rawDir;
  const observations: Observation[] = [];
  const obs = (quantity: 'wind_speed' | 'wind_from_direction', v: number | null) => {
    observations.push({ ts: ctx.ts, sensor: ctx.sensor, quantity, value: v === null ? null : Math.round(v * 1e6) / 1e6, qc: v === null ? { flag: MISSING.flag, reasons: [...MISSING.reasons] } : qc() });
  };
  if (speed !== null && speed < 0) rejections.push(reject(speedText, 'negative wind speed'));
  else obs('wind_speed', speed === null ? null : conv(speed));
  // Below 0.05 m/s the direction is left empty: calm has no direction, and that is not missing.
  if (dirText !== undefined) {
    if (direction !== null && direction > 359) rejections.push(reject(dirText, `direction ${dirText} outside 0–359`));
    else obs('wind_from_direction', direction);
  }
  return { kind: 'data', node, direction, speed, unit, status, checksum, observations, rejections };
}

/** The LineParse shape of drivers/parsers.ts: banner text is neither data nor an error. */
export function parseWindsonicForRegistry(line: string, ctx: WindsonicContext): { observations: Observation[]; rejections: Rejection[] } | Rejection {
  return parseWindsonicLine(line, ctx);
}
