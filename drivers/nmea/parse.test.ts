// The NMEA parser's rules one by one, then 100,000 fuzzed lines. Real frames are in the
// golden cases (cases.test.ts).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { xorChecksum } from '../../core/index.ts';
import { checkParsed, mutatedLines, randomLines } from './fuzz.ts';
import { isNmeaRefusal, parseNmeaSentence, type NmeaContext, type NmeaParsed } from './parse.ts';

const ctx: NmeaContext = { sensor: 'met', ts: 1000 };
const s = (body: string) => `$${body}*${xorChecksum(body)}`;
function ok(line: string, c: NmeaContext = ctx): NmeaParsed {
  const r = parseNmeaSentence(line, c);
  if (isNmeaRefusal(r)) throw new Error(`refused: ${r.reason}`);
  return r;
}
const values = (r: NmeaParsed) => Object.fromEntries(r.observations.map((o) => [`${o.sensor}:${o.quantity}`, o.value]));

describe('parseNmeaSentence', () => {
  it('adds the heading offset to relative wind (MWV R, VWR, VWT) but not to true wind', () => {
    const c = { ...ctx, headingOffsetDeg: 30 };
    expect(values(ok(s('WIMWV,350.0,R,5.0,M,A'), c))['met:wind_from_direction']).toBe(20);
    expect(values(ok(s('WIMWV,350.0,T,5.0,M,A'), c))['met:wind_from_direction']).toBe(350);
    expect(values(ok(s('WIVWR,045.0,L,,N,5.0,M,,K'), c))['met:wind_from_direction']).toBe(345);
    expect(values(ok(s('WIVWT,045.0,R,,N,5.0,M,,K'), c))['met:wind_from_direction']).toBe(75);
    expect(values(ok(s('WIMWD,100.0,T,,M,,N,5.0,M'), c))['met:wind_from_direction']).toBe(100);
    expect(values(ok(s('WIMWV,350.0,R,5.0,M,A'), { ...ctx, headingOffsetDeg: -360 }))['met:wind_from_direction']).toBe(350);
  });

  it('accepts any talker and both hex cases; a missing checksum flags the values suspect', () => {
    const body = 'IIMTA,21.5,C';
    const sum = xorChecksum(body);
    for (const line of [`$${body}*${sum}`, `$${body}*${sum.toLowerCase()}`]) expect(ok(line).checksum).toBe(true);
    expect(ok(s('GPMTA,21.5,C')).talker).toBe('GP');
    const bare = ok(`$${body}`);
    expect(bare.checksum).toBe(false);
    expect(bare.observations[0]!.qc).toEqual({ flag: 'suspect', reasons: ['incomplete'] });
  });

  it('status V voids MWV whatever is printed', () => {
    const r = ok(s('WIMWV,100.0,R,5.0,M,V'));
    expect(r.observations.map((o) => [o.quantity, o.value, o.qc.flag])).toEqual([['wind_from_direction', null, 'missing'], ['wind_speed', null, 'missing']]);
  });

  it('MWV with Gill status codes (WindSonic NMEA modes M15/M16) flags the values as the code says', () => {
    const flags = (status: string) => ok(s(`IIMWV,120,R,002.10,M,${status}`)).observations.map((o) => o.qc);
    expect(flags('00')).toEqual([{ flag: 'not_checked', reasons: [] }, { flag: 'not_checked', reasons: [] }]);
    expect(flags('04')[0]).toEqual({ flag: 'bad', reasons: ['sensor_status'] });
    expect(flags('51')[1]).toEqual({ flag: 'suspect', reasons: ['incomplete'] });
    expect(flags('7E')[0]).toEqual({ flag: 'suspect', reasons: ['sensor_status'] });
    const bare = parseNmeaSentence('$IIMWV,120,R,002.10,M,08', ctx);
    expect(isNmeaRefusal(bare) ? null : bare.observations[0]!.qc).toEqual({ flag: 'suspect', reasons: ['sensor_status', 'incomplete'] });
    expect(ok(s('IIMWV,120,R,002.10,M,X')).rejections[0]!.reason).toContain('status must be A, V or a Gill status code');
  });

  it('MDA with only inHg uses it; both pressures prefer bar; knots only when m/s is blank', () => {
    const v = values(ok(s('WIMDA,29.9213,I,,B,,C,,C,,,,C,,T,,M,10.0,N,,M')));
    expect(Object.keys(v)).toEqual(['met:air_pressure', 'met:wind_speed']);
    expect(v['met:air_pressure']).toBeCloseTo(1013.25, 2);
    expect(v['met:wind_speed']).toBeCloseTo(5.14444, 5);
    expect(values(ok(s('WIMDA,29.9213,I,1.0000,B,,C,,C,,,,C,,T,,M,,N,,M')))).toEqual({ 'met:air_pressure': 1000 });
  });

  it('XDR keeps transducer names as sensor ids and reports leftovers and unknown units per field', () => {
    const r = ok(s('WIXDR,C,20.0,C,TempAir,P,1.0,X,Baro,G,1,,x,H,50'));
    expect(values(r)).toEqual({ 'met/TempAir:air_temperature': 20 });
    expect(r.rejections.map((j) => j.reason)).toEqual(['XDR: 2 field(s) left over after the quadruplets', 'XDR: unit "X" not known for transducer type P', 'XDR: transducer type "G" not supported']);
  });

  it('refuses what cannot be trusted, with a reason', () => {
    const refusal = (l: string) => {
      const r = parseNmeaSentence(l, ctx);
      return isNmeaRefusal(r) ? r.reason : 'accepted';
    };
    expect(refusal('')).toBe('empty line');
    expect(refusal('$WIMWV')).toContain('not an NMEA sentence');
    expect(refusal(s(`WIXDR,${'C,20.0,C,T,'.repeat(12)}`))).toContain('longer than');
    expect(refusal(s('PAMTC,EN,ALL'))).toContain('unsupported sentence MTC'); // proprietary sentences are not weather data
    expect(refusal(s('WIMWV,100.0,R,5.0,M,A\x01'))).toContain('control');
  });

  it('fuzz: 50,000 mutated real sentences never throw and never give an unflagged value', () => {
    const corpus = [
      '$IIMWV,271.0,R,000.2,N,A*3B', '$WIMWV,,T,,N,V*32', '$WIMDA,30.2269,I,1.0236,B,17.7,C,,,43.3,,5.0,C,131.5,T,128.6,M,0.8,N,0.4,M*54',
      '$IIXDR,P,1.02481,B,Barometer*29', '$IIXDR,C,19.52,C,TempAir*19', '$IIMTA,13.3,C*04', '$IIMTW,+15.0,C*3C', '$IIVWR,084.0,R,10.4,N,5.4,M,19.3,K*4A',
      '$WIXDR,V,0.02,M,0,Z,30,s,0,R,2.7,M,0,V,0.0,M,1,Z,0,s,1,R,0.0,M,1,R,6.3,M,2,R,0.0,M,3*51', s('WIMWD,090.0,T,,M,,N,4.0,M'), s('WIVWT,030.0,L,,N,2.0,M,,K'),
    ];
    const reframe = (l: string) => {
      const star = l.lastIndexOf('*');
      const body = l.slice(l.indexOf('$') + 1, star === -1 ? undefined : star);
      return `$${body}*${xorChecksum(body)}`;
    };
    fc.assert(fc.property(mutatedLines(corpus, reframe), (line) => checkParsed(parseNmeaSentence(line, { ...ctx, headingOffsetDeg: 15 }), line)), { numRuns: 50_000 });
  });

  it('fuzz: 50,000 random lines never throw and never give an unflagged value', () => {
    fc.assert(fc.property(randomLines('$*,.+-0123456789ABCDEFIMNPRSTVWXZ'), (line) => checkParsed(parseNmeaSentence(line, ctx), line)), { numRuns: 50_000 });
  });
});
