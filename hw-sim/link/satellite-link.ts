// A satellite link between a station and its broker: a TCP proxy on loopback that carries
// bytes at a set bit rate (e.g. 2400 bit/s Iridium-class, 64 kbit/s, 512 kbit/s), with a
// one-way latency, and goes down on an outage schedule (every connection cut, new ones
// refused until it ends). Time is the injected Clock's: under a ScaledClock at 1000× a
// 7-day outage lasts ten real minutes, and the bit rate is in clock time too, so figures
// measured through it (bytes per clock second) are the link's own.
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import type { Clock, Timer } from '../../core/index.ts';

export interface SatelliteLinkOptions {
  /** the broker behind the link */
  target: { host: string; port: number };
  clock: Clock;
  /** each direction, bits per clock second */
  bitsPerSecond: number;
  /** one way, clock ms. Default 0 */
  latencyMs?: number;
  /** clock-time windows when the link is down, [from, to) */
  outages?: Array<{ from: number; to: number }>;
  /** local port; default any free one */
  port?: number;
}

export interface LinkStats {
  /** bytes carried station → broker and broker → station */
  up: number;
  down: number;
  /** clock ms each direction spent sending */
  upBusyMs: number;
  downBusyMs: number;
  connections: number;
  refused: number;
  cuts: number;
}

/** One direction of the link: a FIFO serialised at the bit rate, delivered after the latency. */
class Pipe {
  private freeAt = 0; // clock time the pipe finishes what it has
  private timers = new Set<Timer>();
  constructor(private readonly link: SatelliteLink, private readonly to: Socket, private readonly count: (n: number, busyMs: number) => void) {}

  push(chunk: Buffer): void {
    const c = this.link.opts.clock;
    const now = c.now();
    const busyMs = (chunk.length * 8 * 1000) / this.link.opts.bitsPerSecond;
    const start = Math.max(now, this.freeAt);
    this.freeAt = start + busyMs;
    this.count(chunk.length, busyMs);
    const t = c.after(this.freeAt - now + (this.link.opts.latencyMs ?? 0), () => {
      this.timers.delete(t);
      if (!this.to.destroyed) this.to.write(chunk);
    });
    this.timers.add(t);
  }

  /** bytes not yet delivered are lost with the connection (as on a real cut) */
  drop(): void {
    for (const t of this.timers) t.cancel();
    this.timers.clear();
  }
}

export class SatelliteLink {
  readonly stats: LinkStats = { up: 0, down: 0, upBusyMs: 0, downBusyMs: 0, connections: 0, refused: 0, cuts: 0 };
  private server: Server | null = null;
  private readonly live = new Set<{ a: Socket; b: Socket; pipes: Pipe[] }>();
  private forcedDown = false;
  private outageTimers: Timer[] = [];
  port = 0;

  constructor(readonly opts: SatelliteLinkOptions) {
    if (!(opts.bitsPerSecond > 0)) throw new RangeError(`link: bitsPerSecond must be positive, got ${opts.bitsPerSecond}`);
  }

  get url(): string {
    return `mqtt://127.0.0.1:${this.port}`;
  }

  /** Down now, by the schedule or by hand. */
  get down(): boolean {
    const now = this.opts.clock.now();
    return this.forcedDown || (this.opts.outages ?? []).some((o) => now >= o.from && now < o.to);
  }

  async start(): Promise<this> {
    this.server = createServer((a) => this.accept(a));
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(this.opts.port ?? 0, '127.0.0.1', () => resolve());
    });
    this.port = (this.server.address() as { port: number }).port;
    const now = this.opts.clock.now();
    for (const o of this.opts.outages ?? []) if (o.from >= now) this.outageTimers.push(this.opts.clock.after(o.from - now, () => this.cutAll()));
    return this;
  }

  /** Take the link down (every connection cut) or bring it back, outside the schedule. */
  setDown(down: boolean): void {
    this.forcedDown = down;
    if (down) this.cutAll();
  }

  private accept(a: Socket): void {
    if (this.down) {
      this.stats.refused++;
      a.destroy();
      return;
    }
    this.stats.connections++;
    const b = createConnection(this.opts.target);
    const up = new Pipe(this, b, (n, ms) => { this.stats.up += n; this.stats.upBusyMs += ms; });
    const down = new Pipe(this, a, (n, ms) => { this.stats.down += n; this.stats.downBusyMs += ms; });
    const conn = { a, b, pipes: [up, down] };
    this.live.add(conn);
    a.on('data', (d) => up.push(d));
    b.on('data', (d) => down.push(d));
    const close = () => {
      if (!this.live.delete(conn)) return;
      up.drop();
      down.drop();
      a.destroy();
      b.destroy();
    };
    a.on('close', close);
    b.on('close', close);
    a.on('error', close);
    b.on('error', close);
  }

  private cutAll(): void {
    for (const c of [...this.live]) {
      this.stats.cuts++;
      c.a.destroy();
      c.b.destroy();
    }
  }

  async stop(): Promise<void> {
    for (const t of this.outageTimers) t.cancel();
    this.cutAll();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}

export async function startSatelliteLink(opts: SatelliteLinkOptions): Promise<SatelliteLink> {
  return new SatelliteLink(opts).start();
}
