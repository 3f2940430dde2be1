// Signed model updates in the gateway's nowcast runner (issue #7 item 6), on the real LiteRT
// runtime with tiny synthetic models: a good signed model dropped in incoming/ is adopted at
// the next run and kept across a restart; a model saying 1e9 °C or NaN, an unsigned one or one
// signed with another key is rejected and the previous model keeps running.
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/index.ts';
import { generateSigningKeys, loadPrivateKey, signManifest } from '../../edge-model/signing.ts';
import { tinyModel, writeModel, type TinyModelOptions } from '../../edge-model/test-model.ts';
import { openDatabase, type Db } from '../store/index.ts';
import { NowcastModel, SHIPPED_MANIFEST } from '../../edge-model/nowcast.ts';
import { testRunModel } from './model-test-run.ts';
import { NowcastRunner, type NowcastMessage } from './nowcast.ts';
import { memoryLog, seedHours } from './nowcast-test-helpers.ts';

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 0, 10, 0, 0);
const keys = generateSigningKeys();
const priv = loadPrivateKey(keys.privatePem);

const signed = (o: TinyModelOptions, key = priv) => {
  const m = tinyModel(o);
  return { manifest: signManifest(m.manifest, key), bytes: m.bytes };
};

let runners: NowcastRunner[] = [];
afterEach(async () => {
  for (const r of runners) await r.stop();
  runners = [];
});

/** A runner configured with the signed tiny model v1, and a models folder. */
function rig(opts: { db?: Db; modelsDir?: string; clock?: ManualClock; hours?: number } = {}) {
  const root = mkdtempSync(join(tmpdir(), 'bonin-updates-'));
  const clock = opts.clock ?? new ManualClock(T0 + 5 * 60_000);
  const db = opts.db ?? openDatabase(':memory:');
  if (!opts.db && (opts.hours ?? 200) > 0) seedHours(db, T0 - (opts.hours ?? 200) * HOUR, T0);
  const configured = writeModel(join(root, 'configured'), signed({ version: 'v1' }));
  const modelsDir = opts.modelsDir ?? join(root, 'models');
  const { log, lines } = memoryLog();
  const sent: NowcastMessage[] = [];
  const runner = new NowcastRunner({
    db, clock, log, station: { id: 'TEST-1', longitude: 142.19 }, model: configured, publicKey: keys.publicPem, modelsDir,
    send: (body, done) => { sent.push(JSON.parse(body)); done(true); return true; },
  });
  runners.push(runner);
  return { clock, db, runner, sent, lines, modelsDir, incoming: join(modelsDir, 'incoming') };
}

const rejectedReasons = (modelsDir: string) =>
  readdirSync(join(modelsDir, 'rejected')).map((d) => readFileSync(join(modelsDir, 'rejected', d, 'reason.txt'), 'utf8'));

describe('nowcast model updates', () => {
  it('adopts a good signed model dropped in incoming/ at the next run, and a restart keeps it', async () => {
    const { runner, sent, incoming, modelsDir, db, clock } = rig();
    const first = await runner.run();
    expect('made' in first && first.made.model).toBe('v1');
    expect(runner.summary()).toMatchObject({ model: 'v1', model_source: 'configured' });

    writeModel(incoming, signed({ version: 'v2', changeBias: 0.2 }));
    const next = await runner.run(); // same hour: a nowcast by the new model is new
    expect('made' in next && next.made.model).toBe('v2');
    expect(sent.map((m) => m.model)).toEqual(['v1', 'v2']);
    const t1 = sent[1]!.values.find((v) => v.quantity === 'air_temperature' && v.horizon_h === 1)!;
    const t1Before = sent[0]!.values.find((v) => v.quantity === 'air_temperature' && v.horizon_h === 1)!;
    expect(t1.value).toBeGreaterThan(t1Before.value); // the new network runs, not the old one under a new name
    expect(runner.summary()).toMatchObject({ model: 'v2', model_source: 'adopted', updates: { adopted: 1, rejected: 0, last_adopted: { version: 'v2', tested_on: 'station' } } });
    expect(readdirSync(incoming)).toEqual([]);
    expect(readdirSync(join(modelsDir, 'active')).sort()).toEqual(['nowcast-v2.manifest.json', 'nowcast-v2.tflite']);

    await runner.stop();
    const again = rig({ db, modelsDir, clock }); // a restart: same store, same models folder
    clock.advance(HOUR);
    seedHours(db, T0, T0 + HOUR);
    const after = await again.runner.run();
    expect('made' in after && after.made.model).toBe('v2');
    expect(again.runner.summary()).toMatchObject({ model: 'v2', model_source: 'adopted' });
  });

  it('rolls back a model that says 1e9 °C: rejected with the reason, the previous model keeps running', async () => {
    const { runner, sent, incoming, modelsDir, lines } = rig();
    await runner.run();
    writeModel(incoming, signed({ version: 'hot', changeBias: 1e9 }));
    expect(await runner.run()).toEqual({ already: T0 }); // v1's nowcast for this hour stands
    const s = runner.summary();
    expect(s).toMatchObject({ model: 'v1', model_source: 'configured', updates: { adopted: 0, rejected: 1, last_rejected: { version: 'hot' } } });
    expect(s.updates.last_rejected!.reason).toMatch(/test run on station inputs: air_temperature \+1 h changes by/);
    expect(readdirSync(incoming)).toEqual([]);
    expect(rejectedReasons(modelsDir)).toEqual([expect.stringContaining('changes by')]);
    expect(lines.filter((l) => l.msg.startsWith('nowcast: new model rejected'))).toHaveLength(1);
    expect(sent.map((m) => m.model)).toEqual(['v1']);
  });

  it('rolls back a model giving NaN (non-finite), one unsigned and one signed with another key', async () => {
    const { runner, incoming, modelsDir } = rig();
    await runner.run();
    writeModel(incoming, signed({ version: 'nan', changeBias: NaN }));
    writeModel(incoming, tinyModel({ version: 'unsigned' }));
    writeModel(incoming, signed({ version: 'stranger' }, loadPrivateKey(generateSigningKeys().privatePem)));
    await runner.run();
    expect(runner.summary()).toMatchObject({ model: 'v1', updates: { adopted: 0, rejected: 3 } });
    const reasons = rejectedReasons(modelsDir).join('\n');
    expect(reasons).toMatch(/air_temperature \+1 h is (NaN|-?Infinity)/); // LiteRT's XNNPack turns the NaN bias into -Infinity
    expect(reasons).toMatch(/not signed/);
    expect(reasons).toMatch(/not the configured key/);
  });

  it('with too little history of its own, test-runs on the held-out inputs (mean ± std without any)', async () => {
    const { runner, incoming } = rig({ hours: 3 });
    writeModel(incoming, signed({ version: 'hot', changeBias: 1e9 }));
    expect(await runner.run()).toMatchObject({ withheld: expect.stringContaining('history too short') });
    expect(runner.summary().updates.last_rejected!.reason).toMatch(/test run on mean±std inputs/);
    const good = signed({ version: 'v3' });
    writeModel(incoming, signManifestWith(good, { test_inputs: [new Array(good.manifest.input.features.length).fill(0.5)] }));
    await runner.run();
    expect(runner.summary()).toMatchObject({ model: 'v3', updates: { adopted: 1, last_adopted: { version: 'v3', tested_on: 'held-out', cases: 1 } } });
  });

  it('the shipped model passes its own test run on the held-out hours it ships with; 1e9 °C does not', async () => {
    const shipped = await NowcastModel.load(SHIPPED_MANIFEST);
    try {
      expect(shipped.manifest.test_inputs).toHaveLength(24);
      expect(await testRunModel(shipped)).toEqual({ ok: true, cases: 24, on: 'held-out' });
    } finally {
      shipped.close();
    }
    const hot = await NowcastModel.fromBytes(tinyModel({ version: 'hot', changeBias: 1e9 }).manifest, tinyModel({ version: 'hot', changeBias: 1e9 }).bytes);
    try {
      expect(await testRunModel(hot)).toMatchObject({ ok: false, on: 'mean±std', reason: expect.stringContaining('changes by') });
    } finally {
      hot.close();
    }
  });

  it('takes a model from the cmd topic (manifest + base64 .tflite) into incoming/ for the next run', async () => {
    const { runner, incoming } = rig();
    await runner.run();
    const m = signed({ version: 'v4', changeBias: 0.1 });
    runner.receiveModel({ manifest: m.manifest, tflite: Buffer.from(m.bytes).toString('base64') });
    expect(existsSync(join(incoming, 'nowcast-v4.tflite'))).toBe(true);
    const out = await runner.run();
    expect('made' in out && out.made.model).toBe('v4');
    runner.receiveModel({ manifest: { ...m.manifest, model_file: '../../evil.tflite' }, tflite: 'AAAA' });
    expect(readdirSync(incoming)).toEqual([]); // a path out of incoming/ is refused before anything is written
  });
});

/** Re-signs a model after adding fields to its manifest. */
function signManifestWith(m: { manifest: ReturnType<typeof tinyModel>['manifest']; bytes: Uint8Array }, extra: object) {
  return { manifest: signManifest({ ...m.manifest, ...extra }, priv), bytes: m.bytes };
}
