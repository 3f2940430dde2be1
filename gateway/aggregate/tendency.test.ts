import { describe, expect, it } from 'vitest';
import { pressureTendency } from './tendency.ts';

describe('3-h pressure tendency, code table 0200 (qc.md §6 algorithm)', () => {
  it('worked example: 1012.4 → 1011.2 → 1010.9: falling then steady, a = 6, ppp = 015', () => {
    expect(pressureTendency(1012.4, 1011.2, 1010.9)).toEqual({ a: 6, ppp: 1.5, code: '015', delta: -1.5 });
  });
  it.each([
    // p(t−3h), p(t−1.5h), p(t), a
    [1010, 1011, 1012, 2], // rising steadily
    [1010, 1010.5, 1012, 3], // rising, then more rapidly
    [1010, 1011.5, 1012, 1], // rising, then more slowly
    [1010, 1011, 1011.1, 1], // rising, then steady
    [1010, 1012, 1011, 0], // rising, then falling; still higher
    [1010, 1010.1, 1011, 3], // steady, then rising
    [1010, 1009, 1010.5, 3], // falling then rising, ends higher
    [1010, 1010.1, 1010.2, 2], // all steady but higher: (0,0) → 2
    [1012, 1011, 1010, 7], // falling steadily
    [1012, 1011.5, 1010, 8], // falling, then more rapidly
    [1012, 1010.5, 1010, 6], // falling, then more slowly
    [1012, 1010, 1011, 5], // falling, then rising; still lower
    [1012, 1012.1, 1011, 8], // steady, then falling
    [1012, 1012.1, 1011.9, 7], // steady but lower: (0,0) → 7
    [1010, 1011, 1010, 0], // up and back: same
    [1010, 1009, 1010, 5], // down and back: same
    [1010, 1010.1, 1010, 4], // steady
  ])('%d, %d, %d → a = %d', (p3, p15, p0, a) => {
    expect(pressureTendency(p3, p15, p0).a).toBe(a);
  });
});
