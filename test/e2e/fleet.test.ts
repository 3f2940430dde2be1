// Issue 11: 100 virtual stations (real uplink clients, gateway/fleet) × 1 simulated hour at
// 120× against a real Mosquitto, two `bonin receiver` processes sharing the load through a
// `$share` group and one SQLite file; an island's link goes down for 10 minutes and comes
// back at once (a small reconnect storm); one receiver is SIGKILLed mid-run and restarted.
// At the end every record is at the centre exactly once and every outbox is empty.
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { ScaledClock } from '../../core/index.ts';
import { FleetClock } from '../../gateway/fleet/fleet-clock.ts';
import { Fleet } from '../../gateway/fleet/fleet.ts';
import { createLogger } from '../../gateway/log.ts';
import { Mosquitto } from '../helpers/mosquitto.ts';
import { startReceiverProcess } from '../helpers/receiver-process.ts';
import { waitFor } from '../helpers/wait.ts';

const MINUTE = 60_000;
const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

describe('fleet: many stations, receivers that scale out', () => {
  it('Mosquitto gives each message of a $share group to one member only (MQTT 5 and 3.1.1)', async () => {
    const broker = await Mosquitto.start();
    cleanup.push(() => broker.stop());
    for (const protocolVersion of [5, 4] as const) {
      const counts = [0, 0];
      const subs = await Promise.all(counts.map(async (_, i) => {
        const c = await mqtt.connectAsync(broker.url, { protocolVersion });
        c.on('message', () => counts[i]!++);
        await c.subscribeAsync('$share/g/bonin/v1/+/obs', { qos: 1 });
        return c;
      }));
      const pub = await mqtt.connectAsync(broker.url, { protocolVersion: 5 });
      for (let k = 0; k < 40; k++) await pub.publishAsync(`bonin/v1/S${k % 3}/obs`, 'x', { qos: 1 });
      await waitFor('40 deliveries', () => counts[0]! + counts[1]! >= 40, 10_000);
      await new Promise((r) => setTimeout(r, 200)); // a second copy would arrive now
      expect(counts[0]! + counts[1]!).toBe(40);
      expect(Math.min(...counts)).toBeGreaterThan(0);
      await Promise.all([...subs, pub].map((c) => c.endAsync()));
    }
  });

  it('100 stations × 1 h, two receivers, one SIGKILLed and restarted: every record stored once, every outbox empty', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bonin-fleet-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    const broker = await Mosquitto.start();
    cleanup.push(() => broker.stop());
    const db = join(dir, 'central.db');
    const startReceiver = async () => {
      const r = await startReceiverProcess(broker.url, db, 'fleet');
      cleanup.push(() => r.kill());
      return r;
    };
    const first = await startReceiver();
    let second = await startReceiver();

    const clock = new FleetClock(new ScaledClock({ speed: 120, origin: Date.UTC(2026, 7, 1, 5, 50) }));
    cleanup.push(() => clock.stop());
    const start = clock.now();
    const fleet = await Fleet.create({
      stations: 100, broker: broker.url, clock, log: createLogger({ level: 'silent' }), staggerMs: 1000,
      // Hahajima loses its link for 10 minutes; its 20 stations come back in the same instant.
      outages: [{ target: 'hahajima', from: start + 20 * MINUTE, to: start + 30 * MINUTE }],
      // 600 s = 5 real s at 120×: what went to the killed receiver comes again after that.
      uplink: { resendAfterMs: 600_000, reconnectBaseMs: 2000, reconnectCapMs: 120_000 },
    });
    cleanup.push(() => fleet.stop());
    fleet.start({ at: start });

    // Mid-run: kill one receiver (whatever it was doing), let the other carry the load, restart it.
    await waitFor('35 simulated minutes', () => clock.now() >= start + 35 * MINUTE, 120_000, 200);
    await waitFor('records acked before the kill', () => fleet.totals().acked > 0, 60_000, 200);
    await second.kill();
    await waitFor('45 simulated minutes', () => clock.now() >= start + 45 * MINUTE, 120_000, 200);
    second = await startReceiver();

    await waitFor('one simulated hour', () => clock.now() >= start + 60 * MINUTE + 15_000, 120_000, 200);
    fleet.stopProducing();
    await waitFor('every outbox to drain', () => fleet.drained(), 180_000, 250);
    const totals = fleet.totals();
    expect(totals.storms).toBeGreaterThanOrEqual(1);
    expect(totals.committed).toBeGreaterThanOrEqual(100 * 55); // ≈ 60 minutes each, less the stagger

    // Audit the central store against every station's own store.
    const central = new Database(db, { readonly: true });
    cleanup.push(() => { central.close(); });
    const seqs = new Map((central.prepare('SELECT station, count(*) AS n, count(DISTINCT seq) AS d, min(seq) AS lo, max(seq) AS hi FROM batches GROUP BY station').all() as Array<{ station: string; n: number; d: number; lo: number; hi: number }>).map((r) => [r.station, r]));
    const keysOf = central.prepare('SELECT sensor, period, ts FROM records WHERE station = ?');
    let records = 0;
    for (const s of fleet.stations) {
      const mine = s.committed();
      const got = seqs.get(s.id);
      // (station, seq): every seq the station gave, 1…top, once.
      expect(got, s.id).toMatchObject({ n: mine.topSeq, d: mine.topSeq, lo: 1, hi: mine.topSeq });
      // record keys: exactly the station's minutes and aggregates, once each.
      const keys = (keysOf.all(s.id) as Array<{ sensor: string; period: string; ts: number }>).map((r) => `${r.sensor}|${r.period}|${r.ts}`);
      expect(new Set(keys).size, s.id).toBe(keys.length);
      expect(keys.sort(), s.id).toEqual(mine.keys.sort());
      records += keys.length;
      expect(s.outbox.counts().outboxBatches, s.id).toBe(0);
    }
    expect(records).toBeGreaterThan(totals.committed); // minutes + their 10-min and hourly aggregates
    const dupRows = central.prepare('SELECT count(*) AS n FROM (SELECT 1 FROM records GROUP BY station, sensor, period, ts HAVING count(*) > 1)').get() as { n: number };
    expect(dupRows.n).toBe(0);
    await first.kill();
    await second.kill();
  }, 420_000);
});
