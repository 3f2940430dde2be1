// (c) of issue #3: the gateway process SIGKILLed at 10 random instants and restarted. The
// receiver must hold every record the gateway committed, each once.
import Database from 'better-sqlite3';
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { ScaledClock } from '../../core/index.ts';
import { STATION, startRig } from '../helpers/station.ts';
import { waitFor } from '../helpers/wait.ts';

const BONIN = resolve(dirname(fileURLToPath(import.meta.url)), '../../bin/bonin.js');
const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

function startGateway(configPath: string, clock: ScaledClock): ChildProcess {
  const child = spawn(process.execPath, [BONIN, 'run', '--config', configPath, '--clock', clock.toSpec()], { stdio: ['ignore', 'ignore', 'pipe'] });
  child.stderr!.on('data', () => {}); // drained; the gateway logs to its file
  return child;
}

const exited = (p: ChildProcess) => new Promise<void>((r) => (p.exitCode !== null || p.signalCode !== null ? r() : p.once('exit', () => r())));

function readStation(path: string) {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const keys = db.prepare('SELECT sensor, ts FROM minute_records ORDER BY ts').all() as Array<{ sensor: string; ts: number }>;
    const outbox = (db.prepare('SELECT count(*) AS n FROM outbox').get() as { n: number }).n;
    return { keys, outbox };
  } finally {
    db.close();
  }
}

describe('a killed gateway loses nothing', () => {
  it('(c) SIGKILL at 10 random instants, restarted each time: every committed record at the receiver, once', async () => {
    const clock = new ScaledClock({ speed: 30 });
    const rig = await startRig(clock, { resendAfterS: 20, sharedReads: true });
    cleanup.push(() => rig.stop());
    const dbPath = rig.config.storage.path;
    let seed = 47971;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);

    for (let i = 0; i < 10; i++) {
      const gw = startGateway(rig.configPath, clock);
      cleanup.push(() => { gw.kill('SIGKILL'); });
      await new Promise((r) => setTimeout(r, 1500 + random() * 3500)); // 45–150 simulated seconds
      gw.kill('SIGKILL');
      await exited(gw);
    }
    const committedBeforeFinal = readStation(dbPath).keys.length;
    expect(committedBeforeFinal).toBeGreaterThanOrEqual(5);

    const final = startGateway(rig.configPath, clock);
    cleanup.push(() => { final.kill('SIGKILL'); });
    await clock.sleep(2 * 60_000);
    await waitFor('final gateway to drain its outbox', () => readStation(dbPath).outbox === 0, 30_000);
    final.kill('SIGTERM');
    await exited(final);

    const { keys, outbox } = readStation(dbPath);
    expect(outbox).toBe(0);
    const missing = keys.filter((k) => !rig.receiver.store.hasRecord(STATION, k.sensor, k.ts));
    expect(missing).toEqual([]);
    const rc = rig.receiver.store.counts();
    expect(rc.records).toBe(keys.length);
    expect(rc.duplicateRecords).toBe(0); // no record ever travelled in two different batches
  });
});
