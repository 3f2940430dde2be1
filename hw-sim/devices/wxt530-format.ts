// Pure rendering of WXT530 ASCII messages (../shared/docs/protocols.md, "Vaisala WXT530
// series"): number formats, field lists and CRC framing. No clock, no state: the twin
// decides what to measure; this file decides how it looks on the wire.
import { vaisalaCrc } from '../../core/checksums.ts';
import type { TruthSample } from '../weather/types.ts';

/** One `Name=valueUnit` field; unit `#` marks an invalid value, as the real device does. */
export interface Field {
  name: string;
  value: string;
  unit: string;
}

export interface WindValues { dn: number; dm: number; dx: number; sn: number; sm: number; sx: number }
export interface PtuValues { ta: number; ua: number; pa: number }
export interface RainValues { rc: number; rd: number; ri: number }
export interface SupervisorValues { th: number; vh: number; vs: number; vr: number }

/** One decimal like the device (`Sm=1.0M`), and never "-0.0". */
export function fix(x: number, decimals = 1): string {
  const s = x.toFixed(decimals);
  return /^-0\.?0*$/.test(s) ? s.slice(1) : s;
}

/** Integer degrees, three digits zero-padded (`Dx=031D`), in [0, 360). */
export function deg3(d: number): string {
  return String(((Math.round(d) % 360) + 360) % 360).padStart(3, '0');
}

/**
 * Wind min/avg/max over the averaging window's 1-Hz samples (aWU,G=1: the traditional
 * max/min of samples). Speed is a scalar mean; direction is the unit-vector mean, and Dn/Dx
 * are the most anticlockwise and most clockwise directions seen around it, so a window that
 * swings across north reads like the manual's `Dn=236D,Dm=283D,Dx=031D`.
 */
export function summariseWind(samples: TruthSample[]): WindValues {
  if (samples.length === 0) throw new RangeError('summariseWind needs at least one sample');
  let sx = 0;
  let sy = 0;
  let sum = 0;
  let sn = Infinity;
  let smax = -Infinity;
  for (const s of samples) {
    const r = (s.wind_from_direction * Math.PI) / 180;
    sx += Math.sin(r);
    sy += Math.cos(r);
    sum += s.wind_speed;
    sn = Math.min(sn, s.wind_speed);
    smax = Math.max(smax, s.wind_speed);
  }
  const dm = ((Math.atan2(sx, sy) * 180) / Math.PI + 360) % 360;
  let lo = 0;
  let hi = 0;
  for (const s of samples) {
    const off = ((s.wind_from_direction - dm + 540) % 360) - 180;
    lo = Math.min(lo, off);
    hi = Math.max(hi, off);
  }
  return { dn: dm + lo, dm, dx: dm + hi, sn, sm: sum / samples.length, sx: smax };
}

export function windFields(w: WindValues): Field[] {
  return [
    { name: 'Dn', value: deg3(w.dn), unit: 'D' },
    { name: 'Dm', value: deg3(w.dm), unit: 'D' },
    { name: 'Dx', value: deg3(w.dx), unit: 'D' },
    { name: 'Sn', value: fix(w.sn), unit: 'M' },
    { name: 'Sm', value: fix(w.sm), unit: 'M' },
    { name: 'Sx', value: fix(w.sx), unit: 'M' },
  ];
}

export function ptuFields(p: PtuValues): Field[] {
  return [
    { name: 'Ta', value: fix(p.ta), unit: 'C' },
    { name: 'Ua', value: fix(p.ua), unit: 'P' },
    { name: 'Pa', value: fix(p.pa), unit: 'H' },
  ];
}

/** Rain with the hail fields of a device that has seen no hail. */
export function rainFields(r: RainValues): Field[] {
  return [
    { name: 'Rc', value: fix(r.rc, 2), unit: 'M' },
    { name: 'Rd', value: String(Math.round(r.rd)), unit: 's' },
    { name: 'Ri', value: fix(r.ri), unit: 'M' },
    { name: 'Hc', value: '0.0', unit: 'M' },
    { name: 'Hd', value: '0', unit: 's' },
    { name: 'Hi', value: '0.0', unit: 'M' },
  ];
}

/** Vh unit `N`: heating idle (air far above the heating set point on a sub-tropical island). */
export function supervisorFields(s: SupervisorValues): Field[] {
  return [
    { name: 'Th', value: fix(s.th), unit: 'C' },
    { name: 'Vh', value: fix(s.vh), unit: 'N' },
    { name: 'Vs', value: fix(s.vs), unit: 'V' },
    { name: 'Vr', value: fix(s.vr, 3), unit: 'V' },
  ];
}

/**
 * The composite `aR0` with the factory selection of each sensor's bits 9–16 (WXT530 user
 * guide M211840EN, configuration parameter tables): wind Dm,Sm; PTU Ta,Ua,Pa; rain Rc;
 * supervisor Th,Vh.
 */
export function compositeFields(w: WindValues, p: PtuValues, r: RainValues, s: SupervisorValues): Field[] {
  const pick = (fs: Field[], names: string[]) => fs.filter((f) => names.includes(f.name));
  return [
    ...pick(windFields(w), ['Dm', 'Sm']),
    ...ptuFields(p),
    ...pick(rainFields(r), ['Rc']),
    ...pick(supervisorFields(s), ['Th', 'Vh']),
  ];
}

/**
 * Frame a message: `0R2,Ta=23.6C,...` CR LF, or with CRC `0r2,...` + 3 CRC characters
 * computed over everything from the address up to (not including) CR.
 */
export function frame(address: string, msg: string, fields: Field[], crc: boolean): string {
  const body = `${address}${crc ? 'r' : 'R'}${msg}${fields.length ? ',' : ''}${fields.map((f) => `${f.name}=${f.value}${f.unit}`).join(',')}`;
  return crc ? `${body}${vaisalaCrc(body)}\r\n` : `${body}\r\n`;
}

/** A text reply (`0TX,Rain reset`); lower-case `tX` and a CRC when the command was a CRC one. */
export function textReply(address: string, text: string, crc: boolean): string {
  const body = `${address}${crc ? 'tX' : 'TX'},${text}`;
  return crc ? `${body}${vaisalaCrc(body)}\r\n` : `${body}\r\n`;
}
