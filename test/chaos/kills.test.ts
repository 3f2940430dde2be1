// Chaos (1): the gateway process (`bonin run`, the simulated WXT530 over a PTY) SIGKILLed at
// random instants during ingest and upload, and restarted each time; it uploads through
// the satellite-link simulator to a real Mosquitto. In the end every record it committed is
// at the receiver, once. 10 kills in `npm test`, 100 in `npm run chaos`.
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { ScaledClock } from '../../core/index.ts';
import { startSatelliteLink } from '../../hw-sim/link/satellite-link.ts';
import { STATION, startRig } from '../helpers/station.ts';
import { lost, notYetDelivered, readStationFile } from '../helpers/station-file.ts';
import { waitFor } from '../helpers/wait.ts';
import { audit } from './audit.ts';
import { report, rng, SCALE, sleep } from './scale.ts';

const BONIN = resolve(dirname(fileURLToPath(import.meta.url)), '../../bin/bonin.js');
const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

const exited = (p: ChildProcess) => new Promise<void>((r) => (p.exitCode !== null || p.signalCode !== null ? r() : p.once('exit', () => r())));

describe('chaos: a gateway SIGKILLed again and again', () => {
  it(`(1) ${SCALE.kills} SIGKILLs at random instants during ingest and upload: every committed record at the receiver, once`, async () => {
    const clock = new ScaledClock({ speed: 30 });
    const rig = await startRig(clock, { resendAfterS: 20, sharedReads: true });
    cleanup.push(() => rig.stop());
    const link = await startSatelliteLink({ target: { host: '127.0.0.1', port: rig.broker.port }, clock, bitsPerSecond: 64_000, latencyMs: 300 });
    cleanup.push(() => link.stop());
    writeFileSync(rig.configPath, JSON.stringify({ ...rig.config, uplink: { ...rig.config.uplink, broker: link.url } }, null, 2));
    const dbPath = rig.config.storage.path;
    const random = rng(47971);
    const start = () => {
      const child = spawn(process.execPath, [BONIN, 'run', '--config', rig.configPath, '--clock', clock.toSpec()], { stdio: ['ignore', 'ignore', 'pipe'] });
      child.stderr!.on('data', () => {}); // drained; the gateway logs to its file
      cleanup.push(() => { child.kill('SIGKILL'); });
      return child;
    };

    const t = Date.now();
    let abnormal = 0;
    for (let i = 0; i < SCALE.kills; i++) {
      const gw = start();
      // 0.8–3.3 s real (24–100 clock seconds): the process start, a minute's close, an upload.
      await sleep(800 + random() * 2500);
      if (gw.exitCode !== null) abnormal++; // it died by itself: that is a finding too
      gw.kill('SIGKILL');
      await exited(gw);
    }
    const committedBeforeFinal = readStationFile(dbPath).keys;
    expect(committedBeforeFinal.length).toBeGreaterThanOrEqual(3);

    const final = start();
    await clock.sleep(2 * 60_000);
    // what the killed runs committed, the final one delivers; what it commits itself keeps coming
    await waitFor('the final gateway to deliver what the killed ones committed', () => notYetDelivered(rig.receiver, STATION, committedBeforeFinal).length === 0, 60_000);
    final.kill('SIGTERM');
    await exited(final);

    const file = readStationFile(dbPath);
    // a record still in the outbox goes with the next run: waiting, not missing
    const waiting = file.keys.filter((k) => k.seq !== null && file.outboxSeqs.has(k.seq) && !rig.receiver.store.hasRecord(STATION, k.sensor, k.ts));
    const a = audit(rig.receiver, STATION, file.keys.filter((k) => !waiting.includes(k)));
    report('sigkill', { kills: SCALE.kills, diedByItself: abnormal, ...a, missing: a.missing.length, waitingInOutbox: waiting.length, linkConnections: link.stats.connections, seconds: Math.round((Date.now() - t) / 1000) });
    expect(abnormal).toBe(0);
    expect(lost(rig.receiver, STATION, file)).toEqual([]);
    expect(a.missing).toEqual([]);
    expect(a.receiverRecords).toBe(file.keys.length - waiting.length);
    expect(a.duplicateRecords).toBe(0);
  }, 30 * 60_000);
});
