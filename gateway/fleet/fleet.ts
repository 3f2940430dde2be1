// Many virtual stations in one process (`bonin sim --stations N`, the fleet bench and the
// fleet test): each a real uplink client with its own WIGOS-like id, seqs, outbox and the
// compact encoding, fed by generated minutes at accelerated time. Stations start staggered,
// belong to island groups, and go dark on an outage schedule (one station, one island, or
// all): when an island's outage ends every gate of the island opens at once — a reconnect
// storm, shaped only by the gateway's own backoff with jitter.
//
// Timers: one FleetClock (a heap on one native interval) for everything; the fleet adds one
// minute driver and one outage check for all stations, not one per station.
import type { Timer } from '../../core/index.ts';
import type { Logger } from '../log.ts';
import type { FleetClock } from './fleet-clock.ts';
import { IslandWeather } from './generator.ts';
import { LinkGates } from './link-gate.ts';
import { VirtualStation, type StationUplinkOptions } from './virtual-station.ts';

/** Island groups of the network and the code in their stations' ids. Stations are dealt round-robin. */
export const ISLANDS: Record<string, string> = { chichijima: 'CHI', hahajima: 'HAH', iwoto: 'IWO', minamitorishima: 'MTR', okinotorishima: 'OKI' };

/**
 * A WIGOS-like id: `0-392-9-<ISL><nnnn>` (series 0, Japan 392, issue number 9 — not one the
 * JMA issues: these stations are virtual — and a local id of the island code and a number).
 */
export const virtualStationId = (island: string, n: number): string => `0-392-9-${ISLANDS[island] ?? island.slice(0, 3).toUpperCase()}${String(n).padStart(4, '0')}`;

/** A window of clock time [from, to) when `target` (an island, a station id, or `*` for all) has no link. */
export interface Outage { target: string; from: number; to: number }

export interface FleetOptions {
  stations: number;
  /** mqtt://host:port of the central broker */
  broker: string;
  clock: FleetClock;
  log: Logger;
  islands?: string[];
  /** clock ms between one station's start and the next's (power-on after a supply run); default 0 */
  staggerMs?: number;
  outages?: Outage[];
  /** put each station behind a gate that can be cut (forced on when outages are given) */
  gated?: boolean;
  /** SQLite files here (one per station); default in memory */
  dbDir?: string;
  uplink?: StationUplinkOptions;
  /** the centre's Ed25519 public keys (PEM) the stations accept signed commands from */
  commandKeys?: string[];
  /** serialized station databases (Fleet.snapshot() of a fleet of the same size and islands) to start from */
  images?: Buffer[];
}

export interface FleetTotals {
  stations: number; started: number; connected: number; down: number;
  committed: number; acked: number; outboxBatches: number; outboxRecords: number;
  messages: number; reconnects: number; storms: number;
}

export class Fleet {
  readonly stations: VirtualStation[] = [];
  readonly gates: LinkGates | null;
  private readonly startedAt = new Map<VirtualStation, number>();
  private readonly timers: Timer[] = [];
  private producing = true;
  /** island outages that ended (every gate of the island opened in the same instant) */
  storms = 0;

  private constructor(private readonly o: FleetOptions) {
    const u = new URL(o.broker);
    this.gates = o.gated || o.outages?.length ? new LinkGates({ host: u.hostname, port: Number(u.port || 1883) }) : null;
  }

  static async create(o: FleetOptions): Promise<Fleet> {
    const fleet = new Fleet(o);
    const islands = o.islands?.length ? o.islands : Object.keys(ISLANDS);
    const weather = new Map(islands.map((name, i) => [name, new IslandWeather(i + 1)]));
    const perIsland = new Map<string, number>();
    for (let i = 0; i < o.stations; i++) {
      const island = islands[i % islands.length]!;
      const n = (perIsland.get(island) ?? 0) + 1;
      perIsland.set(island, n);
      const id = virtualStationId(island, n);
      const broker = fleet.gates ? await fleet.gates.open(id) : o.broker;
      fleet.stations.push(new VirtualStation({
        id, index: i, island, weather: weather.get(island)!, clock: o.clock, log: o.log, broker, dbDir: o.dbDir,
        closeDelayMs: 2000 + (i % 9) * 1000, uplink: o.uplink, image: o.images?.[i], commandKeys: o.commandKeys,
      }));
    }
    return fleet;
  }

  /** Fill every station's outbox with the minutes of [from, to) as if its link had been down (no MQTT). */
  backfill(from: number, to: number): number {
    return this.stations.reduce((n, s) => n + s.backfill(from, to), 0);
  }

  /** Every station's database as bytes (Fleet.create's `images`). */
  snapshot(): Buffer[] {
    return this.stations.map((s) => s.snapshot());
  }

  /**
   * Start the stations, one every `staggerMs` from `at`; each closes its minutes from its
   * start on. `produce: false` starts only the uplinks (a backlog to drain, nothing new).
   */
  start(opts: { at?: number; produce?: boolean } = {}): void {
    const c = this.o.clock;
    const at = opts.at ?? c.now();
    this.producing = opts.produce ?? true;
    const stagger = this.o.staggerMs ?? 0;
    this.stations.forEach((s, i) => {
      const go = () => { this.startedAt.set(s, at + i * stagger); s.start(); };
      if (stagger * i <= 0) go();
      else this.timers.push(c.after(stagger * i, go));
    });
    this.timers.push(c.every(5_000, () => this.closeMinutes()));
    if (this.o.outages?.length) {
      this.applyOutages();
      this.timers.push(c.every(1_000, () => this.applyOutages()));
    }
  }

  /** No more minutes from now on (the uplinks keep draining). */
  stopProducing(): void {
    this.producing = false;
  }

  private closeMinutes(): void {
    if (!this.producing) return;
    const now = this.o.clock.now();
    for (const [s, from] of this.startedAt) if (s.closeMinutesUntil(now, from) > 0) s.uplink.pump();
  }

  private applyOutages(): void {
    const now = this.o.clock.now();
    const active = (this.o.outages ?? []).filter((w) => now >= w.from && now < w.to);
    const opened = new Map<string, number>();
    for (const s of this.stations) {
      const down = active.some((w) => w.target === '*' || w.target === s.island || w.target === s.id);
      if (this.gates?.setDown(s.id, down) && !down) opened.set(s.island, (opened.get(s.island) ?? 0) + 1);
    }
    for (const [island, n] of opened) {
      if (n > 1) this.storms++;
      this.o.log.info({ island, stations: n }, 'fleet: link back; stations reconnect');
    }
  }

  totals(): FleetTotals {
    const t: FleetTotals = { stations: this.stations.length, started: 0, connected: 0, down: 0, committed: 0, acked: 0, outboxBatches: 0, outboxRecords: 0, messages: 0, reconnects: 0, storms: this.storms };
    for (const s of this.stations) {
      const c = s.outbox.counts();
      t.started += s.started ? 1 : 0;
      t.connected += s.uplink.connected ? 1 : 0;
      t.down += this.gates?.isDown(s.id) ? 1 : 0;
      t.committed += c.recordsCommitted;
      t.acked += c.recordsAcked;
      t.outboxBatches += c.outboxBatches;
      t.outboxRecords += c.outboxRecords;
      t.messages += s.uplink.stats.messages;
      t.reconnects += s.uplink.stats.reconnects;
    }
    return t;
  }

  /** Every outbox empty (each station's `SELECT count(*)`, no totals built). */
  drained(): boolean {
    const q = 'SELECT EXISTS (SELECT 1 FROM outbox) AS any';
    return this.stations.every((s) => (s.db.prepare(q).get() as { any: number }).any === 0);
  }

  async stop(): Promise<void> {
    for (const t of this.timers.splice(0)) t.cancel();
    for (let i = 0; i < this.stations.length; i += 50) await Promise.all(this.stations.slice(i, i + 50).map((s) => s.stop()));
    await this.gates?.close();
    for (const s of this.stations) s.close();
  }
}
