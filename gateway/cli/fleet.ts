// `bonin sim --stations N`: N light virtual stations against a central broker (issue 11),
// each a real uplink client (gateway/fleet). Prints a progress line every 5 s; with
// `--minutes` it stops producing after that much simulated time, waits for every outbox to
// drain and prints a JSON summary as its last line (exit 1 if something stayed behind).
import { readFileSync } from 'node:fs';
import { ScaledClock } from '../../core/index.ts';
import { FleetClock } from '../fleet/fleet-clock.ts';
import { Fleet, type Outage } from '../fleet/fleet.ts';
import { createLogger } from '../log.ts';

export interface FleetCliOptions {
  stations: number; broker: string; speed: number; clock?: string; stagger: number;
  outage?: string[]; minutes?: number; dbDir?: string; resendAfter?: number;
  /** the centre's command public keys (PEM files): stations answer its signed gap requests */
  cmdPub?: string[];
}

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

function duration(text: string, spec: string): number {
  const m = /^(\d+(?:\.\d+)?)([smhd])$/.exec(text);
  if (!m) throw new Error(`--outage "${spec}": "${text}" is not a duration (a number and s, m, h or d, e.g. 90m)`);
  return Number(m[1]) * UNIT_MS[m[2]!]!;
}

/** `TARGET@START+DURATION` (START from the fleet's start): `hahajima@1h+24h`, `*@30m+2h`, `0-392-9-CHI0001@0s+10m`. */
export function parseOutage(spec: string, start: number): Outage {
  const m = /^([^@]+)@([^+]+)\+(.+)$/.exec(spec);
  if (!m) throw new Error(`--outage "${spec}": expected TARGET@START+DURATION, e.g. hahajima@1h+24h (TARGET an island, a station id or *)`);
  const from = start + duration(m[2]!, spec);
  return { target: m[1]!, from, to: from + duration(m[3]!, spec) };
}

export async function runFleet(opts: FleetCliOptions): Promise<void> {
  const base = opts.clock ? ScaledClock.fromSpec(opts.clock) : new ScaledClock({ speed: opts.speed });
  const clock = new FleetClock(base);
  const start = clock.now();
  let outages: Outage[];
  let commandKeys: string[];
  try {
    commandKeys = (opts.cmdPub ?? []).map((f) => {
      try { return readFileSync(f, 'utf8'); } catch (err) { throw new Error(`--cmd-pub ${f}: ${(err as Error).message}`); }
    });
    if (!(opts.stagger >= 0)) throw new Error(`--stagger must be a number of seconds ≥ 0, got ${opts.stagger}`);
    outages = (opts.outage ?? []).map((s) => parseOutage(s, start));
  } catch (err) {
    process.stderr.write(`bonin sim: ${(err as Error).message}\n`);
    process.exit(64);
  }
  const fleet = await Fleet.create({
    stations: Math.round(opts.stations), broker: opts.broker, clock, log: createLogger({ level: 'error' }),
    staggerMs: opts.stagger * 1000, outages, dbDir: opts.dbDir, commandKeys,
    // 30 s of clock is 0.5 real s at 60×: shorter than a loaded centre takes to ack, so every
    // batch would go twice. By default a station waits at least 5 real seconds.
    uplink: { resendAfterMs: (opts.resendAfter ?? Math.max(30, 5 * base.speed)) * 1000 },
  });
  fleet.start({ at: start });
  process.stdout.write(`fleet: ${fleet.stations.length} stations (${fleet.stations[0]?.id} …) → ${opts.broker}, clock ${base.toSpec()}${outages.length ? `, ${outages.length} outage(s)` : ''}\n`);
  const line = () => {
    const t = fleet.totals();
    const h = (clock.now() - start) / 3_600_000;
    return `fleet: +${h.toFixed(2)} h  started ${t.started}/${t.stations}  connected ${t.connected}  link down ${t.down}  committed ${t.committed}  acked ${t.acked}  outbox ${t.outboxBatches} batches  storms ${t.storms}`;
  };
  const progress = setInterval(() => process.stdout.write(`${line()}\n`), 5000);
  let stopping = false;
  const finish = async (drained: boolean) => {
    if (stopping) return;
    stopping = true;
    clearInterval(progress);
    const summary = { ...fleet.totals(), drained, simulatedHours: Math.round(((clock.now() - start) / 3_600_000) * 100) / 100, gates: fleet.gates?.stats ?? null };
    await fleet.stop();
    clock.stop();
    process.stdout.write(`${JSON.stringify(summary)}\n`);
    process.exit(drained ? 0 : 1);
  };
  process.on('SIGINT', () => void finish(fleet.drained()));
  process.on('SIGTERM', () => void finish(fleet.drained()));
  if (!opts.minutes) return;
  await clock.sleep(opts.minutes * 60_000 + 15_000); // + the last minute's close
  fleet.stopProducing();
  // Drain: the last outage must have ended; give it 10 min of real time at most.
  const until = Date.now() + 600_000;
  while (!fleet.drained() && Date.now() < until) await new Promise((r) => setTimeout(r, 500));
  await finish(fleet.drained());
}
