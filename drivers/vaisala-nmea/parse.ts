// The WXT530 in its NMEA 0183 v3.0 protocol (`aXU,M=N` automatic, `M=Q` query): a thin layer
// on the generic NMEA parser (../nmea/parse.ts). That parser reads MWV and XDR and names each
// XDR transducer `<sensor>/<id>`; this layer knows what the WXT means by each id (WXT530 User
// Guide M211840EN, "Transducer ID" table: ids count up from the device address A) and keeps
// only the quantities the ASCII driver reports, under the sensor's own id.
import type { Observation, Quantity, Rejection } from '../../core/index.ts';
import { isNmeaRefusal, parseNmeaSentence, type NmeaParsed } from '../nmea/parse.ts';
import { printableLine as printable } from '../framing/lines.ts';

/** For each quantity the NMEA parser gives an XDR type, the WXT id offset (from A) that is reported, and as what. Others (Dn/Dx, Sn, internal and aux temperatures, hail, peaks) are dropped. */
const WXT_IDS: Partial<Record<Quantity, Record<number, Quantity>>> = {
  wind_from_direction: { 1: 'wind_from_direction' }, // A: 0 Dn, 1 Dm, 2 Dx
  wind_speed: { 1: 'wind_speed', 2: 'wind_speed_of_gust' }, // S: 0 Sn, 1 Sm, 2 Sx
  air_temperature: { 0: 'air_temperature', 2: 'heater_temperature' }, // C: 0 Ta, 1 Tp (internal), 2 Th, 3 aux
  relative_humidity: { 0: 'relative_humidity' },
  air_pressure: { 0: 'air_pressure' },
  precipitation_amount_since_reset: { 0: 'precipitation_amount_since_reset' }, // V: 0 Rc, 1 Hc (or aux rain)
  rainfall_rate: { 0: 'rainfall_rate' }, // R: 0 Ri, 1 Hi, 2 Rp, 3 Hp
};

// XDR types a WXT sends that carry nothing this family reports: duration Z, information G, and
// the voltages U (their units N/V/W/F also encode the heating state, which the generic parser does not read).
const QUIET = /transducer type "[ZG]" not supported|unit "[NWF]" not known for transducer type U/;

export interface WxtNmeaContext {
  sensor: string;
  ts: number;
  /** device address aXU,A (0–9, A–Z = 10–35, a–z = 36–61): the first transducer id */
  address?: string;
}

/** NMEA transducer id of a WXT address (the manual: letters count on from 10, lower case from 36). */
export function wxtTransducerBase(address: string): number {
  if (/^[0-9]$/.test(address)) return Number(address);
  if (/^[A-Z]$/.test(address)) return 10 + address.charCodeAt(0) - 65;
  if (/^[a-z]$/.test(address)) return 36 + address.charCodeAt(0) - 97;
  throw new RangeError(`WXT address must be one character 0-9, A-Z, a-z, got "${address}"`);
}

export function parseWxtNmeaLine(line: string, ctx: WxtNmeaContext): NmeaParsed | Rejection {
  const r = parseNmeaSentence(line, { sensor: ctx.sensor, ts: ctx.ts });
  if (isNmeaRefusal(r)) return r;
  // The WXT puts a checksum on every sentence: one without it was torn on the way.
  if (!r.checksum) return { ts: ctx.ts, sensor: ctx.sensor, raw: printable(line), reason: 'no checksum: a WXT sentence always has one (torn line?)' };
  const base = wxtTransducerBase(ctx.address ?? '0');
  const observations: Observation[] = [];
  for (const o of r.observations) {
    if (o.sensor === ctx.sensor) {
      observations.push(o); // MWV: average direction and speed, already under our id
      continue;
    }
    const id = Number(o.sensor.slice(ctx.sensor.length + 1));
    const as = WXT_IDS[o.quantity]?.[id - base];
    // undefined: a transducer this family does not report, or another WXT's ids on a shared bus.
    if (as === undefined) continue;
    observations.push({ ...o, sensor: ctx.sensor, quantity: as });
  }
  const rejections: Rejection[] = r.rejections.filter((x) => !QUIET.test(x.reason));
  return { ...r, observations, rejections };
}

/** The LineParse shape of drivers/parsers.ts, for `bonin parse` at address 0. */
export function parseWxtNmeaForRegistry(line: string, ctx: { sensor: string; ts: number }): { observations: Observation[]; rejections: Rejection[] } | Rejection {
  return parseWxtNmeaLine(line, ctx);
}
