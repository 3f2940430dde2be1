// (c) of issue #3: the gateway process SIGKILLed at 10 random instants and restarted. The
// receiver must hold every record the gateway committed, each once.
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { ScaledClock } from '../../core/index.ts';
import { STATION, startRig } from '../helpers/station.ts';
import { lost, notYetDelivered, readStationFile } from '../helpers/station-file.ts';
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
    const committedBeforeFinal = readStationFile(dbPath).keys;
    expect(committedBeforeFinal.length).toBeGreaterThanOrEqual(5);

    const final = startGateway(rig.configPath, clock);
    cleanup.push(() => { final.kill('SIGKILL'); });
    await clock.sleep(2 * 60_000);
    // what the killed runs committed, the final one delivers; what it commits itself keeps coming
    await waitFor('final gateway to deliver what the killed ones committed', () => notYetDelivered(rig.receiver, STATION, committedBeforeFinal).length === 0, 30_000);
    final.kill('SIGTERM');
    await exited(final);

    const file = readStationFile(dbPath);
    expect(lost(rig.receiver, STATION, file)).toEqual([]);
    const rc = rig.receiver.store.counts();
    expect(rc.records).toBe(file.keys.length - notYetDelivered(rig.receiver, STATION, file.keys).length);
    expect(rc.duplicateRecords).toBe(0); // no record ever travelled in two different batches
  });
});
