import { describe, expect, it } from 'vitest';
import { fitShrink, SHRINK_GRID } from './calibrate.ts';

// A deterministic pseudo-random sequence, so the test cannot flake.
function noise(n: number, seed: number): number[] {
  let s = seed;
  return Array.from({ length: n }, () => { s = (s * 1103515245 + 12345) % 2 ** 31; return s / 2 ** 31 - 0.5; });
}

describe('fitShrink', () => {
  it('keeps a forecast that is already right (factor 1)', () => {
    const truth = noise(500, 1).map((v) => 3 * v);
    const r = fitShrink(truth, truth);
    expect(r.factor).toBe(1);
    expect(r.mae).toBe(0);
  });

  it('shrinks a forecast that says twice the change that comes', () => {
    const truth = noise(2000, 2).map((v) => 4 * v);
    const predicted = truth.map((v) => 2 * v);
    const r = fitShrink(predicted, truth);
    expect(r.factor).toBe(0.5);
    expect(r.mae).toBeLessThan(r.maeUnshrunk);
  });

  it('never amplifies, and never shrinks below the grid, even for a forecast that is mostly noise', () => {
    const truth = noise(2000, 3);
    const predicted = noise(2000, 4).map((v) => 10 * v);
    const r = fitShrink(predicted, truth);
    expect(r.factor).toBe(Math.min(...SHRINK_GRID));
    expect(fitShrink(truth.map((v) => v / 2), truth).factor).toBe(1);
  });

  it('refuses predictions and truths of different lengths', () => {
    expect(() => fitShrink([1, 2], [1])).toThrow(/2 predictions for 1 truths/);
    expect(() => fitShrink([], [])).toThrow(/0 predictions/);
  });
});
