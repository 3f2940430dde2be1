import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isQuantity, xorChecksum } from '../../core/index.ts';
import { isNmeaRefusal } from '../nmea/parse.ts';
import { parseWxtNmeaLine, wxtTransducerBase } from './parse.ts';

const ctx = { sensor: 'wxt', ts: 7 };
const sentence = (body: string) => `$${body}*${xorChecksum(body)}`;

describe('parseWxtNmeaLine', () => {
  it('maps transducer ids from the device address: address 4 reads ids 4, 5, 6', () => {
    const line = sentence('WIXDR,A,330,D,4,A,331,D,5,A,333,D,6,S,0.1,M,4,S,0.1,M,5,S,0.2,M,6');
    const r = parseWxtNmeaLine(line, { ...ctx, address: '4' });
    if (isNmeaRefusal(r)) throw new Error(r.reason);
    expect(r.observations.map((o) => [o.sensor, o.quantity, o.value])).toEqual([['wxt', 'wind_from_direction', 331], ['wxt', 'wind_speed', 0.1], ['wxt', 'wind_speed_of_gust', 0.2]]);
    // Address 0 reading the same sentence: ids 4-6 are another transmitter's; nothing is taken.
    const other = parseWxtNmeaLine(line, ctx);
    expect(!isNmeaRefusal(other) && other.observations).toEqual([]);
    expect([wxtTransducerBase('A'), wxtTransducerBase('b')]).toEqual([10, 37]);
  });

  it('MWV from the WXT is wind under the sensor id; empty XDR values are absent, not zero', () => {
    const r = parseWxtNmeaLine(sentence('WIMWV,282,R,0.1,M,A'), ctx);
    expect(!isNmeaRefusal(r) && r.observations.map((o) => [o.quantity, o.value])).toEqual([['wind_from_direction', 282], ['wind_speed', 0.1]]);
    const e = parseWxtNmeaLine(sentence('WIXDR,C,,C,0,H,80.0,P,0'), ctx);
    expect(!isNmeaRefusal(e) && e.observations.map((o) => o.quantity)).toEqual(['relative_humidity']);
  });

  it('fuzz: 100,000 random and mutated sentences — never throws, every value finite, flagged, ours', () => {
    const reals = ['$WIXDR,V,0.02,M,0,Z,30,s,0,R,2.7,M,0,V,0.0,M,1,Z,0,s,1,R,0.0,M,1,R,6.3,M,2,R,0.0,M,3*51', sentence('WIXDR,C,25.0,C,0,H,80.0,P,0,P,1014.6,H,0'), sentence('WIXDR,A,090,D,0,A,090,D,1,A,090,D,2,S,5.0,M,0,S,5.0,M,1,S,5.0,M,2'), sentence('WIMWV,282,R,0.1,M,A')];
    const check = (line: string) => {
      const r = parseWxtNmeaLine(line, ctx);
      if (isNmeaRefusal(r)) {
        if (!r.reason) throw new Error('refusal without a reason');
        return;
      }
      for (const o of r.observations) {
        if (!isQuantity(o.quantity) || o.sensor !== 'wxt') throw new Error(`stray observation ${o.sensor} ${o.quantity}`);
        if (o.value === null ? o.qc.flag !== 'missing' : !Number.isFinite(o.value)) throw new Error(`bad value ${o.value}`);
      }
    };
    const mutated = fc.tuple(fc.constantFrom(...reals), fc.array(fc.tuple(fc.nat(120), fc.integer({ min: 0, max: 255 }), fc.constantFrom('set', 'insert', 'delete')), { maxLength: 4 }))
      .map(([line, edits]) => edits.reduce((s, [pos, code, op]) => {
        const p = pos % (s.length + 1);
        const c = String.fromCharCode(code);
        return op === 'insert' ? s.slice(0, p) + c + s.slice(p) : op === 'delete' ? s.slice(0, p) + s.slice(p + 1) : s.slice(0, p) + c + s.slice(p + 1);
      }, line));
    fc.assert(fc.property(mutated, check), { numRuns: 50_000 });
    fc.assert(fc.property(fc.string({ maxLength: 120, unit: 'binary' }), check), { numRuns: 20_000 });
    // Well-formed sentences (valid checksum) of random quadruplets: only the structure is random.
    const quad = fc.tuple(fc.constantFrom('A', 'S', 'C', 'H', 'P', 'V', 'R', 'Z', 'U', 'G', 'X'), fc.oneof(fc.constant(''), fc.double({ noNaN: false }).map(String), fc.integer().map(String)), fc.constantFrom('D', 'M', 'C', 'F', 'P', 'H', 'I', 'B', 's', 'N', 'V', ''), fc.nat(70).map(String));
    fc.assert(fc.property(fc.array(quad, { maxLength: 8 }), (qs) => check(sentence(`WIXDR,${qs.map((q) => q.join(',')).join(',')}`))), { numRuns: 30_000 });
  }, 60_000);
});
