// Issue 11: the central side under many stations. One real Mosquitto, `bonin receiver`
// processes on one `$share` group and one SQLite file, and 500 virtual stations
// (gateway/fleet: the gateway's own Outbox + Uplink each) in this process.
//
// - receiver_records_per_s_{1,2,4}: each station holds a backlog of FLEET_BACKLOG_H hours
//   (default 2: 120 minutes + their 10-min and hourly aggregates, one batch a minute as a
//   gateway commits them; built once, drained by each run from a copy); all 500 connect
//   together; records stored at the centre ÷ real seconds from the start of the uplinks to
//   the last outbox empty. Beside it, records per CPU second of the receiver processes.
// - reconnect_storm_seconds: 500 stations whose links all return in the same instant after
//   an outage of FLEET_STORM_H hours (default 6, so that the whole fleet bench stays within a
//   few minutes; FLEET_STORM_H=24 for the day-long typhoon of issue 11), 2 receivers, until
//   every outbox is empty. The backlog is committed minute by minute before the clock starts
//   (as during the outage: the stations had no link): setup, not measured.
// CPU seconds of each process are reported beside the figures: on 2 cores the stations,
// the broker and the receivers share the machine, which is what limits the scaling.
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { ScaledClock } from '../core/index.ts';
import { FleetClock } from '../gateway/fleet/fleet-clock.ts';
import { Fleet } from '../gateway/fleet/fleet.ts';
import { createLogger } from '../gateway/log.ts';
import { Mosquitto } from '../test/helpers/mosquitto.ts';
import { cpuSeconds, startReceiverProcess, type ReceiverProcess } from '../test/helpers/receiver-process.ts';

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 7, 1);

export interface DrainRun {
  receivers: number; stations: number; backlogHours: number;
  records: number; seconds: number; recordsPerS: number;
  /** records stored ÷ CPU seconds the receiver processes used: their capacity, whatever else runs on the machine */
  recordsPerReceiverCpuS: number;
  duplicateBatches: number; messages: number; loadAvg: number;
  cpu: { fleet: number; broker: number; receivers: number[] };
}

/** Every station's database holding `hours` of backlog (one batch a minute), built once and drained by each run. */
export async function backlogImages(hours: number, stations = 500): Promise<{ images: Buffer[]; seconds: number }> {
  const clock = new FleetClock(new ScaledClock({ speed: 1, origin: T0 + hours * HOUR }));
  const fleet = await Fleet.create({ stations, broker: 'mqtt://127.0.0.1:1', clock, log: createLogger({ level: 'silent' }) });
  const t = performance.now();
  fleet.backfill(T0, T0 + hours * HOUR);
  const images = fleet.snapshot();
  const seconds = round((performance.now() - t) / 1000, 1);
  await fleet.stop();
  clock.stop();
  return { images, seconds };
}

/** The stations of `images` connect together and drain through `receivers` receiver processes. */
export async function drainRun(receivers: number, backlog: { images: Buffer[]; hours: number }, timeoutMs = 300_000): Promise<DrainRun> {
  const dir = mkdtempSync(join(tmpdir(), 'bonin-fleet-bench-'));
  const broker = await Mosquitto.start();
  const rx: ReceiverProcess[] = [];
  let fleet: Fleet | null = null;
  // Real time (speed 1) and a 10-minute resend: on a loaded machine a slow ack must not look
  // like a lost message, or the figure would measure resends.
  const clock = new FleetClock(new ScaledClock({ speed: 1, origin: T0 + backlog.hours * HOUR + 60_000 }));
  try {
    const db = join(dir, 'central.db');
    for (let i = 0; i < receivers; i++) rx.push(await startReceiverProcess(broker.url, db, 'bench'));
    fleet = await Fleet.create({
      stations: backlog.images.length, broker: broker.url, clock, log: createLogger({ level: 'silent' }),
      images: backlog.images, uplink: { resendAfterMs: 600_000 },
    });
    const brokerPid = (broker as unknown as { proc: { pid: number } }).proc.pid;
    const cpu0 = { fleet: process.cpuUsage(), broker: cpuSeconds(brokerPid), receivers: rx.map((r) => cpuSeconds(r.proc.pid!)) };
    const loadAvg = round(loadavg()[0]!, 1);
    const t = performance.now();
    fleet.start({ produce: false });
    const until = Date.now() + timeoutMs;
    while (!fleet.drained()) {
      if (Date.now() > until) throw new Error(`fleet bench: outboxes not empty after ${timeoutMs / 1000} s (${JSON.stringify(fleet.totals())})`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const seconds = (performance.now() - t) / 1000;
    const fleetCpu = process.cpuUsage(cpu0.fleet);
    const cpu = {
      fleet: round((fleetCpu.user + fleetCpu.system) / 1e6, 1),
      broker: round(cpuSeconds(brokerPid) - cpu0.broker, 1),
      receivers: rx.map((r, i) => round(cpuSeconds(r.proc.pid!) - cpu0.receivers[i]!, 1)),
    };
    const central = new Database(db, { readonly: true });
    const records = (central.prepare('SELECT count(*) AS n FROM records').get() as { n: number }).n;
    const dup = (central.prepare("SELECT n FROM counters WHERE name = 'duplicate_batches'").get() as { n: number } | undefined)?.n ?? 0;
    central.close();
    const rxCpu = cpu.receivers.reduce((a, b) => a + b, 0);
    return {
      receivers, stations: backlog.images.length, backlogHours: backlog.hours, records, seconds: round(seconds, 2), recordsPerS: Math.round(records / seconds),
      recordsPerReceiverCpuS: Math.round(records / rxCpu), duplicateBatches: dup, messages: fleet.totals().messages, loadAvg, cpu,
    };
  } finally {
    await fleet?.stop();
    clock.stop();
    for (const r of rx) await r.kill();
    await broker.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

const round = (v: number, d: number) => Math.round(v * 10 ** d) / 10 ** d;

export async function benchFleet(): Promise<Record<string, unknown>> {
  const hours = Number(process.env.FLEET_BACKLOG_H ?? 2);
  const stormHours = Number(process.env.FLEET_STORM_H ?? 6);
  const backlog = await backlogImages(hours);
  const runs: DrainRun[] = [];
  for (const n of [1, 2, 4]) {
    runs.push(await drainRun(n, { images: backlog.images, hours }));
    process.stderr.write(`fleet bench: ${JSON.stringify(runs.at(-1))}\n`);
  }
  const stormBacklog = await backlogImages(stormHours);
  const storm = await drainRun(2, { images: stormBacklog.images, hours: stormHours });
  process.stderr.write(`fleet bench (storm): ${JSON.stringify(storm)}\n`);
  const [r1, r2, r4] = runs;
  return {
    receiver_records_per_s_1: r1!.recordsPerS,
    receiver_records_per_s_2: r2!.recordsPerS,
    receiver_records_per_s_4: r4!.recordsPerS,
    reconnect_storm_seconds: storm.seconds,
    reconnect_storm_outage_hours: stormHours,
    fleet_bench: { backfillSeconds: backlog.seconds, stormBackfillSeconds: stormBacklog.seconds, drains: runs, storm },
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  void benchFleet().then((r) => console.log(JSON.stringify(r)));
}
