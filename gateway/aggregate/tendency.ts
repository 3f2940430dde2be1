// Three-hour pressure tendency and its characteristic, WMO code table 0200 [306]
// (../shared/docs/qc.md §6: the project's algorithm; worked example in §7).

export interface Tendency {
  /** characteristic a, code table 0200 (0…8) */
  a: number;
  /** |p(t) − p(t−3h)| in hPa, rounded to 0.1 */
  ppp: number;
  /** the coded group, three digits in 0.1 hPa, e.g. "015" */
  code: string;
  /** p(t) − p(t−3h), rounded to 0.1 hPa */
  delta: number;
}

/** Differences of 0.2 hPa or less count as steady. */
const STEADY = 0.2;
const r1 = (x: number) => Math.round(x * 10) / 10;
const sign = (d: number) => (Math.abs(d) <= STEADY + 1e-9 ? 0 : Math.sign(d));

export function pressureTendency(p3h: number, p15h: number, p0: number): Tendency {
  const d1 = p15h - p3h;
  const d2 = p0 - p15h;
  const delta = r1(p0 - p3h);
  const s1 = sign(d1);
  const s2 = sign(d2);
  let a: number;
  if (delta > 0) {
    if (s1 > 0 && s2 > 0) a = Math.abs(d2) > Math.abs(d1) + STEADY ? 3 : Math.abs(d2) < Math.abs(d1) - STEADY ? 1 : 2;
    else if (s1 > 0 && s2 === 0) a = 1;
    else if (s1 > 0 && s2 < 0) a = 0;
    else if (s2 > 0) a = 3; // (0,+), (−,+)
    else a = 2; // (0,0), and (0,−)/(−,−) that still end higher
  } else if (delta < 0) {
    if (s1 < 0 && s2 < 0) a = Math.abs(d2) > Math.abs(d1) + STEADY ? 8 : Math.abs(d2) < Math.abs(d1) - STEADY ? 6 : 7;
    else if (s1 < 0 && s2 === 0) a = 6;
    else if (s1 < 0 && s2 > 0) a = 5;
    else if (s2 < 0) a = 8; // (0,−), (+,−)
    else a = 7;
  } else {
    a = s1 > 0 && s2 < 0 ? 0 : s1 < 0 && s2 > 0 ? 5 : 4;
  }
  const ppp = Math.abs(delta);
  return { a, ppp, code: String(Math.round(ppp * 10)).padStart(3, '0'), delta };
}
