// The WindSonic parser's rules one by one, then 100,000 fuzzed lines. Real frames are in the
// golden cases (cases.test.ts).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { xorChecksum } from '../../core/index.ts';
import { checkParsed, mutatedLines, randomLines } from '../nmea/fuzz.ts';
import { isWindsonicRefusal, parseWindsonicLine, STATUS_CODES, type WindsonicData } from './parse.ts';

const ctx = { sensor: 'ws', ts: 5000 };
const g = (body: string) => `\x02${body}\x03${xorChecksum(body)}`;
function data(line: string): WindsonicData {
  const r = parseWindsonicLine(line, ctx);
  if (isWindsonicRefusal(r) || r.kind !== 'data') throw new Error(`not data: ${JSON.stringify(r)}`);
  return r;
}

describe('parseWindsonicLine', () => {
  it('parses the manual frame and reports node, unit, status and checksum', () => {
    const r = data('\x02Q,229,002.74,M,00,\x0316');
    expect(r).toMatchObject({ node: 'Q', direction: 229, speed: 2.74, unit: 'M', checksum: true, status: { code: '00', text: 'OK' } });
    expect(r.observations.map((o) => [o.quantity, o.value, o.ts, o.sensor])).toEqual([['wind_speed', 2.74, 5000, 'ws'], ['wind_from_direction', 229, 5000, 'ws']]);
  });

  it('accepts a lower-case checksum; CR LF left on the line is harmless', () => {
    const body = 'Q,010,001.00,M,00,';
    expect(data(`\x02${body}\x03${xorChecksum(body).toLowerCase()}\r\n`).checksum).toBe(true);
  });

  it('knows every status code of the manual and flags the values as the code says', () => {
    expect(Object.keys(STATUS_CODES).sort()).toEqual(['00', '01', '02', '04', '08', '09', '51', '60', '62', '63', '65']);
    for (const [code, meaning] of Object.entries(STATUS_CODES)) {
      const r = data(g(`Q,100,003.00,M,${code},`));
      expect(r.status).toBe(meaning);
      for (const o of r.observations) expect(o.qc).toEqual(meaning.qc);
    }
  });

  it('banner and configuration text are text, not data and not errors', () => {
    const r = parseWindsonicLine('CHECKSUM ROM:E15C E15C *PASS*', ctx);
    expect(r).toEqual({ kind: 'text', text: 'CHECKSUM ROM:E15C E15C *PASS*', observations: [], rejections: [] });
  });

  it('fuzz: 50,000 mutated real lines never throw and never give an unflagged value', () => {
    const corpus = ['\x02Q,229,002.74,M,00,\x0316', g('Q,,000.03,M,00,'), g('Q,999,9999.999,M,04,'), g('Q,090,1000.00,F,60,'), g('A,359,059.99,K,51,'), 'WINDSONIC (Gill Instruments Ltd)'];
    const reframe = (l: string) => {
      const a = l.indexOf('\x02');
      const b = l.lastIndexOf('\x03');
      if (a === -1 || b <= a) return l;
      return `\x02${l.slice(a + 1, b)}\x03${xorChecksum(l.slice(a + 1, b))}`;
    };
    fc.assert(fc.property(mutatedLines(corpus, reframe), (line) => checkParsed(parseWindsonicLine(line, ctx), line)), { numRuns: 50_000 });
  });

  it('fuzz: 50,000 random lines never throw and never give an unflagged value', () => {
    fc.assert(fc.property(randomLines('\x02\x03,.+-0123456789ABCDEFKMNPQ9'), (line) => checkParsed(parseWindsonicLine(line, ctx), line)), { numRuns: 50_000 });
  });
});
