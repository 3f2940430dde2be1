// A model update on the `cmd` topic end to end: a whole station (real Mosquitto, simulated
// WXT530 over a PTY, reference receiver) runs the signed tiny model v1; the centre publishes
// a signed `model` command {manifest, tflite: base64} for v2 on bonin/v1/{station}/cmd; the station adopts
// it at its next run and the receiver gets nowcasts made by v2. A badly signed one sent the
// same way is rejected and v2 keeps running.
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { commandPrivateKey, ScaledClock, signCommand, topics } from '../../core/index.ts';
import { generateSigningKeys, loadPrivateKey, signManifest } from '../../edge-model/signing.ts';
import { tinyModel, writeModel } from '../../edge-model/test-model.ts';
import { STATION, startRig } from '../../test/helpers/station.ts';
import { waitFor } from '../../test/helpers/wait.ts';
import { validateConfig } from '../config/load.ts';
import { createLogger } from '../log.ts';
import { seedHours } from './nowcast-test-helpers.ts';
import { StationGateway } from './station.ts';

const HOUR = 3_600_000;
const keys = generateSigningKeys();
const signed = (version: string, changeBias = 0, key = loadPrivateKey(keys.privatePem)) => {
  const m = tinyModel({ version, changeBias });
  return { manifest: signManifest(m.manifest, key), bytes: m.bytes };
};

const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

describe('nowcast model update by cmd (real Mosquitto, real LiteRT)', () => {
  it('adopts a signed model sent on the cmd topic; rejects one signed with another key', async () => {
    const clock = new ScaledClock({ speed: 30, origin: Math.floor(Date.now() / HOUR) * HOUR + 5 * 60_000 });
    const rig = await startRig(clock);
    cleanup.push(() => rig.stop());
    const v1 = writeModel(join(rig.dir, 'configured'), signed('v1'));
    const config = validateConfig({ ...rig.config, nowcast: { every_min: 2, model: v1, public_key: keys.publicPem } });
    const gateway = new StationGateway(config, clock, createLogger({ level: 'silent' }));
    cleanup.push(() => gateway.stop());
    const end = Math.floor(clock.now() / HOUR) * HOUR;
    seedHours(gateway.db, end - 200 * HOUR, end);
    gateway.start();
    const models = () => rig.receiver.nowcasts.list(STATION).map((n) => n.model);
    await waitFor('a nowcast by v1', () => models().includes('v1'), 30_000);

    const centre = await mqtt.connectAsync(rig.broker.url);
    cleanup.push(() => centre.endAsync());
    // The model travels in a signed command envelope (docs/commands.md); its manifest is signed on its own too.
    const send = (m: ReturnType<typeof signed>) => centre.publishAsync(topics(STATION).cmd,
      JSON.stringify(signCommand({ station: STATION, cmd: 'model', args: { manifest: m.manifest, tflite: Buffer.from(m.bytes).toString('base64') }, now: clock.now(), ttlMs: 600_000 }, commandPrivateKey(rig.cmdKeys.privatePem))), { qos: 1 });
    await send(signed('v2', 0.1));
    await waitFor('a nowcast by v2', () => models().includes('v2'), 30_000);
    expect(gateway.nowcast!.summary()).toMatchObject({ model: 'v2', model_source: 'adopted', updates: { adopted: 1 } });

    await send(signed('v3', 0, loadPrivateKey(generateSigningKeys().privatePem)));
    await waitFor('v3 rejected', () => gateway.nowcast!.summary().updates.rejected === 1, 30_000);
    expect(gateway.nowcast!.summary().updates.last_rejected!.reason).toMatch(/not the configured key/);
    expect(gateway.nowcast!.summary().model).toBe('v2');
    expect(models()).not.toContain('v3');
  });
});
