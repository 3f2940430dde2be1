// The soak (#10 item 7): a whole simulated station for N days at accelerated time — the
// gateway as its own process (`bonin run`, as systemd runs it), simulated sensors on PTYs, a
// real Mosquitto behind the satellite-link simulator, the reference receiver — with the
// faults of test/soak/faults.ts, and a phone left on the status page. It samples the
// gateway's RSS and the station folder's size every simulated hour and writes a JSON report:
// memory growth per simulated day (a line fitted after warm-up), the most disk used against
// the configured caps, records at the receiver against minutes simulated, duplicates.
// It always ends: the run is N simulated days, and every wait after it has a deadline.
import Database from 'better-sqlite3';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { ScaledClock } from '../../core/index.ts';
import { STATION_NODE_FLAGS } from '../../core/node-flags.ts';
import { startSimulation } from '../../hw-sim/index.ts';
import { startSatelliteLink } from '../../hw-sim/link/satellite-link.ts';
import { Receiver } from '../../hw-sim/receiver/index.ts';
import { Mosquitto } from '../helpers/mosquitto.ts';
import { dirBytes, pooledSlope, rssBytes } from '../helpers/proc.ts';
import { waitFor } from '../helpers/wait.ts';
import { faultSchedule, type FaultEvent } from './faults.ts';

const BONIN = resolve(dirname(fileURLToPath(import.meta.url)), '../../bin/bonin.js');
export const SOAK_STATION = 'SOAK-47971';
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

export interface SoakOptions {
  days: number;
  /** simulated ms per real ms */
  speed: number;
  seed?: number;
  /** the station's folder (a small tmpfs when the caller can mount one); default a temp folder */
  dir?: string;
  quotaMb?: number;
  reserveMb?: number;
  log?: (line: string) => void;
  /** mount a tmpfs of this many MB as the station's folder (root only; otherwise the folder is on the test's disk) */
  tmpfsMb?: number;
  /** keep the gateway's log here (outside the station's folder, so it outlives the run), 10 files of 10 MB; default in the station folder, 3 × 1 MB */
  logDir?: string;
}

export interface SoakReport {
  days: number; speed: number; seed: number; realSeconds: number;
  devices: string[];
  /** frames the station stored and the newest one's time (null without a camera) */
  camera: { frames: number; withThumbnail: number } | null;
  faults: Record<string, number>;
  /** the gateway died by itself (restarted at once, as systemd would): when, how, its last stderr */
  crashes: Array<{ day: number; code: number | null; signal: string | null; stderr: string }>;
  memory: { samples: number; warmupDays: number; rssGrowthMbPerDay: number | null; rssFirstMb: number; rssMaxMb: number; rssLastMb: number; perInstance: Array<{ instance: number; fromDay: number; toDay: number; firstMb: number; lastMb: number; maxMb: number }> };
  disk: { tmpfsMb: number | null; quotaMb: number; reserveMb: number; logCapMb: number; framesMb: number; maxStationDirMb: number; maxDbMb: number; maxWalMb: number; maxLogMb: number; lastStationDirMb: number; capMb: number };
  data: { minutesSimulated: number; gatewayDownMinutes: number; perSensor: Record<string, number>; expectedPerSensor: number; minRatio: number; duplicateRecords: number; duplicateBatches: number; outboxLeft: number; notAtReceiver: number; evictedUnsentBatches: number;
    /** gaps in each serial sensor's minutes at the receiver; explained: it began while the gateway was stopping, down or starting */
    gaps: Array<{ sensor: string; day: number; minutes: number; explained: boolean }>; unexplainedGapMinutes: number };
  statusPage: { requests: number; failures: number; firstFailure: string | null };
  /** each scheduled stop and start of the gateway: how long, in real seconds, and whether SIGTERM was enough */
  restarts: Array<{ day: number; kind: 'restart' | 'kill' | 'crash'; stopSeconds: number; killedAfterTimeout: boolean; startSeconds: number }>;
  /** turns of the harness loop that took over 2 real s (the simulated devices live in this process: a stall starves the gateway), and the longest event-loop delay */
  harness: { stalls: Array<{ day: number; seconds: number; step: string }>; maxEventLoopDelayMs: number };
}

export async function runSoak(o: SoakOptions): Promise<SoakReport> {
  const say = o.log ?? ((l: string) => process.stderr.write(`${l}\n`));
  const seed = o.seed ?? 47971;
  const dir = o.dir ?? mkdtempSync(join(tmpdir(), 'bonin-soak-'));
  const quotaMb = o.quotaMb ?? 32;
  const reserveMb = o.reserveMb ?? 4;
  const logCap = o.logDir ? { max_file_mb: 10, files: 10 } : { max_file_mb: 1, files: 3 };
  const framesMb = 8;
  const stops: Array<() => Promise<void> | void> = [];
  const t0Real = Date.now();
  try {
    const clock = new ScaledClock({ speed: o.speed });
    const broker = await Mosquitto.start();
    stops.push(() => broker.stop());
    const receiver = new Receiver({ broker: broker.url, dbPath: join(dir, 'central', 'receiver.db'), group: 'soak', clock });
    await receiver.start();
    stops.push(() => receiver.stop());
    const link = await startSatelliteLink({ target: { host: '127.0.0.1', port: broker.port }, clock, bitsPerSecond: 64_000, latencyMs: 300 });
    stops.push(() => link.stop());
    // A station of three families: the WXT530 (1-s wind), a PTB330 barometer and an RG-15 rain gauge (polled).
    const kinds = ['vaisala-wxt530', 'vaisala-ptb330', 'hydreon-rg15'];
    // … and one ONVIF camera (issue 8) on loopback, a snapshot every 10 simulated minutes.
    const sim = await startSimulation({ clock, scenario: 'trade-wind', expose: 'pty', dir: join(dir, 'dev'), seed, devices: kinds.map((kind) => ({ kind })), cameras: [{ name: 'Soak east', user: 'bonin', password: 'soak-camera' }] });
    stops.push(() => sim.stop());
    const stationDir = join(dir, 'station');
    // The station's own disk: a tmpfs of a fixed size when we may mount one (root), as an SD card's partition is.
    const tmpfs = o.tmpfsMb ? mountTmpfs(stationDir, o.tmpfsMb) : false;
    if (tmpfs) stops.push(() => { execFileSync('umount', ['-l', stationDir]); });
    const config = {
      station: { id: SOAK_STATION, name: 'Soak', latitude: 27.0917, longitude: 142.1917, elevation_m: 3 },
      storage: { path: join(stationDir, 'station.db'), quota_mb: quotaMb, reserve_mb: reserveMb },
      uplink: { broker: link.url, resend_after_s: 60, keepalive_s: 10, reconnect_min_s: 1, reconnect_max_s: 60 },
      sensors: sim.devices.map((d) => ({ id: d.name, type: d.kind, port: d.path })),
      log: { level: 'info', file: join(o.logDir ?? join(stationDir, 'log'), 'gateway.log'), ...logCap },
      cameras: { frames_quota_mb: framesMb, devices: sim.cameras.map((c, i) => ({ id: `cam${i + 1}`, xaddr: c.xaddr, user: 'bonin', password_file: join(dir, 'camera.pw'), interval_min: 10 })) },
      status_page: { host: '127.0.0.1', port: 0 },
      // SOAK_NOWCAST=0: without the nowcast, to tell its memory from the rest's
      ...(process.env.SOAK_NOWCAST === '0' ? { nowcast: { enabled: false } } : {}),
    };
    writeFileSync(join(dir, 'camera.pw'), 'soak-camera\n', { mode: 0o600 });
    const configPath = join(dir, 'station.json');
    writeFileSync(configPath, JSON.stringify(config, null, 2));

    // The gateway process, restarted by the schedule; each instance is a segment of the memory fit.
    let gw: ChildProcess | null = null;
    const stopping = new WeakSet<ChildProcess>();
    const crashes: SoakReport['crashes'] = [];
    let crashTail = '';
    let restartAfterCrash = false;
    let instance = 0;
    let pageUrl: string | null = null;
    const exited = (p: ChildProcess) => new Promise<void>((r) => (p.exitCode !== null || p.signalCode !== null ? r() : p.once('exit', () => r())));
    const startGateway = async () => {
      const since = Date.now() - 1000; // pino stamps lines with the real time, not the station's clock
      gw = spawn(process.execPath, [...STATION_NODE_FLAGS, BONIN, 'run', '--config', configPath, '--clock', clock.toSpec()], { stdio: ['ignore', 'ignore', 'pipe'] });
      const child = gw;
      child.stderr!.on('data', (b: Buffer) => {
        say(`gateway stderr: ${b.toString().trim()}`);
        crashTail = (crashTail + b.toString()).slice(-2000);
      });
      // A gateway that dies by itself is a finding; like systemd (Restart=on-failure), start it again.
      child.once('exit', (code, sig) => {
        if (stopping.has(child)) return;
        crashes.push({ day: round((clock.now() - start) / DAY, 3), code, signal: sig, stderr: crashTail.trim().split('\n').slice(0, 6).join(' | ') });
        restartAfterCrash = true;
      });
      instance++;
      await waitFor('the gateway status page to listen', () => (pageUrl = pageFromLog(config.log.file, since)) !== null, 60_000, 100);
    };
    stops.push(async () => { if (gw && gw.exitCode === null) { gw.kill('SIGKILL'); await exited(gw); } });
    /** real seconds to stop, and whether SIGTERM needed a SIGKILL after 30 s */
    const stopGateway = async (signal: 'SIGTERM' | 'SIGKILL') => {
      const p = gw!;
      const t = Date.now();
      stopping.add(p);
      p.kill(signal);
      await Promise.race([exited(p), new Promise((r) => setTimeout(r, 30_000))]);
      const killedAfterTimeout = p.exitCode === null && p.signalCode === null;
      if (killedAfterTimeout) {
        say(`soak: the gateway did not stop within 30 s of ${signal}; SIGKILL`);
        p.kill('SIGKILL');
        await exited(p);
      }
      return { stopSeconds: round((Date.now() - t) / 1000, 1), killedAfterTimeout };
    };
    const restarts: SoakReport['restarts'] = [];
    const timedStart = async () => {
      const t = Date.now();
      await startGateway();
      return round((Date.now() - t) / 1000, 1);
    };

    // (declared before the gateway starts: its exit handler reads it)
    const start = clock.now();
    const end = start + o.days * DAY;
    await startGateway();
    // the minutes a gateway spends starting (tsx, the database, the first port opens) it is not up: counted as down
    let downMs = clock.now() - start;
    /** clock-time windows the gateway was stopping, down or starting: a gap in the data there is explained */
    const stops_: Array<[number, number]> = [[start, clock.now()]];
    const schedule = faultSchedule({ days: o.days, devices: sim.devices.length, seed, camera: sim.cameras.length > 0 });
    const counts: Record<string, number> = {};
    const depth = { link: 0, broker: 0, unplug: new Map<number, number>(), noise: new Map<number, number>() };
    const apply = async (f: FaultEvent) => {
      counts[f.kind] = (counts[f.kind] ?? 0) + 1;
      const dev = f.device !== undefined ? sim.devices[f.device]! : null;
      const bump = (m: Map<number, number>, by: number) => { const n = (m.get(f.device!) ?? 0) + by; m.set(f.device!, n); return n; };
      switch (f.kind) {
        case 'unplug': if (bump(depth.unplug, 1) === 1 && dev?.exposure.kind === 'pty') await dev.exposure.unplug(); break;
        case 'replug': if (bump(depth.unplug, -1) === 0 && dev?.exposure.kind === 'pty') await dev.exposure.replug(); break;
        case 'noise-on': if (bump(depth.noise, 1) === 1) (dev!.twin as unknown as { setFaults(f: object): void }).setFaults({ noise: 0.3, tornLines: 0.1 }); break;
        case 'noise-off': if (bump(depth.noise, -1) === 0) (dev!.twin as unknown as { clearFaults(): void }).clearFaults(); break;
        case 'broker-down': if (++depth.broker === 1) await broker.stop(); break;
        case 'broker-up': if (--depth.broker === 0) await broker.restart(); break;
        case 'link-down': if (++depth.link === 1) link.setDown(true); break;
        case 'link-up': if (--depth.link === 0) link.setDown(false); break;
        case 'camera-off': sim.cameras[0]?.setFault('offline', true); break;
        case 'camera-on': sim.cameras[0]?.setFault('offline', false); break;
        case 'restart':
        case 'kill': {
          const t = clock.now();
          const stopped = await stopGateway(f.kind === 'kill' ? 'SIGKILL' : 'SIGTERM');
          restarts.push({ day: round((t - start) / DAY, 3), kind: f.kind, ...stopped, startSeconds: await timedStart() });
          say(`soak: ${f.kind} at day ${round((t - start) / DAY, 2)}: ${JSON.stringify(restarts.at(-1))}`);
          downMs += clock.now() - t;
          stops_.push([t, clock.now()]);
          break;
        }
        default: break;
      }
    };

    // The run: faults when due, a sample every simulated hour, the page polled as a phone would.
    const samples: Array<{ x: number; y: number; segment: number }> = [];
    const disk = { maxDir: 0, maxDb: 0, maxWal: 0, maxLog: 0 };
    const page: SoakReport['statusPage'] = { requests: 0, failures: 0, firstFailure: null };
    let next = 0;
    let nextSample = start;
    let nextPoll = start;
    let lastProgress = 0;
    const stalls: SoakReport['harness']['stalls'] = [];
    const loopDelay = monitorEventLoopDelay({ resolution: 20 });
    loopDelay.enable();
    stops.push(() => { loopDelay.disable(); });
    while (clock.now() < end) {
      const now = clock.now();
      const turn = Date.now();
      let step = 'restart after a crash';
      if (restartAfterCrash) {
        restartAfterCrash = false;
        crashTail = '';
        const t = clock.now();
        restarts.push({ day: crashes.at(-1)?.day ?? 0, kind: 'crash', stopSeconds: 0, killedAfterTimeout: false, startSeconds: await timedStart() });
        downMs += clock.now() - t;
        stops_.push([(crashes.at(-1)?.day ?? 0) * DAY + start, clock.now()]);
      }
      while (next < schedule.length && start + schedule[next]!.at <= now) {
        step = `fault ${schedule[next]!.kind}`;
        await apply(schedule[next++]!);
      }
      step = 'sample';
      if (now >= nextSample) {
        nextSample += HOUR;
        const rss = gw ? rssBytes((gw as ChildProcess).pid!) : null;
        if (rss !== null) samples.push({ x: (now - start) / DAY, y: rss / 2 ** 20, segment: instance });
        const st = config.storage.path;
        disk.maxDir = Math.max(disk.maxDir, dirBytes(stationDir));
        disk.maxDb = Math.max(disk.maxDb, fileSize(st));
        disk.maxWal = Math.max(disk.maxWal, fileSize(`${st}-wal`));
        disk.maxLog = Math.max(disk.maxLog, dirBytes(dirname(config.log.file)));
      }
      if (now >= nextPoll && pageUrl) {
        step = 'status page';
        nextPoll += 10 * MIN;
        page.requests++;
        // a phone gives up after a while too: a page that does not answer is a failure, not a stalled soak
        const why = await fetch(`${pageUrl}api/status`, { signal: AbortSignal.timeout(15_000) }).then((r) => (r.ok ? null : `HTTP ${r.status}`), (e: Error) => `${e.message} ${(e.cause as Error | undefined)?.message ?? ''}`.trim());
        if (why) { page.failures++; page.firstFailure ??= `day ${round((now - start) / DAY, 3)}: ${why}`; }
        if (Math.floor((now - start) / HOUR) % 6 === 0) await fetch(`${pageUrl}api/series`, { signal: AbortSignal.timeout(15_000) }).then((r) => r.arrayBuffer(), () => page.failures++);
      }
      if (Date.now() - lastProgress > 30_000) {
        step = 'progress line';
        lastProgress = Date.now();
        say(`soak: day ${((now - start) / DAY).toFixed(2)} of ${o.days}; rss ${samples.at(-1)?.y.toFixed(1) ?? '?'} MB; station folder ${(dirBytes(stationDir) / 2 ** 20).toFixed(1)} MB; receiver ${receiver.store.counts().records} records; event-loop delay max ${(loopDelay.max / 1e6).toFixed(0)} ms`);
      }
      const took = (Date.now() - turn) / 1000;
      if (took > 2) {
        stalls.push({ day: round((now - start) / DAY, 3), seconds: round(took, 1), step });
        say(`soak: the harness loop took ${took.toFixed(1)} s at day ${((now - start) / DAY).toFixed(2)} (${step})`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    // Every fault that is still on ends; the backlog drains (bounded), the gateway stops cleanly.
    if (depth.link > 0) link.setDown(false);
    if (depth.broker > 0) await broker.restart();
    const stationDb = () => new Database(config.storage.path, { readonly: true, fileMustExist: true });
    const outboxLeft = () => { const db = stationDb(); try { return (db.prepare('SELECT count(*) AS n FROM outbox').get() as { n: number }).n; } finally { db.close(); } };
    // the gateway holds its database alone (storage.shared_reads off): ask its status page how many batches wait
    const queued = () => fetch(`${pageUrl}api/status`, { signal: AbortSignal.timeout(5000) }).then((r) => r.json() as Promise<{ queue: { batches: number } }>).then((j) => j.queue.batches, () => -1);
    await waitFor('the outbox to drain after the run', async () => (await queued()) === 0, 180_000, 500).catch((e: Error) => say(`soak: ${e.message}`));
    await stopGateway('SIGTERM');
    const stoppedAt = clock.now(); // minutes closed while the backlog drained count too

    const db = stationDb();
    let notAtReceiver = 0;
    let evictedUnsentBatches = 0;
    try {
      for (const k of db.prepare('SELECT sensor, ts FROM minute_records').iterate() as Iterable<{ sensor: string; ts: number }>) if (!receiver.store.hasRecord(SOAK_STATION, k.sensor, k.ts)) notAtReceiver++;
      evictedUnsentBatches = (db.prepare("SELECT coalesce(sum(n), 0) AS n FROM evictions WHERE kind = 'batches'").get() as { n: number }).n;
    } finally {
      db.close();
    }
    const perSensor = Object.fromEntries((receiver.store.db.prepare("SELECT sensor, count(*) AS n FROM records WHERE station = ? AND period = '1min' GROUP BY sensor").all(SOAK_STATION) as Array<{ sensor: string; n: number }>).map((r) => [r.sensor, r.n]));
    const minutesSimulated = Math.floor((stoppedAt - start) / MIN);
    // minRatio is over the serial sensors: a camera has records only for the minutes with a snapshot
    const expected = minutesSimulated - Math.round(downMs / MIN);
    const rc = receiver.store.counts();
    // Every gap in a serial sensor's minutes at the receiver, and whether a gateway stop explains it.
    const gaps: SoakReport['data']['gaps'] = [];
    for (const d of sim.devices) {
      const ts = (receiver.store.db.prepare("SELECT ts FROM records WHERE station = ? AND sensor = ? AND period = '1min' ORDER BY ts").all(SOAK_STATION, d.name) as Array<{ ts: number }>).map((r) => r.ts);
      for (let i = 1; i < ts.length; i++) {
        if (ts[i]! - ts[i - 1]! <= MIN) continue;
        const from = ts[i - 1]! + MIN;
        const explained = stops_.some(([a, b]) => from >= a - 5 * MIN && from <= b + 5 * MIN);
        gaps.push({ sensor: d.name, day: round((from - start) / DAY, 3), minutes: Math.round((ts[i]! - from) / MIN), explained });
      }
    }
    const warmupDays = Math.min(1, o.days / 4);
    // after warm-up: each gateway instance's first simulated day (caches, JIT, the nowcast's runtime) is left out of the fit
    const firstX = new Map<number, number>();
    for (const s of samples) if (!firstX.has(s.segment)) firstX.set(s.segment, s.x);
    const fitted = samples.filter((s) => s.x - firstX.get(s.segment)! >= warmupDays);
    const bySeg = [...new Set(samples.map((s) => s.segment))].map((seg) => {
      const pts = samples.filter((s) => s.segment === seg);
      return { instance: seg, fromDay: round(pts[0]!.x), toDay: round(pts.at(-1)!.x), firstMb: round(pts[0]!.y), lastMb: round(pts.at(-1)!.y), maxMb: round(Math.max(...pts.map((p) => p.y))) };
    });
    const mb = (b: number) => round(b / 2 ** 20);
    const logCapMb = logCap.max_file_mb * logCap.files;
    return {
      days: o.days, speed: o.speed, seed, realSeconds: Math.round((Date.now() - t0Real) / 1000),
      devices: [...kinds, ...sim.cameras.map(() => 'onvif-camera')],
      camera: await cameraFigures(config.storage.path),
      faults: counts,
      crashes,
      memory: {
        samples: samples.length, warmupDays,
        rssGrowthMbPerDay: ((s) => (s === null ? null : round(s, 3)))(pooledSlope(fitted)),
        rssFirstMb: round(samples[0]?.y ?? 0), rssMaxMb: round(Math.max(0, ...samples.map((s) => s.y))), rssLastMb: round(samples.at(-1)?.y ?? 0),
        perInstance: bySeg,
      },
      disk: { tmpfsMb: tmpfs ? o.tmpfsMb! : null, quotaMb, reserveMb, logCapMb, framesMb, maxStationDirMb: mb(disk.maxDir), maxDbMb: mb(disk.maxDb), maxWalMb: mb(disk.maxWal), maxLogMb: mb(disk.maxLog), lastStationDirMb: mb(dirBytes(stationDir)), capMb: quotaMb + reserveMb + logCapMb + framesMb + WAL_ALLOWANCE_MB },
      data: { minutesSimulated, gatewayDownMinutes: Math.round(downMs / MIN), perSensor, expectedPerSensor: expected, minRatio: round(Math.min(...sim.devices.map((d) => (perSensor[d.name] ?? 0) / expected)), 4), duplicateRecords: rc.duplicateRecords, duplicateBatches: rc.duplicateBatches, outboxLeft: outboxLeft(), notAtReceiver, evictedUnsentBatches, gaps, unexplainedGapMinutes: gaps.filter((g) => !g.explained).reduce((n, g) => n + g.minutes, 0) },
      statusPage: page,
      restarts,
      harness: { stalls, maxEventLoopDelayMs: round(loopDelay.max / 1e6, 0) },
    };
  } finally {
    for (const f of stops.reverse()) await Promise.resolve(f()).catch(() => {});
    // a folder of its own (the test's) is removed; a given one keeps the run and its report
    if (!o.dir) try { rmSync(dir, { recursive: true, force: true }); } catch (e) { say(`soak: could not remove ${dir}: ${(e as Error).message}`); }
  }
}

/**
 * Beside the quota (live SQLite pages), the reserve file and the log cap, the database file
 * keeps up to a minute's growth before the next eviction, and the WAL grows to the
 * autocheckpoint size (1,000 pages, 4 MB) plus what one checkpoint cannot reset.
 */
export const WAL_ALLOWANCE_MB = 10;

async function cameraFigures(dbPath: string): Promise<SoakReport['camera']> {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    return db.prepare('SELECT count(*) AS frames, count(thumb) AS withThumbnail FROM frames').get() as { frames: number; withThumbnail: number };
  } catch {
    return null; // a gateway without the cameras' table
  } finally {
    db.close();
  }
}

function mountTmpfs(path: string, mb: number): boolean {
  mkdirSync(path, { recursive: true });
  if (process.getuid?.() !== 0) return false;
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${mb}m`, 'tmpfs', path], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
}

const round = (v: number, d = 2) => Math.round(v * 10 ** d) / 10 ** d;

function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

/**
 * The status page's URL from the gateway's log (it listens on a free port): the newest
 * "listening" line stamped at or after `since` (real ms), in the current or a rotated file.
 */
function pageFromLog(logFile: string, since: number): string | null {
  let best: { time: number; port: number } | null = null;
  for (const f of [logFile, ...Array.from({ length: 9 }, (_, i) => `${logFile}.${i + 1}`)]) {
    let text = '';
    try {
      text = readFileSync(f, 'utf8');
    } catch {
      continue;
    }
    for (const m of text.matchAll(/\{"level":30,"time":(\d+(?:\.\d+)?),[^\n]*"port":(\d+),[^\n]*"msg":"status page: listening"/g)) {
      const time = Number(m[1]);
      if (time >= since && (!best || time > best.time)) best = { time, port: Number(m[2]) };
    }
  }
  return best ? `http://127.0.0.1:${best.port}/` : null;
}
