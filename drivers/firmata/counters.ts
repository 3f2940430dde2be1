// Host-side counting of switch closures reported by a Firmata board. Firmata reports a
// digital port only when a pin changes (protocols.md), so every closure arrives as a 1→0
// edge; the host stamps it with the clock when the bytes arrive (batched on a PTY, serial-
// node.md: counts are exact, per-edge times are not). Pure: the driver feeds edges and asks
// for figures at its report instants.

/**
 * Cup anemometer: closures in windows of the report interval. Speed = closures per second ×
 * the factor (SparkFun 2.4 km/h per Hz = 0.6667 m/s per Hz; Davis 6410 2.25 mph per Hz).
 * Gust = the highest mean over `gustWindowMs` (WMO: 3 s) among the recent report intervals.
 */
export class PulseRate {
  private count = 0;
  /** closures of the last intervals, newest last, with their length in ms */
  private recent: Array<{ n: number; ms: number }> = [];

  constructor(
    readonly msPerHz: number,
    readonly gustWindowMs = 3000,
  ) {
    if (!(msPerHz > 0)) throw new RangeError(`anemometer factor must be > 0 m/s per Hz, got ${msPerHz}`);
  }

  closure(): void {
    this.count++;
  }

  /** Close an interval of `ms` clock ms: the mean speed in it and the gust so far (m/s). */
  interval(ms: number): { speed: number; gust: number; closures: number } {
    const n = this.count;
    this.count = 0;
    this.recent.push({ n, ms });
    let span = 0;
    let keep = 0;
    for (let i = this.recent.length - 1; i >= 0 && span < this.gustWindowMs; i--) {
      span += this.recent[i]!.ms;
      keep++;
    }
    this.recent = this.recent.slice(-keep);
    const sumN = this.recent.reduce((a, r) => a + r.n, 0);
    const speed = ms > 0 ? (n / (ms / 1000)) * this.msPerHz : 0;
    const windowMean = span > 0 ? (sumN / (span / 1000)) * this.msPerHz : 0;
    // The gust is the highest running mean; with intervals shorter than the window the
    // window mean is it, with longer ones the interval itself is the shortest mean we have.
    return { speed, gust: Math.max(windowMean, span < this.gustWindowMs ? speed : 0), closures: n };
  }

  /** A reconnect: edges of the gap are unknown, so the gust window starts afresh. */
  reset(): void {
    this.count = 0;
    this.recent = [];
  }
}

/**
 * Tipping bucket: a running total of tips × mm per tip. A reed switch bounces, so a closure
 * within `debounceMs` of the last counted one is the same tip (protocols.md: ~100 ms).
 * The total lives on the host: a board reset does not reset it.
 */
export class TipCounter {
  tips = 0;
  bounces = 0;
  private lastTipAt = -Infinity;

  constructor(
    readonly mmPerTip: number,
    readonly debounceMs = 100,
  ) {
    if (!(mmPerTip > 0)) throw new RangeError(`rain gauge must have mm per tip > 0, got ${mmPerTip}`);
  }

  closure(ts: number): boolean {
    if (ts - this.lastTipAt < this.debounceMs) {
      this.bounces++;
      return false;
    }
    this.lastTipAt = ts;
    this.tips++;
    return true;
  }

  get totalMm(): number {
    return Math.round(this.tips * this.mmPerTip * 1e4) / 1e4;
  }
}

/** Edge detection for one pin from Firmata port states (which repeat for the other 7 pins). */
export class PinEdges {
  private last: number | null = null;

  /** true when this value is a closure (1→0; pins are pulled up and the switch grounds them). */
  push(value: number): boolean {
    const closure = this.last === 1 && value === 0;
    this.last = value;
    return closure;
  }

  reset(): void {
    this.last = null;
  }
}
