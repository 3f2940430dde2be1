import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isQuantity, vaisalaCrc } from '../../core/index.ts';
import { isRejection, parseWxtMessage, type WxtParsed } from './parse.ts';

const ctx = { sensor: 's1', ts: 1_700_000_000_000 };
function ok(line: string): WxtParsed {
  const r = parseWxtMessage(line, ctx);
  if (isRejection(r)) throw new Error(`rejected: ${r.reason}`);
  return r;
}

describe('parseWxtMessage', () => {
  it('returns kind, address, and every field with device and converted values', () => {
    const r = ok('0R1,Dn=236D,Dm=283D,Dx=031D,Sn=0.0M,Sm=3.6K,Sx=2.2M');
    expect(r.kind).toBe('wind');
    expect(r.address).toBe('0');
    expect(r.crc).toBe(false);
    expect(Object.keys(r.fields)).toEqual(['Dn', 'Dm', 'Dx', 'Sn', 'Sm', 'Sx']);
    expect(r.fields.Dx).toMatchObject({ deviceValue: 31, deviceUnit: 'D', value: 31, unit: 'degree' });
    expect(r.fields.Sm).toMatchObject({ deviceValue: 3.6, deviceUnit: 'K', value: 1, unit: 'm s-1' });
    expect(r.observations.map((o) => o.quantity)).toEqual(['wind_from_direction', 'wind_speed', 'wind_speed_of_gust']);
    expect(r.observations.every((o) => o.ts === ctx.ts && o.sensor === 's1')).toBe(true);
    expect(r.rejections).toEqual([]);
  });

  it('accepts any field order and subset, and an empty message', () => {
    const r = ok('0R2,Pa=1026.6H,Ta=23.6C');
    expect(r.observations.map((o) => [o.quantity, o.value])).toEqual([['air_pressure', 1026.6], ['air_temperature', 23.6]]);
    expect(ok('0R1').fields).toEqual({});
  });

  it('keeps the text field Id and non-emitted fields in the parsed result', () => {
    const r = ok('0R5,Th=25.9C,Vh=12.0N,Vs=15.2V,Vr=3.475V,Id=HEL___');
    expect(r.fields.Id?.text).toBe('HEL___');
    expect(r.fields.Vr?.value).toBe(3.475);
    expect(r.fields.Vh?.deviceUnit).toBe('N');
    expect(r.observations.map((o) => o.quantity)).toEqual(['heater_temperature', 'heating_voltage', 'supply_voltage']);
  });

  it('verifies the CRC variant and reports it', () => {
    const r = ok('0r2,Ta=22.7C,Ua=55.5P,Pa=1004.7H@Fn');
    expect(r.crc).toBe(true);
    expect(r.kind).toBe('ptu');
    expect(r.fields.Pa?.value).toBe(1004.7);
    const bad = parseWxtMessage('0r2,Ta=22.7C,Ua=55.5P,Pa=1004.7H@Fo', ctx);
    expect(isRejection(bad) && bad.reason).toMatch(/CRC mismatch/);
  });

  it('an empty CRC message (the manual command 0r1 → Goe) parses with no fields', () => {
    expect(vaisalaCrc('0r1')).toBe('Goe');
    const r = ok('0r1Goe');
    expect(r).toMatchObject({ kind: 'wind', crc: true, fields: {}, observations: [] });
  });

  it('works at other addresses and keeps a text message apart', () => {
    expect(ok('AR2,Ta=1.0C').address).toBe('A');
    expect(ok('0TX,Start-up')).toMatchObject({ kind: 'text', text: 'Start-up', observations: [] });
    const crcText = `0tX,Rain reset${vaisalaCrc('0tX,Rain reset')}`;
    expect(ok(crcText)).toMatchObject({ kind: 'text', text: 'Rain reset', crc: true });
  });

  it('reports invalid values as null with qc missing/sensor_status', () => {
    const r = ok('0R2,Ta=#,Ua=14.2P');
    expect(r.observations[0]).toMatchObject({ quantity: 'air_temperature', value: null, qc: { flag: 'missing', reasons: ['sensor_status'] } });
    expect(r.observations[1]).toMatchObject({ value: 14.2, qc: { flag: 'not_checked', reasons: [] } });
  });

  it('rejects an unknown unit, a unit-less number and an unknown field, keeping good fields', () => {
    const r = ok('0R2,Ta=23.6X,Ua=14.2,Pa=1026.6H,Qq=1.0M');
    expect(r.rejections.map((x) => [x.raw, x.reason])).toEqual([
      ['Ta=23.6X', 'unknown unit X for Ta'],
      ['Ua=14.2', 'garbled field'],
      ['Qq=1.0M', 'unknown field Qq'],
    ]);
    expect(r.observations.map((o) => o.quantity)).toEqual(['air_pressure']);
  });

  it('does not treat prototype names as fields', () => {
    const r = ok('0R0,__=1.0M');
    expect(r.observations).toEqual([]);
    expect(r.rejections).toHaveLength(1);
  });

  it('escapes control bytes in a rejection', () => {
    const r = parseWxtMessage('\x01\x02', ctx);
    expect(isRejection(r) && r.raw).toBe('\\x01\\x02');
  });

  it('never throws and never invents on arbitrary input', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200, unit: 'binary' }), (s) => {
        const r = parseWxtMessage(s, ctx);
        if (isRejection(r)) return;
        for (const o of r.observations) {
          expect(isQuantity(o.quantity)).toBe(true);
          if (o.value === null) expect(o.qc.flag).toBe('missing');
          else expect(Number.isFinite(o.value)).toBe(true);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('on mutated real frames, every emitted value comes from a well-formed field of the line', () => {
    const real = '0R0,Dx=005D,Sx=2.8M,Ta=23.0C,Ua=30.0P,Pa=1028.2H,Rd=10s,Th=23.6C';
    fc.assert(
      fc.property(fc.nat({ max: real.length - 1 }), fc.integer({ min: 0x20, max: 0x7e }), (pos, code) => {
        const line = real.slice(0, pos) + String.fromCharCode(code) + real.slice(pos + 1);
        const r = parseWxtMessage(line, ctx);
        if (isRejection(r)) return;
        for (const f of Object.values(r.fields)) expect(line.split(',')).toContain(f.raw);
      }),
      { numRuns: 1000 },
    );
  });
});
