import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isQuantity } from '../../core/index.ts';
import { isRg15Refusal, parseRg15Line, type Rg15Parsed } from './parse.ts';

const ctx = { sensor: 'rg', ts: 5 };
const ok = (line: string): Rg15Parsed => {
  const r = parseRg15Line(line, ctx);
  if (isRg15Refusal(r)) throw new Error(`refused: ${r.reason}`);
  return r;
};

describe('parseRg15Line', () => {
  it('reads all four values; reports TotalAcc as the counter and RInt as the rate, not Acc/EventAcc', () => {
    const r = ok('Acc  0.05 mm, EventAcc  0.31 mm, TotalAcc  1.23 mm, RInt  3.81 mmph');
    expect(r).toMatchObject({ kind: 'data', units: 'metric', device: { acc: 0.05, eventAcc: 0.31, totalAcc: 1.23, rInt: 3.81 }, faults: [] });
    expect(r.observations).toEqual([
      { ts: 5, sensor: 'rg', quantity: 'precipitation_amount_since_reset', value: 1.23, qc: { flag: 'not_checked', reasons: [] } },
      { ts: 5, sensor: 'rg', quantity: 'rainfall_rate', value: 3.81, qc: { flag: 'not_checked', reasons: [] } },
    ]);
  });

  it('`A` output (Acc alone) is data with nothing to report', () => {
    expect(ok('Acc  0.02 mm')).toMatchObject({ kind: 'data', device: { acc: 0.02 }, observations: [] });
  });

  it('banner lines carry version, reset and PwrDays; echo letters are echoes', () => {
    expect(ok(';RG-15 Optical Rain Gauge')).toMatchObject({ kind: 'banner' });
    expect(ok('SW 1.000')).toMatchObject({ kind: 'banner', version: '1.000' });
    expect(ok('Reset PwrUp')).toMatchObject({ kind: 'banner', reset: true });
    expect(ok('PwrDays 12')).toMatchObject({ kind: 'banner', pwrDays: 12 });
    expect(ok('p')).toMatchObject({ kind: 'echo' });
  });

  it('refuses rates in amount units, duplicates and unknown words', () => {
    expect(parseRg15Line('Acc  0.00 mmph', ctx)).toMatchObject({ reason: expect.stringMatching(/wrong kind of unit/) });
    expect(parseRg15Line('TotalAcc  1.00 mm, TotalAcc  2.00 mm', ctx)).toMatchObject({ reason: expect.stringMatching(/twice/) });
    expect(parseRg15Line('Acc  0.00 mm, Lensbad', ctx)).toMatchObject({ reason: expect.stringMatching(/garbled item/) });
  });

  it('fuzz: 100,000 random and mutated lines — never throws, every value finite and flagged', () => {
    const reals = ['Acc  0.00 mm, EventAcc  0.00 mm, TotalAcc  1.11 mm, RInt  0.00 mmph', 'Acc  0.000 in, EventAcc  0.012 in, TotalAcc  0.048 in, RInt  0.150 iph', 'Acc  0.00 mm, EventAcc  0.00 mm, TotalAcc  1.23 mm, RInt  0.00 mmph, LensBad', 'PwrDays 0', 'SW 1.000'];
    const check = (line: string) => {
      const r = parseRg15Line(line, ctx);
      if (isRg15Refusal(r)) {
        if (!r.reason) throw new Error('refusal without a reason');
        return;
      }
      for (const o of r.observations) {
        if (!isQuantity(o.quantity)) throw new Error(`unknown quantity ${o.quantity}`);
        if (o.value === null || !Number.isFinite(o.value) || o.value < 0) throw new Error(`bad value ${o.value} from ${JSON.stringify(line)}`);
        if (o.qc.flag !== 'not_checked' && !(o.qc.flag === 'suspect' && o.qc.reasons[0] === 'sensor_status')) throw new Error(`flag ${o.qc.flag}`);
      }
    };
    const mutated = fc.tuple(fc.constantFrom(...reals), fc.array(fc.tuple(fc.nat(80), fc.integer({ min: 0, max: 255 }), fc.constantFrom('set', 'insert', 'delete')), { maxLength: 4 }))
      .map(([line, edits]) => edits.reduce((s, [pos, code, op]) => {
        const p = pos % (s.length + 1);
        const c = String.fromCharCode(code);
        return op === 'insert' ? s.slice(0, p) + c + s.slice(p) : op === 'delete' ? s.slice(0, p) + s.slice(p + 1) : s.slice(0, p) + c + s.slice(p + 1);
      }, line));
    fc.assert(fc.property(mutated, check), { numRuns: 60_000 });
    fc.assert(fc.property(fc.string({ maxLength: 120, unit: 'binary' }), check), { numRuns: 20_000 });
    fc.assert(fc.property(fc.array(fc.constantFrom('Acc', 'EventAcc', 'TotalAcc', 'RInt', '  ', ' ', ',', '0.00', '99999.9999', 'mm', 'in', 'mmph', 'iph', 'LensBad', 'EmSat', 'TooCold'), { maxLength: 16 }).map((a) => a.join('')), check), { numRuns: 20_000 });
  }, 60_000);
});
