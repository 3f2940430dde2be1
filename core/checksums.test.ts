import { describe, expect, it } from 'vitest';
import { vaisalaCrc, xorChecksum } from './checksums.ts';

describe('device checksums on verified frames (protocols.md)', () => {
  it('Vaisala CRC of the manual examples', () => {
    expect(vaisalaCrc('0r1')).toBe('Goe');
    expect(vaisalaCrc('0r2,Ta=22.7C,Ua=55.5P,Pa=1004.7H')).toBe('@Fn');
  });
  it('a changed byte changes the Vaisala CRC', () => {
    expect(vaisalaCrc('0r2,Ta=22.8C,Ua=55.5P,Pa=1004.7H')).not.toBe('@Fn');
  });
  it('NMEA XOR of real sentences', () => {
    expect(xorChecksum('IIMWV,271.0,R,000.2,N,A')).toBe('3B');
    expect(xorChecksum('WIMWV,,T,,N,V')).toBe('32');
    expect(xorChecksum('IIMTA,13.3,C')).toBe('04');
  });
  it('Gill WindSonic XOR between STX and ETX', () => {
    expect(xorChecksum('Q,229,002.74,M,00,')).toBe('16');
  });
});
