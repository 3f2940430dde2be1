// A time series of valid points with linear interpolation. Missing values are simply not
// points, so a gap of NAs (or of whole missing hours) is bridged by interpolating across it.

export class Series {
  private readonly t: Float64Array;
  private readonly v: Float64Array;

  constructor(points: Array<{ t: number; v: number | null }>) {
    const ok = points.filter((p): p is { t: number; v: number } => p.v !== null && Number.isFinite(p.v));
    this.t = Float64Array.from(ok, (p) => p.t);
    this.v = Float64Array.from(ok, (p) => p.v);
  }

  get length(): number {
    return this.t.length;
  }

  /** Value at t: exact at a point, linear between points, held flat beyond the ends. */
  at(t: number): number {
    const n = this.t.length;
    if (n === 0) return NaN;
    if (t <= this.t[0]!) return this.v[0]!;
    if (t >= this.t[n - 1]!) return this.v[n - 1]!;
    let lo = 0;
    let hi = n - 1;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (this.t[mid]! <= t) lo = mid;
      else hi = mid;
    }
    const t0 = this.t[lo]!;
    const t1 = this.t[hi]!;
    const w = (t - t0) / (t1 - t0);
    // Exact at the left point: no floating-point residue from (1 − 0)·v0 + 0·v1.
    return w === 0 ? this.v[lo]! : this.v[lo]! + w * (this.v[hi]! - this.v[lo]!);
  }
}
