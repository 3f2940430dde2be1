// GNSS time from RMC and ZDA (issue #10 part 4): the parser states it, the driver emits it.
import { describe, expect, it } from 'vitest';
import { isNmeaRefusal, parseNmeaSentence, type NmeaParsed } from './parse.ts';

const ctx = { sensor: 'gnss', ts: 1000 };
const parsed = (line: string) => {
  const r = parseNmeaSentence(line, ctx);
  if (isNmeaRefusal(r)) throw new Error(`refused: ${r.reason}`);
  return r as NmeaParsed;
};

describe('NMEA time sentences', () => {
  it('RMC status A: the UTC it states; no observations', () => {
    const r = parsed('$GPRMC,123519.00,A,2705.50,N,14211.50,E,000.5,054.7,031226,003.1,W,A*28\r\n');
    expect(r.time).toEqual({ utcMs: Date.UTC(2026, 11, 3, 12, 35, 19), sentence: 'RMC' });
    expect(r.observations).toEqual([]);
    expect(r.rejections).toEqual([]);
  });

  it('the classic RMC example (NMEA reference, 1994, no mode field) reads as 1994', () => {
    expect(parsed('$GPRMC,123519,A,4807.038,N,01131.000,E,022.4,084.4,230394,003.1,W*6A').time).toEqual({ utcMs: Date.UTC(1994, 2, 23, 12, 35, 19), sentence: 'RMC' });
  });

  it('RMC status V (no fix): no time, not an error', () => {
    const r = parsed('$GPRMC,123519.00,V,,,,,,,031226,,,N*74');
    expect(r.time).toBeUndefined();
    expect(r.rejections).toEqual([]);
  });

  it('ZDA: four-digit year; empty before a fix', () => {
    expect(parsed('$GPZDA,201530.00,04,07,2027,00,00*67').time).toEqual({ utcMs: Date.UTC(2027, 6, 4, 20, 15, 30), sentence: 'ZDA' });
    expect(parsed('$GPZDA,,,,,00,00*48').time).toBeUndefined();
  });

  it('a garbled time is reported and gives no time; a sentence without checksum gives none', () => {
    const r = parsed('$GPRMC,25xx19,A,2705.50,N,14211.50,E,000.5,054.7,311126,003.1,W,A*06');
    expect(r.time).toBeUndefined();
    expect(r.rejections.map((x) => x.reason)).toEqual(['RMC: garbled UTC time (hhmmss.ss expected)']);
    expect(parsed('$GPRMC,123519.00,A,2705.50,N,14211.50,E,000.5,054.7,031226,003.1,W,A').time).toBeUndefined();
  });
});
