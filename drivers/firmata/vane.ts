// SparkFun-type resistor-ladder wind vane on an analog pin (protocols.md, "Pulse and analog
// sensors"): each of 16 positions closes a reed switch that puts one resistor (or two in
// parallel) between the pin and ground, behind a pull-up to Vcc. The ADC reads
// Vcc·R/(R+pull-up). We pick the position whose expected reading is nearest, and refuse a
// reading that is nearer the rails than any position (open or shorted cable).

/** Degrees (from, clockwise from the vane's north mark) and the resistance there, ohms. */
export const VANE_POSITIONS: ReadonlyArray<readonly [deg: number, ohms: number]> = [
  [0, 33_000], [22.5, 6_570], [45, 8_200], [67.5, 891], [90, 1_000], [112.5, 688], [135, 2_200], [157.5, 1_410],
  [180, 3_900], [202.5, 3_140], [225, 16_000], [247.5, 14_120], [270, 120_000], [292.5, 42_120], [315, 64_900], [337.5, 21_880],
];

export interface VaneWiring {
  /** pull-up resistor, ohms (SparkFun weather meter board: 10 kΩ) */
  pullUpOhms: number;
  /** full-scale ADC count (10-bit AVR: 1023) */
  adcMax: number;
}

export const SPARKFUN_VANE: VaneWiring = { pullUpOhms: 10_000, adcMax: 1023 };

/** The reading a perfect ADC gives at a position (used by the twin as well as here). */
export function vaneAdc(ohms: number, w: VaneWiring = SPARKFUN_VANE): number {
  return (w.adcMax * ohms) / (ohms + w.pullUpOhms);
}

export type VaneReading = { deg: number; adc: number; error: number } | { reason: string };

/**
 * The nearest position to an ADC count. A count further from its nearest position than
 * half the gap to that position's neighbour is refused: it is not any position (a broken
 * ladder, water in the connector), and guessing would invent a direction.
 */
export function vaneDirection(adc: number, w: VaneWiring = SPARKFUN_VANE): VaneReading {
  if (!Number.isFinite(adc) || adc < 0 || adc > w.adcMax) return { reason: `vane reading ${adc} outside 0…${w.adcMax}` };
  const table = VANE_POSITIONS.map(([deg, ohms]) => ({ deg, adc: vaneAdc(ohms, w) })).sort((a, b) => a.adc - b.adc);
  let best = 0;
  for (let i = 1; i < table.length; i++) if (Math.abs(table[i]!.adc - adc) < Math.abs(table[best]!.adc - adc)) best = i;
  const here = table[best]!;
  const below = table[best - 1]?.adc ?? 0;
  const above = table[best + 1]?.adc ?? w.adcMax;
  const halfGap = (adc < here.adc ? here.adc - below : above - here.adc) / 2;
  const error = Math.abs(adc - here.adc);
  if (error > halfGap) {
    return { reason: adc > here.adc ? `vane reading ${adc} above every position (open circuit?)` : `vane reading ${adc} below every position (short circuit?)` };
  }
  return { deg: here.deg, adc: here.adc, error };
}
