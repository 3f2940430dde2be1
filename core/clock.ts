// One clock for every component (simulator, drivers' timestamps, gateway schedules,
// receiver), so a scenario can run at N× real time and a unit test can step time by hand.
// All durations given to a Clock are in clock milliseconds: at speed 60, `after(60_000)`
// fires after one real second.

export interface Timer {
  cancel(): void;
}

export interface Clock {
  /** Current time, UTC milliseconds. */
  now(): number;
  /** Clock milliseconds per real millisecond (1 for the system clock). */
  readonly speed: number;
  /** Run fn once after ms of clock time. */
  after(ms: number, fn: () => void): Timer;
  /** Run fn every ms of clock time until cancelled. */
  every(ms: number, fn: () => void): Timer;
  /** Resolve after ms of clock time. */
  sleep(ms: number): Promise<void>;
}

/** Real time, or real time scaled: now = origin + (Date.now() − anchor) × speed. */
export class ScaledClock implements Clock {
  readonly speed: number;
  readonly origin: number;
  readonly anchor: number;

  /**
   * @param speed  clock ms per real ms
   * @param origin clock time at the anchor (default: the anchor itself)
   * @param anchor real Date.now() at which the clock read `origin`. Two processes given the
   *               same (speed, origin, anchor) read the same time.
   */
  constructor(opts: { speed?: number; origin?: number; anchor?: number } = {}) {
    this.speed = opts.speed ?? 1;
    if (!(this.speed > 0) || !Number.isFinite(this.speed)) throw new RangeError(`clock speed must be a positive number, got ${opts.speed}`);
    this.anchor = opts.anchor ?? Date.now();
    this.origin = opts.origin ?? this.anchor;
  }

  now(): number {
    return this.origin + (Date.now() - this.anchor) * this.speed;
  }

  after(ms: number, fn: () => void): Timer {
    const t = setTimeout(fn, Math.max(0, ms / this.speed));
    return { cancel: () => clearTimeout(t) };
  }

  every(ms: number, fn: () => void): Timer {
    const t = setInterval(fn, Math.max(1, ms / this.speed));
    return { cancel: () => clearInterval(t) };
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.after(ms, resolve));
  }

  /** The arguments another process needs to share this clock (see `--clock`). */
  toSpec(): string {
    return `${this.speed}@${this.origin}@${this.anchor}`;
  }

  static fromSpec(spec: string): ScaledClock {
    const [speed, origin, anchor] = spec.split('@').map(Number);
    if (speed === undefined || origin === undefined || anchor === undefined || [speed, origin, anchor].some((n) => !Number.isFinite(n))) {
      throw new RangeError(`clock spec must be speed@origin@anchor (numbers), got "${spec}"`);
    }
    return new ScaledClock({ speed, origin, anchor });
  }
}

export const systemClock: Clock = new ScaledClock();

interface ManualTimer {
  due: number;
  every: number | null;
  fn: () => void;
  cancelled: boolean;
  order: number;
}

/** A clock that moves only when told to: for deterministic unit tests. */
export class ManualClock implements Clock {
  readonly speed = 1;
  private t: number;
  private timers: ManualTimer[] = [];
  private order = 0;

  constructor(start = Date.UTC(2026, 0, 1)) {
    this.t = start;
  }

  now(): number {
    return this.t;
  }

  after(ms: number, fn: () => void): Timer {
    return this.add(ms, null, fn);
  }

  every(ms: number, fn: () => void): Timer {
    return this.add(ms, Math.max(1, ms), fn);
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.after(ms, resolve));
  }

  /** Move time forward by ms, firing due timers in order. */
  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      const next = this.timers.filter((x) => !x.cancelled && x.due <= end).sort((a, b) => a.due - b.due || a.order - b.order)[0];
      if (!next) break;
      this.t = Math.max(this.t, next.due);
      if (next.every !== null) next.due += next.every;
      else next.cancelled = true;
      next.fn();
    }
    this.t = end;
    this.timers = this.timers.filter((x) => !x.cancelled);
  }

  private add(ms: number, every: number | null, fn: () => void): Timer {
    const timer: ManualTimer = { due: this.t + Math.max(0, ms), every, fn, cancelled: false, order: this.order++ };
    this.timers.push(timer);
    return { cancel: () => { timer.cancelled = true; } };
  }
}
