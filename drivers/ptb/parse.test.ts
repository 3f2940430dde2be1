import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isQuantity, sumChecksum, xorChecksum } from '../../core/index.ts';
import { isPtbRefusal, parsePtbLine, type PtbParsed } from './parse.ts';

const ctx = { sensor: 'ptb', ts: 1000 };
const ok = (line: string, mode?: Parameters<typeof parsePtbLine>[2]): PtbParsed => {
  const r = parsePtbLine(line, ctx, mode);
  if (isPtbRefusal(r)) throw new Error(`refused: ${r.reason}`);
  return r;
};

describe('parsePtbLine', () => {
  it('reads the manual SEND line into hPa with its label and unit', () => {
    const r = ok('pressure = 1013.02 hPa');
    expect(r.fields).toEqual([{ label: 'pressure', deviceValue: 1013.02, deviceUnit: 'hPa', quantity: 'air_pressure', value: 1013.02 }]);
    expect(r.observations).toEqual([{ ts: 1000, sensor: 'ptb', quantity: 'air_pressure', value: 1013.02, qc: { flag: 'not_checked', reasons: [] } }]);
  });

  it('verifies CS2, CS4 and CSX over everything before the checksum, separator included', () => {
    const body = 'P= 1013.02 hPa ';
    expect(ok(body + sumChecksum(body, 2)).checksum).toBe('CS2');
    expect(ok(body + sumChecksum(body, 4)).checksum).toBe('CS4');
    expect(ok(body + xorChecksum(body)).checksum).toBe('CSX');
    expect(ok(body + xorChecksum(body), 'CSX').checksum).toBe('CSX');
    // A configured checksum must be there and must be that kind.
    expect(parsePtbLine('P= 1013.02 hPa', ctx, 'CS2')).toMatchObject({ reason: 'CS2 checksum missing' });
    expect(parsePtbLine(body + sumChecksum(body, 2), ctx, 'CSX')).toMatchObject({ reason: expect.stringMatching(/CSX checksum mismatch/) });
  });

  it('QNH is the sea-level pressure; P3H/A3H and transducer readings are read, not reported', () => {
    const r = ok('P= 1013.02 hPa QNH= 1015.40 hPa P3H= -0.8 hPa A3H= 7');
    expect(r.observations.map((o) => [o.quantity, o.value])).toEqual([['air_pressure', 1013.02], ['air_pressure_at_mean_sea_level', 1015.4]]);
  });

  it('a set ERR flag makes the reading suspect; stars make it missing', () => {
    expect(ok('1020.30 1022.31 1020.32 1021.00 hPa 010').observations[0]!.qc).toEqual({ flag: 'suspect', reasons: ['sensor_status'] });
    expect(ok('P= ****** hPa').observations[0]).toMatchObject({ value: null, qc: { flag: 'missing', reasons: ['sensor_status'] } });
  });

  it('prompts and replies are neither data nor errors', () => {
    for (const l of ['>', 'OK', 'PTB330 / 1.12', 'Output interval : 10 s', 'Serial mode     : RUN']) expect(ok(l).kind).toBe('reply');
  });

  it('refuses what it cannot read, with the reason', () => {
    expect(parsePtbLine('', ctx)).toMatchObject({ reason: 'empty line' });
    expect(parsePtbLine('hello world', ctx)).toMatchObject({ reason: expect.stringMatching(/garbled token "hello"/) });
    // Another family's line is not a barometer reading, even where it holds numbers.
    expect(parsePtbLine('Acc  0.00 mm, EventAcc  0.00 mm, TotalAcc  1.11 mm, RInt  0.00 mmph', ctx)).toMatchObject({ reason: expect.stringMatching(/garbled token/) });
    expect(parsePtbLine('0R2,Ta=23.6C,Ua=14.2P,Pa=1026.6H', ctx)).toMatchObject({ reason: expect.stringMatching(/garbled token/) });
    expect(parsePtbLine('P= 1013.0\x00 hPa', ctx)).toMatchObject({ reason: expect.stringMatching(/control/) });
    expect(parsePtbLine('P= 1013.02 hPa 5C', ctx)).toMatchObject({ reason: expect.stringMatching(/checksum mismatch/) });
  });

  it('fuzz: 100,000 random and mutated lines — never throws, every value finite and flagged', () => {
    const reals = ['pressure = 1013.02 hPa', 'P= 1013.02 hPa 5B', 'P= 1013.02 hPa 035B', '1020.30 1020.31 1020.32 1020.31 hPa 000', 'P= ******* hPa', '1013.25', 'P= 30.0012 inHg'];
    // Plain throws, not expect(): 100,000 runs must stay quick.
    const check = (line: string) => {
      const r = parsePtbLine(line, ctx);
      if (isPtbRefusal(r)) {
        if (typeof r.reason !== 'string' || r.reason === '') throw new Error('refusal without a reason');
        return;
      }
      for (const o of r.observations) {
        if (!isQuantity(o.quantity)) throw new Error(`unknown quantity ${o.quantity}`);
        if (!['not_checked', 'suspect', 'missing'].includes(o.qc.flag)) throw new Error(`flag ${o.qc.flag}`);
        if (o.value === null ? o.qc.flag !== 'missing' : !Number.isFinite(o.value)) throw new Error(`bad value ${o.value} in ${JSON.stringify(line)}`);
      }
    };
    const mutated = fc.tuple(fc.constantFrom(...reals), fc.array(fc.tuple(fc.nat(40), fc.integer({ min: 0, max: 255 }), fc.constantFrom('set', 'insert', 'delete')), { maxLength: 4 }))
      .map(([line, edits]) => edits.reduce((s, [pos, code, op]) => {
        const p = pos % (s.length + 1);
        const c = String.fromCharCode(code);
        return op === 'insert' ? s.slice(0, p) + c + s.slice(p) : op === 'delete' ? s.slice(0, p) + s.slice(p + 1) : s.slice(0, p) + c + s.slice(p + 1);
      }, line));
    fc.assert(fc.property(mutated, check), { numRuns: 60_000 });
    fc.assert(fc.property(fc.string({ maxLength: 120, unit: 'binary' }), check), { numRuns: 20_000 });
    fc.assert(fc.property(fc.array(fc.constantFrom('P=', 'pressure', '=', '1013.02', '*****', 'hPa', 'inHg', 'OK', '000', '111', '5B', ' ', '  ', 'QNH=', '-', '.', 'e5', 'Infinity', '1e308'), { maxLength: 12 }).map((a) => a.join(' ')), check), { numRuns: 20_000 });
  }, 60_000);
});
