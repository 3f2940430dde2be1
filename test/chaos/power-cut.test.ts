// Chaos (6): power cut. A process committing a large backlog (transactions of 600 minutes)
// is SIGKILLed at random instants, mid-transaction most of the time, and started again. The
// SQLite file must pass `PRAGMA integrity_check`, hold whole transactions only, and then
// deliver every committed record through the satellite link to the receiver, once.
import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../core/index.ts';
import { waitFor } from '../helpers/wait.ts';
import { audit } from './audit.ts';
import { startLinkRig, STN } from './rig.ts';
import { report, rng, SCALE, sleep } from './scale.ts';

const WRITER = resolve(dirname(fileURLToPath(import.meta.url)), 'power-cut-writer.ts');
const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

/** Start the writer, let it run until it has committed something (or `minMs`), then kill -9 after a random delay. */
async function cutOnce(dbPath: string, random: () => number): Promise<{ progressed: boolean }> {
  const child = spawn(process.execPath, ['--import', 'tsx', WRITER, dbPath], { stdio: ['ignore', 'pipe', 'pipe'] });
  cleanup.push(() => { child.kill('SIGKILL'); });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const gone = new Promise<void>((r) => child.once('exit', () => r()));
  await waitFor('the writer to commit its first transaction', () => out.length > 0 || child.exitCode !== null, 30_000, 10);
  if (child.exitCode !== null) throw new Error(`power-cut writer exited ${child.exitCode}: ${err}`);
  await sleep(random() * 400);
  child.kill('SIGKILL');
  await gone;
  return { progressed: out.length > 0 };
}

describe('chaos: power cut during a write transaction', () => {
  it(`(6) kill -9 ${SCALE.powerCuts} times while a large backlog is committed: integrity_check ok, whole transactions only, all delivered once`, async () => {
    const random = rng(61);
    const dbPath = join(mkdtempSync(join(tmpdir(), 'bonin-powercut-')), 'station.db');
    for (let i = 0; i < SCALE.powerCuts; i++) await cutOnce(dbPath, random);

    const check = new Database(dbPath);
    const integrity = check.pragma('integrity_check', { simple: true });
    const records = (check.prepare('SELECT count(*) AS n FROM minute_records').get() as { n: number }).n;
    const untagged = (check.prepare('SELECT count(*) AS n FROM minute_records WHERE seq IS NULL').get() as { n: number }).n;
    const emptyPayload = (check.prepare("SELECT count(*) AS n FROM outbox WHERE payload = ''").get() as { n: number }).n;
    check.close();
    expect(integrity).toBe('ok');
    expect(records % 600).toBe(0); // no half transaction survived
    expect(untagged).toBe(0);
    expect(emptyPayload).toBe(0);

    const rig = await startLinkRig({ clock: systemClock, dbPath, bitsPerSecond: 512_000, latencyMs: 50, uplink: { maxMessageRecords: 600, inFlight: 8 } });
    cleanup.push(() => rig.stop());
    rig.uplink.start();
    const t = Date.now();
    await waitFor('the backlog to drain', () => rig.outbox.counts().outboxBatches === 0, 120_000);
    const keys = rig.outbox.committedKeys().map((k) => ({ ...k, seq: null }));
    const a = audit(rig.receiver, STN, keys);
    report('power-cut', { cuts: SCALE.powerCuts, integrity, records, ...a, missing: a.missing.length, drainMs: Date.now() - t, messages: rig.uplink.stats.messages });
    expect(a.missing).toEqual([]);
    expect(a.receiverRecords).toBe(records);
    expect(a.duplicateRecords).toBe(0);
    expect(rig.receiver.store.gaps(STN)).toEqual([]);
  }, 30 * 60_000);
});
