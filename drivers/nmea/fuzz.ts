// Shared fuzzing of line parsers (NMEA and WindSonic tests): mutations of real lines, with the
// checksum recomputed half of the time so the mutation reaches the field parsing, plus random
// lines. The property: never a throw, and never a value without a flag (a number must be
// finite and flagged; a null must be flagged missing).
import fc from 'fast-check';
import { expect } from 'vitest';
import { QC_FLAGS, type Observation, type Rejection } from '../../core/index.ts';

type Parsed = { observations: Observation[]; rejections: Rejection[] } | Rejection;

export function checkParsed(r: Parsed, line: string): void {
  if (!('observations' in r)) {
    expect(r.reason.length).toBeGreaterThan(0);
    return;
  }
  for (const o of r.observations) {
    expect(QC_FLAGS, line).toContain(o.qc.flag);
    if (o.value === null) expect(o.qc.flag, line).toBe('missing');
    else {
      expect(Number.isFinite(o.value), line).toBe(true);
      expect(o.qc.flag, line).not.toBe('missing');
    }
  }
  for (const j of r.rejections) expect(j.reason.length).toBeGreaterThan(0);
}

/** One random edit of a line: replace, insert, delete, duplicate a slice, or drop a comma. */
const edit = fc.tuple(fc.integer({ min: 0, max: 4 }), fc.nat(), fc.nat(), fc.integer({ min: 0, max: 255 }));

export function mutatedLines(corpus: readonly string[], reframe: (line: string) => string): fc.Arbitrary<string> {
  return fc.tuple(fc.constantFrom(...corpus), fc.array(edit, { minLength: 1, maxLength: 4 }), fc.boolean()).map(([line, edits, fix]) => {
    let s = line;
    for (const [op, a, b, byte] of edits) {
      const i = s.length === 0 ? 0 : a % s.length;
      const ch = String.fromCharCode(byte);
      if (op === 0) s = s.slice(0, i) + ch + s.slice(i + 1);
      else if (op === 1) s = s.slice(0, i) + ch + s.slice(i);
      else if (op === 2) s = s.slice(0, i) + s.slice(i + 1);
      else if (op === 3) s = s.slice(0, i) + s.slice(i, i + (b % 12)) + s.slice(i);
      else s = s.replace(',', '');
    }
    return fix ? reframe(s) : s;
  });
}

/** Random lines: binary garbage and printable text with the protocol's framing characters. */
export function randomLines(alphabet: string): fc.Arbitrary<string> {
  return fc.oneof(
    fc.string({ maxLength: 160, unit: 'binary' }),
    fc.array(fc.constantFrom(...alphabet), { maxLength: 120 }).map((a) => a.join('')),
  );
}
