// Pure parser of one Hydreon RG-15 line (protocols.md "Hydreon RG-15"). Data lines carry
// labelled values, two spaces after each label, comma-separated:
//   Acc  0.00 mm, EventAcc  0.00 mm, TotalAcc  1.23 mm, RInt  0.00 mmph   (metric)
//   Acc  0.000 in, EventAcc  0.000 in, TotalAcc  0.048 in, RInt  0.000 iph (imperial)
// possibly followed by fault words (LensBad, EmSat, TooCold). Other lines: the boot banner
// (`;` comments, `SW x.yyy`, `Reset …`, `PwrDays n` = boot complete) and one-letter echoes.
//
// What is reported: TotalAcc as precipitation_amount_since_reset (the gauge's running counter,
// which restarts at 0 on every power-up, `K` reboot and `O` reset; the aggregator differences
// it against the last stored counter), RInt as rainfall_rate. Acc ("since the last report")
// and EventAcc are parsed but not reported: counting them as well would count rain twice.
import { convert, type Observation, type Qc, type Quantity, type Rejection } from '../../core/index.ts';
import { LINE_NOISE, printableLine, splitLineNoise } from '../framing/lines.ts';

export const RG15_FAULT_WORDS = ['LensBad', 'EmSat', 'TooCold'] as const;
export type Rg15Fault = (typeof RG15_FAULT_WORDS)[number];

export interface Rg15Values {
  acc?: number;
  eventAcc?: number;
  totalAcc?: number;
  rInt?: number;
}

export type Rg15Parsed =
  | { kind: 'data'; units: 'metric' | 'imperial'; device: Rg15Values; faults: Rg15Fault[]; observations: Observation[]; rejections: Rejection[] }
  | { kind: 'banner'; text: string; version?: string; pwrDays?: number; reset?: boolean; observations: []; rejections: Rejection[] }
  | { kind: 'echo'; text: string; observations: []; rejections: Rejection[] };

const LABELS: Record<string, keyof Rg15Values> = { Acc: 'acc', EventAcc: 'eventAcc', TotalAcc: 'totalAcc', RInt: 'rInt' };
const REPORTED: Partial<Record<keyof Rg15Values, Quantity>> = { totalAcc: 'precipitation_amount_since_reset', rInt: 'rainfall_rate' };
// Amount units and their rate units, per unit system.
const UNIT_SYSTEM: Record<string, { system: 'metric' | 'imperial'; rate: boolean }> = {
  mm: { system: 'metric', rate: false }, mmph: { system: 'metric', rate: true },
  in: { system: 'imperial', rate: false }, iph: { system: 'imperial', rate: true },
};
const ITEM = /^(Acc|EventAcc|TotalAcc|RInt) {1,3}(\d{1,5}\.\d{1,4}) ?(mm|mmph|in|iph)$/;

export function isRg15Refusal(x: Rg15Parsed | Rejection): x is Rejection {
  return 'reason' in x;
}

export function parseRg15Line(line: string, ctx: { sensor: string; ts: number }): Rg15Parsed | Rejection {
  const rejections: Rejection[] = [];
  const reject = (raw: string, reason: string): Rejection => ({ ts: ctx.ts, sensor: ctx.sensor, raw: printableLine(raw), reason });
  const split = splitLineNoise(line);
  const noise = split.noise;
  let text = split.text;
  if (noise !== null) rejections.push(reject(noise, LINE_NOISE));
  text = text.trim();
  if (text === '') return reject(line, noise ? 'line noise only' : 'empty line');
  if (/[^\x20-\x7e]/.test(text)) return reject(line, 'control or 8-bit bytes inside the line');

  // Boot banner and command echoes: state, not data.
  if (text.startsWith(';')) return { kind: 'banner', text, observations: [], rejections };
  let m = /^SW\s+(\d+\.\d+)$/.exec(text);
  if (m) return { kind: 'banner', text, version: m[1]!, observations: [], rejections };
  if (/^Reset\b[\x20-\x7e]{0,40}$/.test(text)) return { kind: 'banner', text, reset: true, observations: [], rejections };
  m = /^PwrDays\s+(\d{1,6})$/.exec(text);
  if (m) return { kind: 'banner', text, pwrDays: Number(m[1]), observations: [], rejections };
  if (/^[a-zA-Z]$/.test(text)) return { kind: 'echo', text, observations: [], rejections };

  const device: Rg15Values = {};
  const faults: Rg15Fault[] = [];
  let system: 'metric' | 'imperial' | null = null;
  for (const raw of text.split(',')) {
    const item = raw.trim();
    const fault = RG15_FAULT_WORDS.find((w) => w === item);
    if (fault) {
      if (!faults.includes(fault)) faults.push(fault);
      continue;
    }
    const im = ITEM.exec(item);
    if (!im) return reject(line, `garbled item "${printableLine(item)}"`);
    const key = LABELS[im[1]!]!;
    const unit = UNIT_SYSTEM[im[3]!]!;
    if (unit.rate !== (key === 'rInt')) return reject(line, `${im[1]} in ${im[3]}: wrong kind of unit`);
    if (system !== null && unit.system !== system) return reject(line, 'metric and imperial units mixed in one line');
    system = unit.system;
    if (device[key] !== undefined) return reject(line, `${im[1]} twice in one line (merged lines?)`);
    device[key] = Number(im[2]);
  }
  if (system === null) return reject(line, 'no value in the line');

  const qc: Qc = faults.length ? { flag: 'suspect', reasons: ['sensor_status'] } : { flag: 'not_checked', reasons: [] };
  const observations: Observation[] = [];
  for (const key of ['totalAcc', 'rInt'] as const) {
    const v = device[key];
    const quantity = REPORTED[key]!;
    if (v === undefined) continue;
    const value = system === 'imperial' ? Math.round(convert.inToMm(v) * 1e6) / 1e6 : v;
    observations.push({ ts: ctx.ts, sensor: ctx.sensor, quantity, value, qc: { flag: qc.flag, reasons: [...qc.reasons] } });
  }
  return { kind: 'data', units: system, device, faults, observations, rejections };
}
