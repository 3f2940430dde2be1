// One clock for hundreds of virtual stations in one process. A ScaledClock gives every
// `after`/`every` its own Node timer; 500 stations × (pump + reconnect + minute) timers is
// thousands of native timers firing out of step. FleetClock keeps the same time (it reads
// a ScaledClock) but holds every timer in one min-heap driven by a single native interval
// of `tickMs` real ms: one wake-up per tick serves the whole fleet, and timers of the same
// clock instant fire together, in the order they were set.
import { ScaledClock, type Clock, type Timer } from '../../core/index.ts';

interface Entry { due: number; every: number | null; fn: () => void; cancelled: boolean; order: number }

export class FleetClock implements Clock {
  readonly speed: number;
  private readonly heap: Entry[] = [];
  private order = 0;
  private ticker: ReturnType<typeof setInterval> | null = null;
  /** native wake-ups so far (for the bench: one per tick, whatever the number of stations) */
  ticks = 0;

  constructor(readonly base: ScaledClock, private readonly tickMs = 20) {
    this.speed = base.speed;
  }

  now(): number {
    return this.base.now();
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

  /** Timers still set (cancelled ones leave at their due time). */
  get pending(): number {
    return this.heap.filter((e) => !e.cancelled).length;
  }

  /** Stop the native interval; timers set later start it again. */
  stop(): void {
    if (this.ticker) clearInterval(this.ticker);
    this.ticker = null;
  }

  private add(ms: number, every: number | null, fn: () => void): Timer {
    const e: Entry = { due: this.now() + Math.max(0, ms), every, fn, cancelled: false, order: this.order++ };
    this.push(e);
    if (!this.ticker) this.ticker = setInterval(() => this.tick(), this.tickMs);
    return { cancel: () => { e.cancelled = true; } };
  }

  /** Fire every timer due by now. A periodic timer that fell far behind (a loaded machine) skips ahead instead of firing in a burst. */
  private tick(): void {
    this.ticks++;
    const now = this.now();
    let fired = 0;
    while (this.heap.length && this.heap[0]!.due <= now && fired < 100_000) {
      const e = this.pop()!;
      if (e.cancelled) continue;
      fired++;
      if (e.every !== null) {
        e.due += e.every;
        if (e.due <= now) e.due = now + e.every;
        e.order = this.order++;
        this.push(e);
      }
      e.fn();
    }
    if (!this.heap.length) this.stop();
  }

  private less(a: Entry, b: Entry): boolean {
    return a.due < b.due || (a.due === b.due && a.order < b.order);
  }

  private push(e: Entry): void {
    const h = this.heap;
    h.push(e);
    for (let i = h.length - 1; i > 0;) {
      const p = (i - 1) >> 1;
      if (!this.less(h[i]!, h[p]!)) break;
      [h[i], h[p]] = [h[p]!, h[i]!];
      i = p;
    }
  }

  private pop(): Entry | undefined {
    const h = this.heap;
    const top = h[0];
    const last = h.pop();
    if (!h.length || !last) return top;
    h[0] = last;
    for (let i = 0; ;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && this.less(h[l]!, h[m]!)) m = l;
      if (r < h.length && this.less(h[r]!, h[m]!)) m = r;
      if (m === i) break;
      [h[i], h[m]] = [h[m]!, h[i]!];
      i = m;
    }
    return top;
  }
}
