// After a week-long outage, through the satellite-link simulator at 2,400 bit/s to a real
// Mosquitto: the freshest minutes arrive first, the backlog follows in hourly compact
// messages without a resend storm, and every record arrives once.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ScaledClock, type MinuteRecord, type ObsBatch } from '../../core/index.ts';
import { createLogger } from '../../gateway/log.ts';
import { openDatabase, Outbox } from '../../gateway/store/index.ts';
import { Uplink } from '../../gateway/uplink/uplink.ts';
import { startSatelliteLink } from '../../hw-sim/link/satellite-link.ts';
import { Receiver } from '../../hw-sim/receiver/index.ts';
import { Mosquitto } from '../helpers/mosquitto.ts';
import { waitFor } from '../helpers/wait.ts';

const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 8, 1);
const rec = (i: number): MinuteRecord => ({
  ts: T0 + i * 60_000, sensor: 'wxt530',
  values: { air_temperature: { v: 25 + Math.sin(i / 90) * 3, f: 'good', n: 6 }, air_pressure: { v: 1010 + Math.cos(i / 700) * 5, f: 'good', n: 6 }, wind_speed: { v: 6 + Math.sin(i / 7), f: 'good', n: 60 } },
});

describe('satellite link: a 7-day outage, then 2,400 bit/s', () => {
  it('fresh minutes first, then the whole week in order, each record once, no storm', async () => {
    const minutes = 7 * 1440;
    // The clock stands at the end of the outage: the outbox holds the week committed during it.
    const clock = new ScaledClock({ speed: 50, origin: T0 + 7 * DAY + 30_000 });
    const dir = mkdtempSync(join(tmpdir(), 'bonin-satlink-'));
    const broker = await Mosquitto.start();
    cleanup.push(() => broker.stop());
    const receiver = new Receiver({ broker: broker.url, dbPath: join(dir, 'receiver.db'), group: 'c', clock });
    await receiver.start();
    cleanup.push(() => receiver.stop());
    const order: number[][] = [];
    receiver.on('stored', (b: ObsBatch) => order.push([b.seq]));
    const outbox = new Outbox(openDatabase(join(dir, 'station.db')), 'STN');
    const db = (outbox as unknown as { db: ReturnType<typeof openDatabase> }).db;
    db.transaction(() => { for (let i = 0; i < minutes; i++) outbox.commitMinutes([rec(i)], T0 + i * 60_000 + 62_000); })();
    const link = await startSatelliteLink({ target: { host: '127.0.0.1', port: Number(new URL(broker.url).port) }, clock, bitsPerSecond: 2400, latencyMs: 800 });
    cleanup.push(() => link.stop());
    link.setDown(true);
    const uplink = new Uplink(outbox, {
      station: 'STN', broker: link.url, protocolVersion: 5, inFlight: 16, resendAfterMs: 20 * 60_000, keepaliveS: 30,
      clock, log: createLogger({ level: 'silent' }), reconnectBaseMs: 5000, reconnectCapMs: 60_000,
    });
    cleanup.push(() => uplink.stop());
    uplink.start();
    await waitFor('a refused connection while down', () => link.stats.refused > 0);
    link.setDown(false);
    await waitFor('the week to drain', () => outbox.counts().outboxBatches === 0, 90_000);
    const rc = receiver.store.counts();
    expect(rc).toMatchObject({ batches: minutes, records: minutes, duplicateRecords: 0, rejected: 0 });
    // The first batches stored are the fresh ones (the last 5 minutes), then the oldest.
    const seqs = order.map(([s]) => s);
    const nFresh = seqs.indexOf(1);
    expect(nFresh).toBeGreaterThanOrEqual(1);
    expect(seqs.slice(0, nFresh)).toEqual(Array.from({ length: nFresh }, (_, i) => minutes - nFresh + 1 + i));
    expect(seqs.slice(nFresh, nFresh + 120)).toEqual(Array.from({ length: 120 }, (_, i) => i + 1));
    // 60 records a message: 168 messages for the week, plus the fresh one; a reconnect may resend a window.
    expect(uplink.stats.messages).toBeLessThanOrEqual(168 + 1 + 16);
    expect(link.stats.up).toBeLessThan(minutes * 10);
    console.log(`7-day backlog: ${minutes} records, ${link.stats.up} bytes up (${(link.stats.up / minutes).toFixed(1)} B/record incl. MQTT and TCP payload), ${link.stats.down} down, ${uplink.stats.messages} messages`);
  });
});
