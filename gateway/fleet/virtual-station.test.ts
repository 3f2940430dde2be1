// A virtual station answers the centre's signed gap request, and refuses an unsigned one, as
// a real station does (gateway/commands/): real Mosquitto, the gateway's own uplink.
import { generateKeyPairSync } from 'node:crypto';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock, signCommand, topics } from '../../core/index.ts';
import { Mosquitto } from '../../test/helpers/mosquitto.ts';
import { createLogger } from '../log.ts';
import { IslandWeather } from './generator.ts';
import { VirtualStation } from './virtual-station.ts';

describe('virtual station commands', () => {
  let broker: Mosquitto;
  beforeAll(async () => { broker = await Mosquitto.start(); });
  afterAll(async () => { await broker?.stop(); });

  it('answers a signed resend request and refuses an unsigned one', async () => {
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    const clock = new ManualClock(Date.UTC(2026, 7, 1));
    const station = new VirtualStation({
      id: '0-392-9-TST0001', index: 0, island: 'chichijima', weather: new IslandWeather(1), clock, log: createLogger({ level: 'silent' }),
      broker: broker.url, closeDelayMs: 2000, commandKeys: [publicKey.export({ type: 'spki', format: 'pem' }).toString()],
    });
    station.backfill(clock.now() - 10 * 60_000, clock.now());
    const t = topics(station.id);
    const centre = await mqtt.connectAsync(broker.url, { protocolVersion: 5 });
    const replies: Array<Record<string, unknown>> = [];
    centre.on('message', (_topic, payload) => replies.push(JSON.parse(payload.toString()) as Record<string, unknown>));
    await centre.subscribeAsync(t.reply, { qos: 1 });
    station.start();
    try {
      await expect.poll(() => station.uplink.connected, { timeout: 20_000 }).toBe(true);
      const signed = signCommand({ station: station.id, cmd: 'resend', args: { ranges: [[1, 3]] }, now: clock.now(), ttlMs: 600_000 }, privateKey);
      await centre.publishAsync(t.cmd, JSON.stringify(signed), { qos: 1 });
      await centre.publishAsync(t.cmd, JSON.stringify({ ...signed, id: 'unsigned-1', sig: undefined }), { qos: 1 });
      await expect.poll(() => replies.length, { timeout: 20_000 }).toBeGreaterThanOrEqual(2);
      const ok = replies.find((r) => r.id === signed.id)!;
      expect(ok).toMatchObject({ ok: true, cmd: 'resend' });
      expect(replies.find((r) => r.id === 'unsigned-1')).toMatchObject({ ok: false });
    } finally {
      await centre.endAsync();
      await station.stop();
      station.close();
    }
  }, 60_000);
});
