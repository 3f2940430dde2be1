// Outbox → uplink → real Mosquitto → reference receiver → ack → outbox empty.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeAck, makeBatch, systemClock, topics, type MinuteRecord } from '../../core/index.ts';
import { createLogger } from '../../gateway/log.ts';
import { openDatabase, Outbox } from '../../gateway/store/index.ts';
import { Uplink } from '../../gateway/uplink/uplink.ts';
import { Receiver } from '../../hw-sim/receiver/index.ts';
import { Mosquitto } from '../helpers/mosquitto.ts';
import { waitFor } from '../helpers/wait.ts';

const rec = (i: number): MinuteRecord => ({ ts: Date.UTC(2026, 6, 1) + i * 60_000, sensor: 'wxt530', values: { air_pressure: { v: 1012 + i / 10, f: 'good', n: 6 } } });
const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

async function setup(resendAfterMs = 30_000) {
  const dir = mkdtempSync(join(tmpdir(), 'bonin-uplink-'));
  const broker = await Mosquitto.start();
  cleanup.push(() => broker.stop());
  const receiver = new Receiver({ broker: broker.url, dbPath: join(dir, 'receiver.db'), group: 'test' });
  await receiver.start();
  cleanup.push(() => receiver.stop());
  const outbox = new Outbox(openDatabase(join(dir, 'station.db')), 'STN');
  const uplink = new Uplink(outbox, {
    station: 'STN', broker: broker.url, protocolVersion: 5, inFlight: 4, resendAfterMs, keepaliveS: 5,
    clock: systemClock, log: createLogger({ level: 'silent' }),
  });
  cleanup.push(() => uplink.stop());
  return { broker, receiver, outbox, uplink };
}

describe('uplink through a real Mosquitto', () => {
  it('delivers every batch once through a shared subscription, and empties the outbox only on acks', async () => {
    const { receiver, outbox, uplink } = await setup();
    expect(receiver.subscribedTo).toBe('$share/test/bonin/v1/+/obs');
    for (let i = 0; i < 10; i++) outbox.commitMinutes([rec(i)], Date.now());
    uplink.start();
    await waitFor('outbox to drain', () => outbox.counts().outboxBatches === 0);
    expect(receiver.store.counts()).toMatchObject({ batches: 10, records: 10, rejected: 0 });
    expect(outbox.counts()).toMatchObject({ recordsAcked: 10, recordsCommitted: 10 });
  });

  it('broker down: batches wait in the outbox, then all arrive when it is back', async () => {
    const { broker, receiver, outbox, uplink } = await setup(2000);
    uplink.start();
    outbox.commitMinutes([rec(0)], Date.now());
    uplink.pump();
    await waitFor('first ack', () => outbox.counts().recordsAcked === 1);
    await broker.stop();
    for (let i = 1; i < 20; i++) outbox.commitMinutes([rec(i)], Date.now());
    uplink.pump();
    await new Promise((r) => setTimeout(r, 1500));
    expect(outbox.counts().outboxBatches).toBe(19);
    await broker.restart();
    await waitFor('backlog to drain after the broker returns', () => outbox.counts().outboxBatches === 0, 30_000);
    expect(receiver.store.counts().records).toBe(20);
  });

  it('a corrupted batch is rejected and not acked; the repaired one is acked', async () => {
    const { receiver, outbox, uplink } = await setup(500);
    outbox.commitMinutes([rec(0)], Date.now());
    // Corrupt the stored payload's checksum: the receiver must refuse it, the outbox keep it.
    const db = (outbox as unknown as { db: ReturnType<typeof openDatabase> }).db;
    const row = db.prepare('SELECT payload FROM outbox WHERE seq = 1').get() as { payload: string };
    db.prepare('UPDATE outbox SET payload = ? WHERE seq = 1').run(row.payload.replace(/"v":1012/, '"v":1013'));
    uplink.start();
    await waitFor('rejection', () => receiver.store.counts().rejected >= 1);
    expect(outbox.counts().outboxBatches).toBe(1);
    db.prepare('UPDATE outbox SET payload = ? WHERE seq = 1').run(row.payload);
    await waitFor('repaired batch acked', () => outbox.counts().outboxBatches === 0, 10_000);
    expect(receiver.store.counts()).toMatchObject({ batches: 1, records: 1 });
  });

  it('a duplicate batch (same station and seq) is stored once and acked every time', async () => {
    const { broker, receiver } = await setup();
    const client = await mqtt.connectAsync(broker.url, { protocolVersion: 5 });
    cleanup.push(() => client.endAsync());
    const acks: number[] = [];
    client.on('message', (_t, p) => { const a = decodeAck(p); if (a.ok) acks.push(...a.value.seqs); });
    await client.subscribeAsync(topics('STN').ack, { qos: 1 });
    const payload = JSON.stringify(makeBatch('STN', 7, Date.now(), [rec(0), rec(1)]));
    for (let i = 0; i < 3; i++) await client.publishAsync(topics('STN').obs, payload, { qos: 1 });
    await waitFor('three acks', () => acks.length === 3);
    expect(acks).toEqual([7, 7, 7]);
    expect(receiver.store.counts()).toMatchObject({ batches: 1, records: 2, duplicateBatches: 2 });
  });
});
