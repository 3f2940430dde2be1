// Reconnect delays: exponential with full jitter (delay = random in [0, min(cap, base·2^n)]),
// so a fleet of stations coming back after the same typhoon does not reconnect in step, and
// a station behind a dead modem tries less and less often, down to one try per `capMs`.
export interface BackoffOptions { baseMs: number; capMs: number; random?: () => number }

export class Backoff {
  private attempt = 0;
  constructor(private readonly opts: BackoffOptions) {
    if (!(opts.baseMs > 0) || !(opts.capMs >= opts.baseMs)) throw new RangeError(`backoff: need 0 < baseMs ≤ capMs (got ${opts.baseMs}, ${opts.capMs})`);
  }

  /** The delay before the next try; each call is one more failure. */
  next(): number {
    const ceiling = Math.min(this.opts.capMs, this.opts.baseMs * 2 ** Math.min(this.attempt, 40));
    this.attempt++;
    // Never below base/2: a zero delay would hammer a broker that just refused us.
    return Math.max(this.opts.baseMs / 2, (this.opts.random ?? Math.random)() * ceiling);
  }

  /** A connection succeeded: start again from the base delay. */
  reset(): void {
    this.attempt = 0;
  }

  get failures(): number {
    return this.attempt;
  }
}
