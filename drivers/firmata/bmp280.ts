// Bosch BMP280 compensation, from the datasheet (BST-BMP280-DS001, §3.11.3 and §8.1, the
// double-precision formulas). johnny-five's BMP280 controller does its own maths and its
// altimeter is wrong (protocols.md), so the driver reads the raw registers over Firmata I²C
// and compensates here. Pure functions: bytes in, values or a reason out.

export const BMP280_CHIP_ID = 0x58;
/** registers */
export const REG = { calib: 0x88, chipId: 0xd0, reset: 0xe0, status: 0xf3, ctrlMeas: 0xf4, config: 0xf5, data: 0xf7 } as const;
/** 0xF4: temperature ×1, pressure ×4 oversampling, normal mode (datasheet §3.8.2 "low power"-like). */
export const CTRL_MEAS_NORMAL = (0b001 << 5) | (0b011 << 2) | 0b11;
/** 0xF5: standby 125 ms, IIR filter off (the gateway averages; a filter would hide steps QC should see). */
export const CONFIG = 0b010 << 5;

export interface Bmp280Calibration {
  T1: number; T2: number; T3: number;
  P1: number; P2: number; P3: number; P4: number; P5: number; P6: number; P7: number; P8: number; P9: number;
}

/** The 24 bytes from 0x88 (little-endian; T1 and P1 unsigned, the rest signed). */
export function parseCalibration(b: Uint8Array): Bmp280Calibration | { reason: string } {
  if (b.length !== 24) return { reason: `calibration must be 24 bytes, got ${b.length}` };
  const u = (i: number) => b[i]! | (b[i + 1]! << 8);
  const s = (i: number) => (u(i) << 16) >> 16;
  const c: Bmp280Calibration = {
    T1: u(0), T2: s(2), T3: s(4),
    P1: u(6), P2: s(8), P3: s(10), P4: s(12), P5: s(14), P6: s(16), P7: s(18), P8: s(20), P9: s(22),
  };
  // An all-0x00 or all-0xFF block is a bus that answered without a chip; P1 = 0 would also
  // divide by zero below (the datasheet's own guard).
  if (c.T1 === 0 || c.P1 === 0 || b.every((x) => x === 0xff)) return { reason: 'calibration block is blank (no BMP280 answering?)' };
  return c;
}

/** The 6 bytes from 0xF7: press_msb, lsb, xlsb, temp_msb, lsb, xlsb → 20-bit ADC values. */
export function parseRawData(b: Uint8Array): { adcP: number; adcT: number } | { reason: string } {
  if (b.length !== 6) return { reason: `measurement must be 6 bytes, got ${b.length}` };
  const adcP = (b[0]! << 12) | (b[1]! << 4) | (b[2]! >> 4);
  const adcT = (b[3]! << 12) | (b[4]! << 4) | (b[5]! >> 4);
  // 0x80000 is what the chip reports for a skipped (or not yet made) measurement.
  if (adcT === 0x80000 || adcP === 0x80000) return { reason: 'measurement skipped or not ready (0x80000)' };
  return { adcP, adcT };
}

/** Temperature (°C) and pressure (Pa) from the raw ADC values, datasheet §8.1. */
export function compensate(adcT: number, adcP: number, c: Bmp280Calibration): { tC: number; pPa: number } | { reason: string } {
  let v1 = (adcT / 16384 - c.T1 / 1024) * c.T2;
  let v2 = (adcT / 131072 - c.T1 / 8192) * (adcT / 131072 - c.T1 / 8192) * c.T3;
  const tC = (v1 + v2) / 5120;
  const tFine = Math.trunc(v1 + v2); // the datasheet keeps t_fine as a 32-bit integer
  v1 = tFine / 2 - 64000;
  v2 = (v1 * v1 * c.P6) / 32768;
  v2 = v2 + v1 * c.P5 * 2;
  v2 = v2 / 4 + c.P4 * 65536;
  v1 = ((c.P3 * v1 * v1) / 524288 + c.P2 * v1) / 524288;
  v1 = (1 + v1 / 32768) * c.P1;
  if (v1 === 0) return { reason: 'pressure compensation divides by zero' };
  let p = 1048576 - adcP;
  p = ((p - v2 / 4096) * 6250) / v1;
  v1 = (c.P9 * p * p) / 2147483648;
  v2 = (p * c.P8) / 32768;
  const pPa = p + (v1 + v2 + c.P7) / 16;
  if (!Number.isFinite(tC) || !Number.isFinite(pPa)) return { reason: 'compensation gave a non-number' };
  return { tC, pPa };
}

/** Operating range of the chip (datasheet table 1): outside it the value is not trusted. */
export const BMP280_RANGE = { tC: [-40, 85], hPa: [300, 1100] } as const;
