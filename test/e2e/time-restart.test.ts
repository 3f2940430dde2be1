// Time without a clock across a crash (issue #10 part 4): `bonin run` starts with its board
// clock in 1970 and no time source reachable, is SIGKILLed, starts again in the same boot,
// and only then does the link come up and the central system's ack give the time. The
// readings of both processes get their true times (CLOCK_MONOTONIC is shared by the
// processes of a boot) and reach the receiver; none carries a 1970 time.
import Database from 'better-sqlite3';
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { ScaledClock } from '../../core/index.ts';
import { BUILD_FLOOR_MS } from '../../gateway/time/floor.ts';
import { STATION, startRig } from '../helpers/station.ts';
import { lost, notYetDelivered, readStationFile } from '../helpers/station-file.ts';
import { waitFor } from '../helpers/wait.ts';

const BONIN = resolve(dirname(fileURLToPath(import.meta.url)), '../../bin/bonin.js');
const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

const exited = (p: ChildProcess) => new Promise<void>((r) => (p.exitCode !== null || p.signalCode !== null ? r() : p.once('exit', () => r())));

function read(path: string) {
  let db: Database.Database;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
  } catch {
    return null; // not created yet
  }
  try {
    const n = (sql: string, ...a: unknown[]) => (db.prepare(sql).get(...a) as { n: number }).n;
    return {
      raw: n('SELECT count(*) AS n FROM raw_obs'),
      uncertain: n('SELECT count(*) AS n FROM raw_obs WHERE qc_flag IS NOT NULL'),
      beforeFloorKnown: n('SELECT count(*) AS n FROM raw_obs WHERE ts < ? AND qc_flag IS NULL', BUILD_FLOOR_MS),
      minutes: n('SELECT count(*) AS n FROM minute_records'),
      outbox: n('SELECT count(*) AS n FROM outbox WHERE n_records > 0'),
      keys: db.prepare('SELECT sensor, ts FROM minute_records ORDER BY ts').all() as Array<{ sensor: string; ts: number }>,
      firstReading: (db.prepare('SELECT min(ts) AS t FROM raw_obs').get() as { t: number | null }).t,
    };
  } catch {
    return null; // created but not yet migrated
  } finally {
    db.close();
  }
}

describe('time without a clock across a SIGKILL (bonin run, real PTY, real Mosquitto)', () => {
  it('readings of a killed and a restarted process, both before the time was known, all get their true times', async () => {
    const truth = new ScaledClock({ speed: 30 });
    const wrong = new ScaledClock({ speed: 30, origin: Date.UTC(1970, 0, 1, 0, 0, 3), anchor: truth.anchor });
    const rig = await startRig(truth, { sharedReads: true });
    cleanup.push(() => rig.stop());
    await rig.broker.stop(); // no link, so no ack: no time
    const configPath = join(rig.dir, 'station-time.json');
    writeFileSync(configPath, JSON.stringify({ ...rig.config, nowcast: { enabled: false }, time: { require_sync: true, sources: ['ack'], probe_every_s: 60 } }));
    const db = rig.config.storage.path;
    const run = () => {
      const p = spawn(process.execPath, [BONIN, 'run', '--config', configPath, '--clock', wrong.toSpec()], { stdio: ['ignore', 'ignore', 'pipe'] });
      p.stderr!.on('data', () => {});
      cleanup.push(() => { p.kill('SIGKILL'); });
      return p;
    };
    const startedTrue = truth.now();

    const first = run();
    await waitFor('the first process to store readings', () => (read(db)?.raw ?? 0) > 50, 60_000, 200);
    first.kill('SIGKILL');
    await exited(first);
    const afterFirst = read(db)!;
    expect(afterFirst).not.toBeNull();
    expect(afterFirst.uncertain).toBe(afterFirst.raw);
    expect(afterFirst.minutes).toBe(0);

    const second = run();
    await waitFor('the second process to store readings', () => (read(db)?.raw ?? 0) > afterFirst.raw + 50, 60_000, 200);
    expect(read(db)?.minutes).toBe(0);
    await rig.broker.restart(); // the link comes up: the probe's ack gives the time

    await waitFor('every held reading corrected', () => read(db)?.uncertain === 0, 60_000, 200);
    await truth.sleep(2 * 60_000);
    // delivered: the file's outbox lags the acks by up to a minute (they wait for the minute commit), the receiver does not
    await waitFor('minutes delivered', () => { const r = read(db); return !!r && r.minutes >= 3 && notYetDelivered(rig.receiver, STATION, r.keys).length === 0; }, 60_000, 200);
    second.kill('SIGTERM');
    await exited(second);

    const s = read(db)!;
    expect(s.beforeFloorKnown).toBe(0);
    expect(s.keys.length).toBeGreaterThanOrEqual(3);
    // The first process's readings are at their true time (after the test started, give or take
    // an ack's transit), and the first minute is theirs.
    expect(s.firstReading!).toBeGreaterThanOrEqual(startedTrue - 30_000);
    expect(s.firstReading!).toBeLessThan(truth.now());
    expect(s.keys[0]!.ts).toBe(Math.floor(s.firstReading! / 60_000) * 60_000);
    for (const k of s.keys) expect(k.ts).toBeGreaterThanOrEqual(Math.floor((startedTrue - 30_000) / 60_000) * 60_000);
    // every minute at the receiver, or (committed in the instant before the stop) still in the outbox for the next run
    const file = readStationFile(db);
    expect(lost(rig.receiver, STATION, file)).toEqual([]);
    expect(rig.receiver.store.counts().records).toBe(s.keys.length - notYetDelivered(rig.receiver, STATION, file.keys).length);
  });
});
