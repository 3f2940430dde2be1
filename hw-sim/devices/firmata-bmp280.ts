// A Bosch BMP280 on the Firmata board's I²C bus, as registers: calibration words at 0x88,
// chip id 0x58 at 0xD0, soft reset at 0xE0, ctrl_meas/config at 0xF4/0xF5, and the 20-bit
// pressure and temperature ADC values at 0xF7…0xFC. The twin turns the truth (°C, hPa) into
// the raw ADC values this chip's calibration would give, by inverting the datasheet's
// compensation (BST-BMP280-DS001 §8.1) numerically, so a driver that compensates correctly
// reads the truth back (to the chip's 0.01 °C / ~0.2 Pa resolution at ×1…×4 oversampling).
// hw-sim may not import drivers/: the forward formula is restated here on purpose.

export interface Bmp280Trim {
  T1: number; T2: number; T3: number;
  P1: number; P2: number; P3: number; P4: number; P5: number; P6: number; P7: number; P8: number; P9: number;
}

/** The datasheet's worked example (§3.12), a real chip's trimming. */
export const DATASHEET_TRIM: Readonly<Bmp280Trim> = Object.freeze({
  T1: 27504, T2: 26435, T3: -1000, P1: 36477, P2: -10685, P3: 3024, P4: 2855, P5: 140, P6: -7, P7: 15500, P8: -14600, P9: 6000,
});

function temperature(adcT: number, c: Bmp280Trim): { tC: number; tFine: number } {
  const v1 = (adcT / 16384 - c.T1 / 1024) * c.T2;
  const v2 = (adcT / 131072 - c.T1 / 8192) ** 2 * c.T3;
  return { tC: (v1 + v2) / 5120, tFine: Math.trunc(v1 + v2) };
}

function pressure(adcP: number, tFine: number, c: Bmp280Trim): number {
  let v1 = tFine / 2 - 64000;
  let v2 = (v1 * v1 * c.P6) / 32768 + v1 * c.P5 * 2;
  v2 = v2 / 4 + c.P4 * 65536;
  v1 = ((c.P3 * v1 * v1) / 524288 + c.P2 * v1) / 524288;
  v1 = (1 + v1 / 32768) * c.P1;
  let p = 1048576 - adcP;
  p = ((p - v2 / 4096) * 6250) / v1;
  return p + ((c.P9 * p * p) / 2147483648 + (p * c.P8) / 32768 + c.P7) / 16;
}

/** Smallest 20-bit x with f(x) ≥ target for increasing f (or ≤ for decreasing). */
function invert(f: (x: number) => number, target: number, increasing: boolean): number {
  let lo = 0;
  let hi = 0xfffff;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const y = f(mid);
    if (increasing ? y < target : y > target) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Raw ADC values for a temperature (°C) and pressure (hPa). */
export function rawFor(tC: number, hPa: number, c: Bmp280Trim = DATASHEET_TRIM): { adcT: number; adcP: number } {
  const adcT = invert((x) => temperature(x, c).tC, tC, true);
  const { tFine } = temperature(adcT, c);
  const adcP = invert((x) => pressure(x, tFine, c), hPa * 100, false);
  return { adcT, adcP };
}

export function trimBytes(c: Bmp280Trim): number[] {
  const words = [c.T1, c.T2, c.T3, c.P1, c.P2, c.P3, c.P4, c.P5, c.P6, c.P7, c.P8, c.P9];
  return words.flatMap((w) => [w & 0xff, (w >> 8) & 0xff]);
}

export class Bmp280Chip {
  readonly regs = new Uint8Array(256);
  constructor(readonly trim: Bmp280Trim = DATASHEET_TRIM) {
    this.reset();
  }

  reset(): void {
    this.regs.fill(0);
    this.regs.set(trimBytes(this.trim), 0x88);
    this.regs[0xd0] = 0x58;
    // Power-on: sleep mode, and the data registers read 0x80000 (no measurement yet).
    this.regs.set([0x80, 0, 0, 0x80, 0, 0], 0xf7);
  }

  /** ctrl_meas mode bits: 0 sleep, 1/2 forced, 3 normal. */
  get measuring(): boolean {
    return (this.regs[0xf4]! & 0b11) !== 0;
  }

  /** A new conversion (the chip does this by itself in normal mode). */
  measure(tC: number, hPa: number): void {
    if (!this.measuring) return;
    const { adcT, adcP } = rawFor(tC, hPa, this.trim);
    this.regs.set([adcP >> 12, (adcP >> 4) & 0xff, (adcP & 0xf) << 4, adcT >> 12, (adcT >> 4) & 0xff, (adcT & 0xf) << 4], 0xf7);
  }

  write(reg: number, data: number[]): void {
    for (const [i, b] of data.entries()) {
      const r = (reg + i) & 0xff;
      if (r === 0xe0) {
        if (b === 0xb6) this.reset();
      } else if (r === 0xf4 || r === 0xf5) this.regs[r] = b & 0xff;
      // everything else is read-only
    }
  }

  read(reg: number, n: number): number[] {
    return Array.from({ length: n }, (_, i) => this.regs[(reg + i) & 0xff]!);
  }
}
