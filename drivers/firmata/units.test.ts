// The pure parts: BMP280 compensation against the datasheet's worked example, the vane
// table, closure counting with debounce and gust windows, the probe's byte scanner.
import { describe, expect, it } from 'vitest';
import { compensate, parseCalibration, parseRawData } from './bmp280.ts';
import { PinEdges, PulseRate, TipCounter } from './counters.ts';
import { scanFirmata } from './probe.ts';
import { VANE_POSITIONS, vaneAdc, vaneDirection } from './vane.ts';

// BMP280 datasheet BST-BMP280-DS001 §3.12 (compensation example): the trimming words and raw
// readings of a real chip, and the values the double-precision formulas give.
const DATASHEET_CALIB = [27504, 26435, -1000, 36477, -10685, 3024, 2855, 140, -7, 15500, -14600, 6000].flatMap((w) => [w & 0xff, (w >> 8) & 0xff]);

describe('BMP280 compensation (datasheet §3.12)', () => {
  it('adc_T 519888, adc_P 415148 → 25.08 °C, 100653.27 Pa', () => {
    const c = parseCalibration(Uint8Array.from(DATASHEET_CALIB));
    if ('reason' in c) throw new Error(c.reason);
    expect(c).toMatchObject({ T1: 27504, T2: 26435, T3: -1000, P1: 36477, P2: -10685, P9: 6000 });
    const r = compensate(519888, 415148, c);
    if ('reason' in r) throw new Error(r.reason);
    expect(r.tC).toBeCloseTo(25.08, 2);
    expect(r.pPa).toBeCloseTo(100653.27, 1);
  });

  it('raw registers 0xF7…0xFC are 20-bit big-endian with the low nibble in xlsb', () => {
    // 415148 = 0x655AC, 519888 = 0x7EED0
    expect(parseRawData(Uint8Array.from([0x65, 0x5a, 0xc0, 0x7e, 0xed, 0x00]))).toEqual({ adcP: 415148, adcT: 519888 });
    expect(parseRawData(Uint8Array.from([0x80, 0, 0, 0x80, 0, 0]))).toEqual({ reason: 'measurement skipped or not ready (0x80000)' });
    expect(parseRawData(Uint8Array.from([1, 2, 3]))).toHaveProperty('reason');
  });

  it('a blank calibration block (no chip on the bus) is refused', () => {
    expect(parseCalibration(new Uint8Array(24))).toHaveProperty('reason');
    expect(parseCalibration(new Uint8Array(24).fill(0xff))).toHaveProperty('reason');
    expect(parseCalibration(new Uint8Array(10))).toHaveProperty('reason');
  });
});

describe('wind vane', () => {
  it('every position of the protocols.md table reads back as itself, ±1 count of ADC noise too', () => {
    for (const [deg, ohms] of VANE_POSITIONS) {
      for (const d of [-1, 0, 1]) expect(vaneDirection(Math.round(vaneAdc(ohms)) + d)).toMatchObject({ deg });
    }
  });
  it('open and shorted cables are refused, not guessed', () => {
    expect(vaneDirection(1023)).toHaveProperty('reason');
    expect(vaneDirection(0)).toHaveProperty('reason');
    expect(vaneDirection(-3)).toHaveProperty('reason');
    expect(vaneDirection(Number.NaN)).toHaveProperty('reason');
  });
});

describe('closure counting', () => {
  it('anemometer: Hz × factor; gust is the highest 3-s mean', () => {
    const r = new PulseRate(2.4 / 3.6, 3000);
    const second = (n: number) => {
      for (let i = 0; i < n; i++) r.closure();
      return r.interval(1000);
    };
    expect(second(9).speed).toBeCloseTo(6, 9);
    second(9);
    expect(second(18).gust).toBeCloseTo(((9 + 9 + 18) / 3) * (2.4 / 3.6), 9);
    expect(second(0).speed).toBe(0);
  });
  it('tipping bucket: chatter within the debounce is one tip', () => {
    const t = new TipCounter(0.2794, 100);
    expect([t.closure(0), t.closure(3), t.closure(99), t.closure(100), t.closure(5000)]).toEqual([true, false, false, true, true]);
    expect(t.tips).toBe(3);
    expect(t.bounces).toBe(2);
    expect(t.totalMm).toBe(0.8382);
  });
  it('edges: a closure is 1→0 only; repeated port states are not edges', () => {
    const e = new PinEdges();
    expect([1, 1, 0, 0, 1, 0].map((v) => e.push(v))).toEqual([false, false, true, false, false, true]);
  });
});

describe('probe scanner', () => {
  const name = [...Buffer.from('StandardFirmata.ino')].flatMap((b) => [b & 0x7f, b >> 7]);
  it('REPORT_VERSION and firmware reply → identity', () => {
    expect(scanFirmata(Buffer.from([0x00, 0xf9, 2, 5, 0xf0, 0x79, 2, 5, ...name, 0xf7]))).toEqual({ protocol: '2.5', firmware: 'StandardFirmata.ino 2.5' });
  });
  it('ASCII from other families is not a board', () => {
    expect(scanFirmata(Buffer.from('0R1,Dn=236D,Dm=283D\r\nAcc  0.00 mm, EventAcc  0.00 mm\r\n$WIMWV,270.0,R,5.0,M,A*21\r\n'))).toBeNull();
  });
});
