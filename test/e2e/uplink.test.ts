// Outbox → uplink → real Mosquitto → reference receiver → ack → outbox empty.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeAck, makeBatch, quantiseRecord, systemClock, topics, type MinuteRecord } from '../../core/index.ts';
import { attachCommandChannel, CommandRegistry } from '../../gateway/commands/index.ts';
import { createLogger } from '../../gateway/log.ts';
import { generateSigningKeys } from '../../edge-model/signing.ts';
import { openDatabase, Outbox, type OutboxRow } from '../../gateway/store/index.ts';
import { StoreQuota } from '../../gateway/store/quota.ts';
import { Uplink, type UplinkOptions } from '../../gateway/uplink/uplink.ts';
import { Receiver, wis2Topic } from '../../hw-sim/receiver/index.ts';
import { Mosquitto } from '../helpers/mosquitto.ts';
import { waitFor } from '../helpers/wait.ts';

const rec = (i: number): MinuteRecord => ({ ts: Date.UTC(2026, 6, 1) + i * 60_000, sensor: 'wxt530', values: { air_pressure: { v: 1012 + i / 10, f: 'good', n: 6 } } });
const cleanup: Array<() => Promise<void> | void> = [];
// The centre signs its commands (gap requests); the station trusts the public half (docs/commands.md).
const centreKeys = generateSigningKeys();
const signedCommands = (uplink: Uplink, outbox: Outbox) => attachCommandChannel({
  uplink, outbox, db: (outbox as unknown as { db: ReturnType<typeof openDatabase> }).db, registry: new CommandRegistry(), station: 'STN',
  clock: systemClock, log: createLogger({ level: 'silent' }), commands: { public_keys: [centreKeys.publicPem], max_age_s: 3600, future_tolerance_s: 300 },
});
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

async function setup(resendAfterMs = 30_000, extra: Partial<UplinkOptions> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'bonin-uplink-'));
  const broker = await Mosquitto.start();
  cleanup.push(() => broker.stop());
  const receiver = new Receiver({ broker: broker.url, dbPath: join(dir, 'receiver.db'), group: 'test', cmdKey: centreKeys.privatePem });
  await receiver.start();
  cleanup.push(() => receiver.stop());
  const outbox = new Outbox(openDatabase(join(dir, 'station.db')), 'STN');
  const uplink = new Uplink(outbox, {
    station: 'STN', broker: broker.url, protocolVersion: 5, inFlight: 4, resendAfterMs, keepaliveS: 5,
    clock: systemClock, log: createLogger({ level: 'silent' }), reconnectBaseMs: 200, reconnectCapMs: 1000, ...extra,
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
    const { receiver, outbox, uplink } = await setup(500, { encoding: 'json' });
    outbox.commitMinutes([rec(0)], Date.now());
    // Corrupt the stored payload's checksum: the receiver must refuse it, the outbox keep it.
    const db = (outbox as unknown as { db: ReturnType<typeof openDatabase> }).db;
    // (A batch of minutes is built from its records when sent: store the built one, then damage it.)
    const good = outbox.payloadOf(db.prepare('SELECT seq, created, payload FROM outbox WHERE seq = 1').get() as OutboxRow);
    expect(good).toContain('"v":1012');
    db.prepare('UPDATE outbox SET payload = ? WHERE seq = 1').run(good.replace(/"v":1012/, '"v":1013'));
    uplink.start();
    await waitFor('rejection', () => receiver.store.counts().rejected >= 1);
    expect(outbox.counts().outboxBatches).toBe(1);
    db.prepare('UPDATE outbox SET payload = ? WHERE seq = 1').run(good);
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

  it('compact: an hour of minutes goes in one message and arrives exactly as quantised', async () => {
    const { receiver, outbox, uplink } = await setup();
    for (let i = 0; i < 120; i++) outbox.commitMinutes([rec(i)], Date.now());
    uplink.start();
    await waitFor('outbox to drain', () => outbox.counts().outboxBatches === 0);
    expect(uplink.stats.messages).toBe(2);
    expect(receiver.store.counts()).toMatchObject({ batches: 120, records: 120, rejected: 0, duplicateBatches: 0 });
    const stored = receiver.store.db.prepare("SELECT record FROM records WHERE station = 'STN' ORDER BY ts").all() as Array<{ record: string }>;
    expect(stored.map((r) => JSON.parse(r.record))).toEqual(Array.from({ length: 120 }, (_, i) => quantiseRecord(rec(i))));
  });

  it('a long outage ends without a resend storm: the window goes, then the backlog as acks come back', async () => {
    // resend after 3 s: the first window after the restart may reach the broker before the
    // receiver has subscribed again, and is lost there (clean sessions); it goes once more.
    const { broker, receiver, outbox, uplink } = await setup(3000, { inFlight: 2, maxMessageRecords: 10 });
    uplink.start();
    await waitFor('connected', () => uplink.connected);
    await broker.stop();
    for (let i = 0; i < 200; i++) outbox.commitMinutes([rec(i)], Date.now());
    for (let i = 0; i < 5; i++) uplink.pump(); // the pipeline pumps on every commit
    await new Promise((r) => setTimeout(r, 1500));
    await broker.restart();
    await waitFor('backlog to drain', () => outbox.counts().outboxBatches === 0, 30_000);
    // 200 records / 10 a message = 20 messages; the window (2 messages) may go again a few times.
    expect(uplink.stats.messages).toBeLessThanOrEqual(26);
    expect(uplink.stats.reconnects).toBeGreaterThan(0);
    expect(receiver.store.counts()).toMatchObject({ records: 200, duplicateRecords: 0 });
  });

  it('a byte budget holds what does not fit; it waits in the outbox, counted', async () => {
    const { receiver, outbox, uplink } = await setup(30_000, { budgetPerHour: 150 });
    for (let i = 0; i < 180; i++) outbox.commitMinutes([rec(i)], Date.now());
    uplink.start();
    await waitFor('first message', () => receiver.store.counts().records > 0);
    await new Promise((r) => setTimeout(r, 1500));
    uplink.pump();
    const used = uplink.budget.usage(Date.now());
    expect(used.hour).toBeLessThanOrEqual(150);
    expect(uplink.stats.heldByBudget).toBeGreaterThan(0);
    expect(receiver.store.counts().records).toBeLessThan(180);
    expect(outbox.counts().outboxRecords + receiver.store.counts().records).toBe(180);
  });

  it('duplicate acks, acks for unknown seqs and acks for another station change nothing', async () => {
    const { broker, outbox, uplink } = await setup();
    for (let i = 0; i < 3; i++) outbox.commitMinutes([rec(i)], Date.now());
    const client = await mqtt.connectAsync(broker.url, { protocolVersion: 5 });
    cleanup.push(() => client.endAsync());
    uplink.start();
    await waitFor('connected', () => uplink.connected);
    await waitFor('acked', () => outbox.counts().outboxBatches === 0);
    outbox.commitMinutes([rec(10)], Date.now() - 3_600_000); // seq 4, not fresh: stays until acked
    const ack = (station: string, seqs: number[]) => client.publishAsync(topics('STN').ack, JSON.stringify({ v: 1, station, seqs, ts: Date.now() }), { qos: 1 });
    await ack('STN', [1, 2, 3, 999]);
    await ack('OTHER', [4]);
    await client.publishAsync(topics('STN').ack, 'garbage', { qos: 1 });
    await waitFor('ignored acks counted', () => uplink.stats.ignoredAcks >= 2);
    await waitFor('seq 4 acked by the receiver', () => outbox.counts().outboxBatches === 0);
    expect(outbox.counts().batchesAcked).toBe(4);
  });

  it('gap reconciliation: the receiver asks for what it lacks; acked batches are rebuilt, evicted ones are named', async () => {
    const { receiver, outbox, uplink } = await setup();
    signedCommands(uplink, outbox);
    for (let i = 0; i < 10; i++) outbox.commitMinutes([rec(i)], Date.now());
    uplink.start();
    await waitFor('drain', () => outbox.counts().outboxBatches === 0);
    // The centre loses seqs 3–5 after acking them (a restored backup, say): the station rebuilds them.
    receiver.store.db.prepare("DELETE FROM batches WHERE station = 'STN' AND seq BETWEEN 3 AND 5").run();
    receiver.store.db.prepare("DELETE FROM records WHERE station = 'STN' AND ts BETWEEN ? AND ?").run(rec(2).ts, rec(4).ts);
    const replies: unknown[] = [];
    receiver.on('reply', (r) => replies.push(r));
    expect(receiver.requestGaps()).toEqual({ STN: [[3, 5]] });
    await waitFor('reply', () => replies.length === 1);
    await waitFor('rebuilt batches', () => receiver.store.counts().batches === 10);
    expect(replies[0]).toMatchObject({ resent: [[3, 5]], evicted: [], pending: [], unknown: [] });
    expect(receiver.store.hasRecord('STN', 'wxt530', rec(3).ts)).toBe(true);
    // Then the station, offline, evicts its unsent backlog (a quota far below what it holds); the newest batch stays.
    await uplink.stop();
    for (let i = 10; i < 20; i++) outbox.commitMinutes([rec(i)], Date.now());
    const db = (outbox as unknown as { db: ReturnType<typeof openDatabase> }).db;
    new StoreQuota(db, { quotaBytes: 1, clock: systemClock, log: createLogger({ level: 'silent' }) }).enforce();
    expect(outbox.counts().outboxBatches).toBe(1);
    const again = new Uplink(outbox, { ...(uplink as unknown as { opts: UplinkOptions }).opts });
    cleanup.push(() => again.stop());
    signedCommands(again, outbox);
    again.start();
    await waitFor('newest batch', () => receiver.store.counts().batches === 11);
    expect(receiver.requestGaps()).toEqual({ STN: [[11, 19]] });
    await waitFor('second reply', () => replies.length === 2);
    expect(replies[1]).toMatchObject({ resent: [], evicted: [[11, 19]], pending: [], unknown: [] });
    expect(receiver.store.gaps('STN')).toEqual([]);
    expect(receiver.store.settledCounts('STN')).toEqual({ evicted: 9, unknown: 0 });
  });

  it('WIS2: each batch accepted is announced once as a WIS2 notification on the surface-observations topic', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bonin-wis2-'));
    const broker = await Mosquitto.start();
    cleanup.push(() => broker.stop());
    const receiver = new Receiver({ broker: broker.url, dbPath: join(dir, 'r.db'), wis2: { centreId: 'jp-jma', baseUrl: 'https://data.example.jp/bonin/', locations: { STN: [142.19, 27.09, 3] } } });
    await receiver.start();
    cleanup.push(() => receiver.stop());
    const listener = await mqtt.connectAsync(broker.url, { protocolVersion: 5 });
    cleanup.push(() => listener.endAsync());
    const got: Array<{ topic: string; msg: { id: string; properties: { content: { value: string } } } }> = [];
    listener.on('message', (topic, p) => got.push({ topic, msg: JSON.parse(p.toString()) }));
    await listener.subscribeAsync('origin/a/wis2/#', { qos: 1 });
    const payload = JSON.stringify(makeBatch('STN', 3, Date.now(), [rec(0), rec(1)]));
    for (let i = 0; i < 2; i++) await listener.publishAsync(topics('STN').obs, payload, { qos: 1 }); // the second is a duplicate
    await waitFor('notification', () => got.length >= 1);
    await new Promise((r) => setTimeout(r, 300));
    expect(got).toHaveLength(1);
    const { topic, msg } = got[0]!;
    expect(topic).toBe(wis2Topic('jp-jma'));
    expect(topic).toBe('origin/a/wis2/jp-jma/data/core/weather/surface-based-observations/synop');
    expect(msg).toMatchObject({
      type: 'Feature', conformsTo: ['http://wis.wmo.int/spec/wnm/1/conf/core'],
      geometry: { type: 'Point', coordinates: [142.19, 27.09, 3] },
      properties: { data_id: 'jp-jma/bonin/STN/3', wigos_station_identifier: 'STN', start_datetime: '2026-07-01T00:00:00Z', end_datetime: '2026-07-01T00:02:00Z', integrity: { method: 'sha512' } },
      links: [{ rel: 'canonical', href: 'https://data.example.jp/bonin/jp-jma/bonin/STN/3.json', type: 'application/json' }],
    });
    expect(msg.id).toMatch(/^[0-9a-f-]{36}$/);
    const content = JSON.parse(msg.properties.content.value);
    expect(content.records).toEqual([rec(0), rec(1)]);
  });
});
