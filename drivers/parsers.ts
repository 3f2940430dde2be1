// Every family's pure line parser under the name `bonin parse DRIVER` and the benchmarks
// use. A parser turns one frame (a line without its CR LF) into observations, plus the
// fields it refused; or refuses the whole frame. It never throws on input.
import type { Observation, Rejection } from '../core/index.ts';
import { parseWxtMessage } from './wxt530/parse.ts';
import { parseNmeaLine } from './nmea/parse.ts';
import { parseWindsonicForRegistry } from './windsonic/parse.ts';
import { parsePtbLine } from './ptb/parse.ts';
import { parseRg15Line } from './rg15/parse.ts';
import { parseWxtNmeaForRegistry } from './vaisala-nmea/parse.ts';

export interface ParseContext { sensor: string; ts: number }
export type LineParse = { observations: Observation[]; rejections: Rejection[] } | Rejection;
export type LineParser = (line: string, ctx: ParseContext) => LineParse;

/** Add a family: one entry, keyed by the name a technician types. */
export const LINE_PARSERS: Record<string, LineParser> = {
  wxt: parseWxtMessage,
  nmea: parseNmeaLine,
  windsonic: parseWindsonicForRegistry,
  ptb: (line, ctx) => parsePtbLine(line, ctx),
  rg15: parseRg15Line,
  'wxt-nmea': parseWxtNmeaForRegistry,
};

export function isRefusal(p: LineParse): p is Rejection {
  return 'reason' in p && !('observations' in p);
}
