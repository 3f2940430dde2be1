import { describe, expect, it } from 'vitest';
import { vaisalaCrc } from '../../core/checksums.ts';
import { deg3, fix, frame, ptuFields, rainFields, summariseWind, windFields } from './wxt530-format.ts';
import { constantScenario } from './testing.ts';

const sample = (speed: number, dir: number) => constantScenario({ wind_speed: speed, wind_from_direction: dir }).at(0);

describe('WXT530 message rendering', () => {
  it('renders the manual PTU line exactly, and its CRC form', () => {
    expect(frame('0', '2', ptuFields({ ta: 23.6, ua: 14.2, pa: 1026.6 }), false)).toBe('0R2,Ta=23.6C,Ua=14.2P,Pa=1026.6H\r\n');
    // protocols.md: `0r2,Ta=22.7C,Ua=55.5P,Pa=1004.7H` → `@Fn` (verified).
    expect(frame('0', '2', ptuFields({ ta: 22.66, ua: 55.54, pa: 1004.71 }), true)).toBe('0r2,Ta=22.7C,Ua=55.5P,Pa=1004.7H@Fn\r\n');
  });

  it('formats numbers like the device: one decimal, 3-digit degrees, no negative zero', () => {
    expect(fix(1)).toBe('1.0');
    expect(fix(-0.04)).toBe('0.0');
    expect(fix(-1.26)).toBe('-1.3');
    expect(deg3(31.4)).toBe('031');
    expect(deg3(359.6)).toBe('000');
    expect(deg3(-1)).toBe('359');
  });

  it('summarises a window that swings across north like the real frame (Dn 236, Dx 031)', () => {
    const w = summariseWind([sample(0.0, 236), sample(1.0, 283), sample(2.2, 31), sample(0.8, 300)]);
    expect(frame('0', '1', windFields(w), false)).toMatch(/^0R1,Dn=236D,Dm=\d{3}D,Dx=031D,Sn=0\.0M,Sm=1\.0M,Sx=2\.2M\r\n$/);
    expect(w.dm > 236 || w.dm < 31).toBe(true);
  });

  it('gives the mean, min and max speed of the samples', () => {
    const w = summariseWind([sample(4, 90), sample(6, 100), sample(5, 80)]);
    expect(w).toMatchObject({ sn: 4, sm: 5, sx: 6 });
    expect(w.dm).toBeCloseTo(90, 0);
    expect(deg3(w.dn)).toBe('080');
    expect(deg3(w.dx)).toBe('100');
  });

  it('renders rain with two decimals for Rc and the hail fields', () => {
    expect(frame('0', '3', rainFields({ rc: 0.1, rd: 2380, ri: 0 }), false)).toBe('0R3,Rc=0.10M,Rd=2380s,Ri=0.0M,Hc=0.0M,Hd=0s,Hi=0.0M\r\n');
    const crcLine = frame('0', '3', rainFields({ rc: 0, rd: 0, ri: 0 }), true);
    expect(crcLine.slice(-5, -2)).toBe(vaisalaCrc(crcLine.slice(0, -5)));
  });
});
