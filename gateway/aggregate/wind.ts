// Wind statistics (../shared/docs/qc.md §6): scalar mean speed, unit-vector mean direction,
// Yamartino σθ, the resultant vector, and the gust as the largest 3-second running mean.
// Pure functions of samples; QC flags are the caller's business.

/** ICAO Annex 3 calm: below 0.5 m/s (1 kt) the wind has no direction. */
export const CALM_MS = 0.5;
/** √(S²+C²) below this: the directions cancel out and there is no mean direction. */
const NO_DIRECTION = 1e-6;

const RAD = Math.PI / 180;
const deg360 = (rad: number) => (((rad / RAD) % 360) + 360) % 360;

export interface WindSample {
  /** m/s */
  speed: number;
  /** degrees from true north, "from"; null when the device gave none (calm) */
  dir: number | null;
}

export interface WindStats {
  /** scalar mean speed over every sample, calm ones included */
  speed: number;
  /** unit-vector mean direction of the non-calm samples; null when calm or when they cancel */
  dir: number | null;
  /** Yamartino σθ in degrees; null when there is no direction */
  sigma: number | null;
  /** resultant vector (diagnostics): speed and direction of the mean wind vector */
  resultantSpeed: number;
  resultantDir: number | null;
  /** samples with a direction that went into dir and sigma */
  nDir: number;
  /** S = Σ sin θ / N, C = Σ cos θ / N over the non-calm samples */
  S: number;
  C: number;
}

/** Yamartino (1984): ε = √(1 − (S² + C²)), σθ = arcsin(ε)·[1 + (2/√3 − 1)ε³], in degrees. */
export function yamartino(S: number, C: number): number {
  const eps = Math.sqrt(Math.max(0, 1 - (S * S + C * C)));
  return (Math.asin(Math.min(1, eps)) * (1 + (2 / Math.sqrt(3) - 1) * eps ** 3)) / RAD;
}

export function windStats(samples: readonly WindSample[]): WindStats | null {
  if (!samples.length) return null;
  let sum = 0;
  let s = 0;
  let c = 0;
  let u = 0;
  let v = 0;
  let nDir = 0;
  for (const x of samples) {
    sum += x.speed;
    if (x.dir === null || x.speed < CALM_MS) continue; // calm counts for speed, not for direction
    const r = x.dir * RAD;
    s += Math.sin(r);
    c += Math.cos(r);
    u += -x.speed * Math.sin(r);
    v += -x.speed * Math.cos(r);
    nDir++;
  }
  const n = samples.length;
  const S = nDir ? s / nDir : 0;
  const C = nDir ? c / nDir : 0;
  const speed = sum / n;
  const hasDir = nDir > 0 && Math.hypot(S, C) >= NO_DIRECTION && speed >= CALM_MS;
  const ub = u / n;
  const vb = v / n;
  const resultantSpeed = Math.hypot(ub, vb);
  return {
    speed,
    dir: hasDir ? deg360(Math.atan2(S, C)) : null,
    sigma: nDir > 0 && speed >= CALM_MS ? yamartino(S, C) : null,
    resultantSpeed,
    resultantDir: resultantSpeed >= NO_DIRECTION ? deg360(Math.atan2(-ub, -vb)) : null,
    nDir,
    S,
    C,
  };
}

/**
 * Gust: the largest running mean over 3 s ([306] FM 15 §15.5.5). The window holds
 * round(3 s / sampling interval) consecutive samples (12 at 4 Hz, 3 at 1 Hz); the interval is
 * the median spacing of the samples. A window that spans a gap (a sample missing) is not used.
 * Sensors slower than 1 sample / 3 s give a window of one sample: the gust is then the largest
 * sample (docs/qc.md says how that under-reads).
 */
export function gust3s(samples: ReadonlyArray<{ ts: number; v: number }>): { v: number; window: number } | null {
  if (!samples.length) return null;
  const xs = [...samples].sort((a, b) => a.ts - b.ts);
  const dts = xs.slice(1).map((x, i) => x.ts - xs[i]!.ts).filter((d) => d > 0).sort((a, b) => a - b);
  const period = dts.length ? dts[Math.floor(dts.length / 2)]! : 3000;
  const k = Math.max(1, Math.round(3000 / period));
  if (xs.length < k) return null;
  let best = -Infinity;
  let sum = 0;
  for (let i = 0; i < xs.length; i++) {
    sum += xs[i]!.v;
    if (i >= k) sum -= xs[i - k]!.v;
    if (i < k - 1) continue;
    if (xs[i]!.ts - xs[i - k + 1]!.ts > (k - 1) * period * 1.5) continue; // a gap inside the window
    best = Math.max(best, sum / k);
  }
  return Number.isFinite(best) ? { v: best, window: k } : null;
}
