// NMEA 0183 weather sentences as a weather sensor prints them (protocols.md "NMEA 0183"):
// fixed decimals, lower-case checksum like real devices (`*5e`), CR LF. Pure functions of
// values, so tests and the bench can render exact lines.
import { xorChecksum } from '../../core/checksums.ts';

export type NmeaSpeedUnit = 'M' | 'K' | 'N' | 'S';
const FROM_MS: Record<NmeaSpeedUnit, (v: number) => number> = {
  M: (v) => v, K: (v) => v * 3.6, N: (v) => v / 0.514444, S: (v) => v / 0.44704,
};

/** `$` + body + `*hh` CR LF; `checksum: false` leaves the `*hh` out (legal, seen on old gear). */
export function sentence(body: string, opts: { checksum?: boolean; upperHex?: boolean } = {}): string {
  if (opts.checksum === false) return `$${body}\r\n`;
  const sum = xorChecksum(body);
  return `$${body}*${opts.upperHex ? sum : sum.toLowerCase()}\r\n`;
}

const f1 = (v: number) => v.toFixed(1);

export interface WindReading {
  /** degrees, [0, 360) */
  angle: number;
  /** m/s */
  speed: number;
}

/** MWV: `$WIMWV,271.0,R,000.2,N,A` — void (status V) leaves the values blank. */
export function mwv(talker: string, w: WindReading | null, ref: 'R' | 'T', unit: NmeaSpeedUnit): string {
  if (!w) return sentence(`${talker}MWV,,${ref},,${unit},V`);
  return sentence(`${talker}MWV,${f1(w.angle)},${ref},${f1(FROM_MS[unit](w.speed))},${unit},A`);
}

export interface MdaReading {
  pressureHpa: number;
  airC: number;
  rh: number;
  dewC: number;
  /** true direction, degrees */
  dirT: number;
  /** m/s */
  speed: number;
}

/** MDA with both pressures, air, RH, dew point, true direction and speed in knots and m/s; water and magnetic blank. */
export function mda(talker: string, r: MdaReading): string {
  const inHg = (r.pressureHpa / 33.8638866).toFixed(4);
  const bar = (r.pressureHpa / 1000).toFixed(4);
  return sentence(`${talker}MDA,${inHg},I,${bar},B,${f1(r.airC)},C,,C,${f1(r.rh)},,${f1(r.dewC)},C,${f1(r.dirT)},T,,M,${f1(r.speed / 0.514444)},N,${f1(r.speed)},M`);
}

export interface XdrQuad {
  type: string;
  value: number | null;
  unit: string;
  name: string;
  decimals: number;
}

/** XDR: quadruplets `type,value,unit,name`; a null value prints blank. */
export function xdr(talker: string, quads: readonly XdrQuad[]): string {
  return sentence(`${talker}XDR,${quads.map((q) => `${q.type},${q.value === null ? '' : q.value.toFixed(q.decimals)},${q.unit},${q.name}`).join(',')}`);
}

/** MTA air temperature `°C`; signed like some devices (`+15.0`) when `plus`. */
export function mta(talker: string, airC: number, plus = false): string {
  return sentence(`${talker}MTA,${plus && airC >= 0 ? '+' : ''}${f1(airC)},C`);
}

/** VWR / VWT: angle 0–180 off the reference mark, L or R, speed in knots, m/s and km/h. */
export function vwr(talker: string, kind: 'VWR' | 'VWT', w: WindReading): string {
  const a = ((w.angle % 360) + 360) % 360;
  const [angle, side] = a <= 180 ? [a, 'R'] : [360 - a, 'L'];
  return sentence(`${talker}${kind},${f1(angle)},${side},${f1(w.speed / 0.514444)},N,${f1(w.speed)},M,${f1(w.speed * 3.6)},K`);
}

/** MWD: true direction, magnetic blank, knots and m/s. */
export function mwd(talker: string, w: WindReading): string {
  return sentence(`${talker}MWD,${f1(w.angle)},T,,M,${f1(w.speed / 0.514444)},N,${f1(w.speed)},M`);
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');
const hhmmss = (d: Date) => `${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}.${pad(Math.floor(d.getUTCMilliseconds() / 10))}`;

/** ddmm.mmmm,N|S,dddmm.mmmm,E|W */
function position(lat: number, lon: number): string {
  const part = (v: number, degWidth: number) => {
    const a = Math.abs(v);
    const deg = Math.floor(a);
    return `${pad(deg, degWidth)}${((a - deg) * 60).toFixed(4).padStart(7, '0')}`;
  };
  return `${part(lat, 2)},${lat >= 0 ? 'N' : 'S'},${part(lon, 3)},${lon >= 0 ? 'E' : 'W'}`;
}

/** RMC from a GNSS receiver with a fix (status A, mode A) at a fixed mast: the UTC of `ms`, speed 0. */
export function rmc(talker: string, ms: number, lat: number, lon: number): string {
  const d = new Date(ms);
  const date = `${pad(d.getUTCDate())}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCFullYear() % 100)}`;
  return sentence(`${talker}RMC,${hhmmss(d)},A,${position(lat, lon)},0.0,,${date},,,A`);
}

/** ZDA: UTC of `ms` with a four-digit year, zone 00,00. */
export function zda(talker: string, ms: number): string {
  const d = new Date(ms);
  return sentence(`${talker}ZDA,${hhmmss(d)},${pad(d.getUTCDate())},${pad(d.getUTCMonth() + 1)},${d.getUTCFullYear()},00,00`);
}
