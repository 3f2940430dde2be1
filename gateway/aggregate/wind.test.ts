import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gust3s, windStats, yamartino } from './wind.ts';

const angleDiff = (a: number, b: number) => {
  const d = Math.abs(a - b) % 360;
  return d > 180 ? 360 - d : d;
};
const w = (pairs: Array<[number, number]>) => pairs.map(([speed, dir]) => ({ speed, dir }));

describe('wind statistics: qc.md §7 worked examples', () => {
  it.each([
    // input, S, C, θ̄, σθ, Ū, U_R, θ_R
    [[[5, 350], [5, 10]], 0, 0.984808, 0, 10.008, 5, 4.924, 0],
    [[[10, 30], [5, 90]], 0.75, 0.433013, 60, 30.58, 7.5, 6.614, 49.107],
    [[[4, 350], [6, 10], [5, 20], [5, 340]], 0, 0.96225, 0, 15.843, 5, 4.812, 1.034],
  ] as Array<[Array<[number, number]>, number, number, number, number, number, number, number]>)('%j', (input, S, C, dir, sigma, U, UR, dirR) => {
    const st = windStats(w(input))!;
    expect(st.S).toBeCloseTo(S, 5);
    expect(st.C).toBeCloseTo(C, 5);
    expect(angleDiff(st.dir!, dir)).toBeLessThan(1e-3);
    expect(st.sigma!).toBeCloseTo(sigma, 2);
    expect(st.speed).toBeCloseTo(U, 3);
    expect(st.resultantSpeed).toBeCloseTo(UR, 3);
    expect(angleDiff(st.resultantDir!, dirR)).toBeLessThan(1e-3);
  });
  it('opposed winds: no mean direction, no resultant direction, σθ at ε = 1', () => {
    const st = windStats(w([[3, 0], [3, 90], [3, 180], [3, 270]]))!;
    expect(st.dir).toBeNull();
    expect(st.resultantDir).toBeNull();
    expect(st.resultantSpeed).toBeCloseTo(0, 9);
    expect(st.speed).toBe(3);
    expect(st.sigma!).toBeCloseTo(103.923, 3);
    expect(yamartino(0, 0)).toBeCloseTo(103.923, 3);
  });
  it('gust: 1 Hz speeds 5, 6, 9, 12, 8, 6 → largest 3-s mean 9.667, not 12', () => {
    const g = gust3s([5, 6, 9, 12, 8, 6].map((v, i) => ({ ts: i * 1000, v })))!;
    expect(g.v).toBeCloseTo(9.667, 3);
    expect(g.window).toBe(3);
  });
  it('gust at 4 Hz uses 12 samples; a window spanning a gap is not used', () => {
    const xs = Array.from({ length: 24 }, (_, i) => ({ ts: i * 250, v: i < 12 ? 4 : 8 }));
    expect(gust3s(xs)).toEqual({ v: 8, window: 12 });
    const gap = [0, 1000, 2000, 10_000, 11_000, 12_000].map((ts, i) => ({ ts, v: [1, 1, 1, 9, 9, 9][i]! }));
    expect(gust3s(gap)!.v).toBe(9); // no window mixes the two sides of the gap
    const gapOnly = [0, 1000, 5000, 6000].map((ts) => ({ ts, v: 20 }));
    expect(gust3s(gapOnly)).toBeNull();
  });
});

describe('wind statistics: invariants (property-based)', () => {
  const sample = fc.record({ speed: fc.double({ min: 0.5, max: 60, noNaN: true }), dir: fc.double({ min: 0, max: 359.999, noNaN: true }) });
  it('rotating every direction by φ rotates the vector mean by φ and leaves speed and σθ alone', () => {
    fc.assert(fc.property(fc.array(sample, { minLength: 1, maxLength: 40 }), fc.double({ min: -720, max: 720, noNaN: true }), (xs, phi) => {
      const a = windStats(xs)!;
      const b = windStats(xs.map((x) => ({ ...x, dir: (((x.dir + phi) % 360) + 360) % 360 })))!;
      expect(b.speed).toBeCloseTo(a.speed, 9);
      if (a.dir === null || Math.hypot(a.S, a.C) < 1e-3) return; // direction ill-conditioned
      expect(angleDiff(b.dir!, (a.dir + phi + 720) % 360)).toBeLessThan(1e-4);
      expect(b.sigma!).toBeCloseTo(a.sigma!, 4); // √(1 − R²) amplifies rounding near R = 1
    }));
  });
  it('calm (every speed < 0.5 m/s) gives no direction, whatever the vane says', () => {
    fc.assert(fc.property(fc.array(fc.record({ speed: fc.double({ min: 0, max: 0.4999, noNaN: true }), dir: fc.option(fc.double({ min: 0, max: 359.9, noNaN: true })) }), { minLength: 1, maxLength: 30 }), (xs) => {
      const st = windStats(xs)!;
      expect(st.dir).toBeNull();
      expect(st.sigma).toBeNull();
    }));
  });
  it('the mean direction is always in [0, 360) and σθ in [0, 104°]', () => {
    fc.assert(fc.property(fc.array(sample, { minLength: 1, maxLength: 40 }), (xs) => {
      const st = windStats(xs)!;
      if (st.dir !== null) expect(st.dir >= 0 && st.dir < 360).toBe(true);
      expect(st.sigma! >= 0 && st.sigma! <= 103.93).toBe(true);
    }));
  });
  it('the gust is never below the largest 3-s mean of any window, nor above the largest sample', () => {
    fc.assert(fc.property(fc.array(fc.double({ min: 0, max: 80, noNaN: true }), { minLength: 3, maxLength: 120 }), (vs) => {
      const g = gust3s(vs.map((v, i) => ({ ts: i * 1000, v })))!;
      expect(g.v).toBeLessThanOrEqual(Math.max(...vs) + 1e-9);
      for (let i = 2; i < vs.length; i++) expect(g.v).toBeGreaterThanOrEqual((vs[i]! + vs[i - 1]! + vs[i - 2]!) / 3 - 1e-9);
    }));
  });
});
