// station_rss_mb, station_cpu_percent, sd_write_mb_per_day: a whole simulated station at real
// cadence (1×) — every sensor family of the simulator's catalog on its own PTY, the nowcast
// on, the status page on loopback, uploading to a real Mosquitto with the reference receiver
// acknowledging — and the gateway (`bonin run`, its own process, the station's Node flags)
// measured alone from /proc: RSS (VmRSS, the largest sample), CPU (utime + stime over the
// window / wall time, % of one core), bytes it made the disk write (write_bytes, scaled to a
// day: sd_commit_mb_per_day), plus what its WAL checkpoints write (sd_checkpoint_mb_per_day,
// see below and bench/wal-pages.ts). The database is on the machine's disk, not a tmpfs, so
// write_bytes is real.
// STATION_BENCH_WARMUP_S (default 60) and STATION_BENCH_WINDOW_S (default 600: one cycle of
// the station — ten minute closes, one camera snapshot, one 10-minute aggregate) set the times.
// STATION_BENCH_WEATHER=gale adds 12 m/s to the trade wind (a mean ≥ 13.9 m/s: severe weather,
// cameras.ts), so the camera snapshots every 2 minutes for the whole window: the station's
// writes in a storm (sd_write_mb_per_day with station_camera_severe true). Default: the trade
// wind as it comes (its showers may set severe weather off for part of a window).
// STATION_BENCH_KEEP=1 keeps the run's folder (printed on stderr) with keep.db and keep.db-wal,
// copies taken at the window's end (the gateway deletes its WAL when it stops): the window's
// WAL frames start at the printed wal0 offset, for a look at which tables the commits change.
// The nowcast is on but runs only once the station has hours of history, so its inference is
// not in the window (bench/nowcast.ts measures it: well under a millisecond a run).
import { spawn, type ChildProcess } from 'node:child_process';
import Database from 'better-sqlite3';
import { closeSync, copyFileSync, fsyncSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { systemClock } from '../core/index.ts';
import { openDatabase } from '../gateway/store/db.ts';
import { countRaw } from '../gateway/store/raw.ts';
import { STATION_NODE_FLAGS } from '../core/node-flags.ts';
import { SIM_CATALOG, startSimulation, tradeWindDay, type WeatherScenario } from '../hw-sim/index.ts';
import { Receiver } from '../hw-sim/receiver/index.ts';
import { Mosquitto } from '../test/helpers/mosquitto.ts';
import { cpuSeconds, rssBytes, writeBytes } from '../test/helpers/proc.ts';
import { checkpointBytesPerDay, walWindow } from './wal-pages.ts';

const BONIN = resolve(dirname(fileURLToPath(import.meta.url)), '../bin/bonin.js');

export interface StationFigures {
  station_rss_mb: number;
  station_rss_mean_mb: number;
  station_cpu_percent: number;
  sd_write_mb_per_day: number;
  sd_commit_mb_per_day: number;
  sd_checkpoint_mb_per_day: number;
  sd_checkpoint_at_end_mb_per_day: number;
  sd_wal_kb_per_min: number;
  station_raw_rows_per_s: number;
  station_raw_rows_per_s_by_sensor: Record<string, number>;
  station_sensors: number;
  station_cameras: number;
  station_window_s: number;
  station_loadavg_1min: number;
  /** the simulated weather (STATION_BENCH_WEATHER) */
  station_weather: string;
  /** did the camera go to severe-weather snapshots (gateway log)? */
  station_camera_severe: boolean;
  /** snapshots in the window that kept their full frame, and those that kept only thumbnail and features (cameras.frames_mb_per_day) */
  station_frames_kept: number;
  station_frames_not_kept: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const round = (v: number, d = 2) => Math.round(v * 10 ** d) / 10 ** d;

/** The trade wind 12 m/s stronger: severe weather for the cameras (mean wind ≥ 13.9 m/s) all along. */
function gale(clock: typeof systemClock): WeatherScenario {
  const base = tradeWindDay({ start: clock.now() });
  return { ...base, name: 'gale', description: 'the trade wind + 12 m/s', at: (ts: number) => { const s = base.at(ts); return { ...s, wind_speed: s.wind_speed + 12 }; } };
}

/**
 * A day of full frames already on the card (`mb` of them over the 24 hours before now): the
 * station's frame budget (cameras.frames_mb_per_day) as a storm's later hours find it.
 */
function seedFramesOfTheDay(dbPath: string, camera: string, mb: number): void {
  const FRAME = 37_000; // the simulated camera's 640 × 360 JPEG
  const n = Math.ceil((mb * 1024 * 1024) / FRAME);
  const dir = join(dirname(dbPath), 'frames', camera);
  mkdirSync(dir, { recursive: true });
  const db = openDatabase(dbPath);
  const insert = db.prepare('INSERT INTO frames (camera, ts, path, bytes, width, height, thumb, features, thumb_sent) VALUES (?, ?, ?, ?, 640, 360, ?, ?, ?)');
  const now = Date.now();
  db.transaction(() => {
    for (let i = 0; i < n; i++) {
      const ts = now - 86_400_000 + 60_000 + Math.round((i * (86_400_000 - 20 * 60_000)) / n);
      writeFileSync(join(dir, `${ts}.jpg`), Buffer.alloc(FRAME, 0xd8));
      insert.run(camera, ts, join(camera, `${ts}.jpg`), FRAME, Buffer.alloc(2500, 0xd8), '{}', ts + 1000);
    }
  })();
  db.close();
}

export async function benchStation(opts: { warmupS?: number; windowS?: number; commitMin?: number; weather?: 'trade-wind' | 'gale'; framesOfTheDayMb?: number } = {}): Promise<StationFigures> {
  const warmupS = opts.warmupS ?? Number(process.env.STATION_BENCH_WARMUP_S ?? 60);
  const windowS = opts.windowS ?? Number(process.env.STATION_BENCH_WINDOW_S ?? 600);
  // STATION_BENCH_COMMIT_MIN: storage.commit_every_min for this run (unset: the station default)
  const commitMin = opts.commitMin ?? (process.env.STATION_BENCH_COMMIT_MIN ? Number(process.env.STATION_BENCH_COMMIT_MIN) : undefined);
  const weather = opts.weather ?? (process.env.STATION_BENCH_WEATHER === 'gale' ? 'gale' : 'trade-wind');
  const dir = mkdtempSync(join(tmpdir(), 'bonin-bench-station-'));
  const stops: Array<() => Promise<void> | void> = [];
  try {
    const broker = await Mosquitto.start();
    stops.push(() => broker.stop());
    const receiver = new Receiver({ broker: broker.url, dbPath: join(dir, 'receiver.db'), group: 'bench', clock: systemClock });
    await receiver.start();
    stops.push(() => receiver.stop());
    const kinds = Object.keys(SIM_CATALOG);
    // … and one ONVIF camera on loopback (a snapshot every 10 minutes, the station default).
    const sim = await startSimulation({ clock: systemClock, scenario: weather === 'gale' ? gale(systemClock) : 'trade-wind', expose: 'pty', dir: join(dir, 'dev'), devices: kinds.map((kind) => ({ kind })), cameras: [{ name: 'Bench east', user: 'bonin', password: 'bench-camera' }] });
    writeFileSync(join(dir, 'camera.pw'), 'bench-camera\n', { mode: 0o600 });
    stops.push(() => sim.stop());
    const db = join(dir, 'station', 'station.db');
    const config = {
      station: { id: 'BENCH-47971', name: 'Bench', latitude: 27.0917, longitude: 142.1917, elevation_m: 3 },
      storage: { path: db, ...(commitMin ? { commit_every_min: commitMin } : {}) },
      ...(commitMin ? { watchdog: { store_stale_s: commitMin * 60 + 120 } } : {}),
      uplink: { broker: broker.url },
      sensors: sim.devices.map((d) => ({ id: d.name, type: d.kind, port: d.path })),
      log: { level: 'info', file: join(dir, 'station', 'gateway.log') },
      status_page: { host: '127.0.0.1', port: 0 },
      cameras: { devices: sim.cameras.map((c, i) => ({ id: `cam${i + 1}`, xaddr: c.xaddr, user: 'bonin', password_file: join(dir, 'camera.pw') })) },
    };
    writeFileSync(join(dir, 'station.json'), JSON.stringify(config, null, 2));
    if (opts.framesOfTheDayMb) seedFramesOfTheDay(db, 'cam1', opts.framesOfTheDayMb);
    const tStart = Date.now();
    const gw: ChildProcess = spawn(process.execPath, [...STATION_NODE_FLAGS, BONIN, 'run', '--config', join(dir, 'station.json')], { stdio: ['ignore', 'ignore', 'pipe'] });
    gw.stderr!.on('data', (b: Buffer) => process.stderr.write(`station bench gateway: ${b}`));
    stops.push(() => new Promise<void>((r) => { if (gw.exitCode !== null) return r(); gw.once('exit', () => r()); gw.kill('SIGTERM'); }));
    const pid = gw.pid!;

    await sleep(warmupS * 1000);
    if (gw.exitCode !== null) throw new Error(`the station bench gateway exited (${gw.exitCode}) during warm-up`);
    const cpu0 = cpuSeconds(pid)!;
    const tWall0 = Date.now();
    const w0 = writeBytes(pid)!;
    const wal0 = statSync(`${db}-wal`).size;
    if (process.env.STATION_BENCH_KEEP) process.stderr.write(`wal0 ${wal0}\n`);
    const t0 = performance.now();
    const rss: number[] = [];
    for (let t = 0; t < windowS; t += 5) {
      await sleep(5000);
      const r = rssBytes(pid);
      if (r === null) throw new Error('the station bench gateway exited during the measurement');
      rss.push(r / 2 ** 20);
    }
    const wall = (performance.now() - t0) / 1000;
    // What the disk is asked to hold: raw readings taken in the window, by sensor. Readings
    // wait up to a minute (raw_commit_s) in memory: count those of the window but its last
    // 65 s, all committed by now.
    const cpu = cpuSeconds(pid)! - cpu0;
    const written = writeBytes(pid)! - w0;
    // The gateway holds its database alone (locking_mode EXCLUSIVE, store/db.ts): read a copy
    // of the file and its WAL, as they are on the card (what a recovery after a crash reads).
    const copy = join(dir, 'copy.db');
    copyFileSync(db, copy);
    copyFileSync(`${db}-wal`, `${copy}-wal`);
    if (process.env.STATION_BENCH_KEEP) { copyFileSync(db, join(dir, 'keep.db')); copyFileSync(`${db}-wal`, join(dir, 'keep.db-wal')); }
    const countedUntil = Date.now() - 65_000;
    const counted = (countedUntil - tWall0) / 1000;
    const wal = walWindow(`${copy}-wal`, wal0);
    const rw = new Database(copy, { fileMustExist: true });
    const frames = rw.prepare("SELECT count(*) AS n, coalesce(sum(path = ''), 0) AS bare FROM frames WHERE ts >= ?").get(tWall0) as { n: number; bare: number };
    const rows = [...countRaw(rw, tWall0, countedUntil)].map(([sensor, n]) => ({ sensor, n })).sort((a, b) => b.n - a.n);
    // The WAL's pages go to the database file at a checkpoint, which the gateway makes every
    // 4 MB of WAL (store/db.ts): hours apart, never inside the window. Two figures for it:
    // sd_checkpoint_mb_per_day, what checkpoints at that cadence write, from the window's WAL
    // frames (bench/wal-pages.ts); and sd_checkpoint_at_end_mb_per_day, a checkpoint made here
    // on the copy, per day since the gateway started — an upper bound: it writes the
    // often-changed pages once per few minutes instead of once per 4 MB.
    // the copy's pages are written back first: Linux counts a page when it turns dirty, so a
    // checkpoint into pages still dirty from the copy would count nothing
    for (const f of [copy, `${copy}-wal`]) { const fd = openSync(f, 'r+'); fsyncSync(fd); closeSync(fd); }
    const own0 = writeBytes(process.pid)!;
    rw.pragma('wal_checkpoint(PASSIVE)');
    const checkpointed = writeBytes(process.pid)! - own0;
    rw.close();
    const checkpointPerDay = (checkpointed * 86_400_000) / (Date.now() - tStart) / 2 ** 20;
    const perDay = 86_400 / wall;
    return {
      station_rss_mb: round(Math.max(...rss), 1),
      station_rss_mean_mb: round(rss.reduce((a, b) => a + b, 0) / rss.length, 1),
      station_cpu_percent: round((cpu / wall) * 100),
      sd_write_mb_per_day: round((written * perDay + checkpointBytesPerDay(wal, wall)) / 2 ** 20, 1),
      sd_commit_mb_per_day: round((written * perDay) / 2 ** 20, 1),
      sd_checkpoint_mb_per_day: round(checkpointBytesPerDay(wal, wall) / 2 ** 20, 1),
      sd_checkpoint_at_end_mb_per_day: round(checkpointPerDay, 1),
      sd_wal_kb_per_min: round(wal.walBytes / 1024 / (wall / 60), 1),
      station_raw_rows_per_s: round(rows.reduce((a, r) => a + r.n, 0) / counted, 1),
      station_raw_rows_per_s_by_sensor: Object.fromEntries(rows.map((r) => [r.sensor, round(r.n / counted, 1)])),
      station_sensors: sim.devices.length,
      station_cameras: sim.cameras.length,
      station_window_s: Math.round(wall),
      station_loadavg_1min: round(loadavg()[0]!),
      station_weather: weather,
      station_camera_severe: readFileSync(join(dir, 'station', 'gateway.log'), 'utf8').includes('severe weather, snapshots more often'),
      station_frames_kept: frames.n - frames.bare,
      station_frames_not_kept: frames.bare,
    };
  } finally {
    for (const f of stops.reverse()) await Promise.resolve(f()).catch(() => {});
    if (process.env.STATION_BENCH_KEEP) process.stderr.write(`kept ${dir}\n`); else rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The SD figures of two more stations in a gale (STATION_BENCH_WEATHER=gale), side by side:
 * `_gale`, the storm's first hours (extra snapshots every 2 minutes while the day's frames are
 * under cameras.frames_mb_per_day), and `_gale_budget_spent`, its later hours (a day of frames
 * at the default 8 MB already on the card: the usual interval). A day-long gale writes the
 * first rate until its extra frames fill what the day's usual ones left of the budget, then the second.
 */
export async function benchStationGale(): Promise<Record<string, number | boolean>> {
  const [first, later] = await Promise.all([benchStation({ weather: 'gale' }), benchStation({ weather: 'gale', framesOfTheDayMb: 8 })]);
  const keys = ['sd_write_mb_per_day', 'sd_commit_mb_per_day', 'sd_checkpoint_mb_per_day', 'sd_wal_kb_per_min', 'station_camera_severe', 'station_frames_kept', 'station_frames_not_kept', 'station_cpu_percent'] as const;
  return { ...Object.fromEntries(keys.map((k) => [`${k}_gale`, first[k]])), ...Object.fromEntries(keys.map((k) => [`${k}_gale_budget_spent`, later[k]])) };
}

// STATION_BENCH_FRAMES_OF_THE_DAY_MB=8: start with a day of frames on the card (the budget spent)
if (process.argv[1] === fileURLToPath(import.meta.url)) process.stdout.write(`${JSON.stringify(await benchStation({ framesOfTheDayMb: Number(process.env.STATION_BENCH_FRAMES_OF_THE_DAY_MB ?? 0) }))}\n`);
