// A whole station end to end: simulated WXT530 over a real PTY → gateway → real Mosquitto →
// reference receiver → ack. Scenarios (a), (b) and (d) of issue #3; (c) is in kill.test.ts.
import { afterEach, describe, expect, it } from 'vitest';
import { ScaledClock } from '../../core/index.ts';
import { validateConfig } from '../../gateway/config/load.ts';
import { createLogger } from '../../gateway/log.ts';
import { StationGateway } from '../../gateway/pipeline/station.ts';
import { allRaw } from '../../gateway/store/raw.ts';
import { freePort, Mosquitto } from '../helpers/mosquitto.ts';
import { STATION, startRig } from '../helpers/station.ts';
import type { Wxt530Twin } from '../../hw-sim/index.ts';
import { waitFor } from '../helpers/wait.ts';

const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

async function station(speed: number, broker?: string) {
  const clock = new ScaledClock({ speed });
  const rig = await startRig(clock);
  cleanup.push(() => rig.stop());
  const config = validateConfig({ ...rig.config, uplink: { ...rig.config.uplink, ...(broker ? { broker } : {}) } });
  const gateway = new StationGateway(config, clock, createLogger({ level: 'silent' }));
  cleanup.push(() => gateway.stop());
  const lost = () => gateway.outbox.committedKeys().filter((k) => !rig.receiver.store.hasRecord(STATION, k.sensor, k.ts));
  return { clock, rig, gateway, lost };
}

describe('a station end to end (real PTY, real Mosquitto)', () => {
  it('(a) 10 simulated minutes: every one-minute record reaches the receiver exactly once, QC-flagged', async () => {
    const { clock, rig, gateway, lost } = await station(30);
    const start = clock.now();
    gateway.start();
    await clock.sleep(10 * 60_000 + 3000);
    await waitFor('outbox to drain', () => gateway.outbox.counts().outboxBatches === 0);
    const c = gateway.outbox.counts();
    // 10 minutes from a random phase: 9 whole minutes closed at least, 10 when the first partial one had data.
    expect(c.recordsCommitted).toBeGreaterThanOrEqual(9);
    expect(lost()).toEqual([]);
    expect(rig.receiver.store.counts()).toMatchObject({ records: c.recordsCommitted, duplicateRecords: 0 });
    // One record per minute, no gap: the minutes are consecutive.
    const minutes = gateway.outbox.committedKeys().map((k) => k.ts);
    // The first record is the minute the gateway started in, or the next one when it started
    // too close to the boundary for a reading to arrive before it.
    expect(minutes[0]!).toBeLessThanOrEqual(Math.floor(start / 60_000) * 60_000 + 60_000);
    minutes.forEach((m, i) => i && expect(m - minutes[i - 1]!).toBe(60_000));
    // Records carry values in WMO units with QC flags.
    const row = rig.receiver.store.db.prepare('SELECT record FROM records ORDER BY ts DESC LIMIT 1 OFFSET 1').get() as { record: string };
    const rec = JSON.parse(row.record);
    expect(rec.values.air_temperature.f).toBe('good');
    expect(rec.values.air_temperature.v).toBeGreaterThan(5);
    expect(rec.values.air_pressure.v).toBeGreaterThan(990);
    expect(rec.values.wind_speed.n).toBeGreaterThan(10);
  });

  it('(b) broker down for 4 simulated minutes, then back: nothing lost, the backlog is delivered', async () => {
    const { clock, rig, gateway, lost } = await station(30);
    gateway.start();
    await clock.sleep(2 * 60_000 + 3000);
    await waitFor('first records acked', () => gateway.outbox.counts().recordsAcked >= 1);
    await rig.broker.stop();
    await clock.sleep(4 * 60_000);
    const during = gateway.outbox.counts();
    expect(during.outboxBatches).toBeGreaterThanOrEqual(2); // committed while the link was dead
    await rig.broker.restart();
    await clock.sleep(60_000);
    await waitFor('backlog to drain', () => gateway.outbox.counts().outboxBatches === 0, 30_000);
    expect(gateway.outbox.counts().recordsCommitted).toBeGreaterThanOrEqual(6);
    expect(lost()).toEqual([]);
  });

  it('(d) the PTY closed and reopened: readings resume within 5 s', async () => {
    const { rig, gateway } = await station(1);
    let last = 0;
    gateway.on('observations', () => { last = Date.now(); });
    gateway.start();
    await waitFor('first readings', () => last > 0);
    await rig.device.exposure.unplug();
    await new Promise((r) => setTimeout(r, 1500));
    const silentSince = Date.now();
    expect(last).toBeLessThan(silentSince - 500); // nothing arrives while unplugged
    await rig.device.exposure.replug();
    const replugged = Date.now();
    await waitFor('readings after replug', () => last > replugged, 5000);
    expect(last - replugged).toBeLessThan(5000);
  });

  it('(e) broker unreachable at start: the gateway ingests and stores anyway, and delivers when it appears', async () => {
    const port = await freePort();
    const { clock, rig, gateway, lost } = await station(30, `mqtt://127.0.0.1:${port}`);
    gateway.start();
    await clock.sleep(3 * 60_000 + 3000);
    const before = gateway.outbox.counts();
    expect(before.recordsCommitted).toBeGreaterThanOrEqual(2);
    expect(before.recordsAcked).toBe(0);
    // The central side comes up on that address: a broker, and the receiver behind it.
    const late = await Mosquitto.startOn(port);
    cleanup.push(() => late.stop());
    const { Receiver } = await import('../../hw-sim/receiver/index.ts');
    const receiver = new Receiver({ broker: late.url, dbPath: `${rig.dir}/late-receiver.db`, group: 'e2e' });
    await receiver.start();
    cleanup.push(() => receiver.stop());
    await waitFor('backlog delivered', () => gateway.outbox.counts().outboxBatches === 0, 30_000);
    expect(gateway.outbox.committedKeys().filter((k) => !receiver.store.hasRecord(STATION, k.sensor, k.ts))).toEqual([]);
    expect(lost().length).toBe(gateway.outbox.counts().recordsCommitted); // the first receiver never saw the broker
  });

  it('(f) garbage, torn lines and invalid values on the wire: counted, flagged, the good data kept', async () => {
    const { clock, rig, gateway } = await station(30);
    (rig.device.twin as Wxt530Twin).setFaults({ noise: 0.3, tornLines: 0.1, invalidValue: 0.2 });
    gateway.start();
    // raw readings are written at the commits (each minute in this rig): the last one is ≥ 2 minutes in
    await clock.sleep(4 * 60_000 + 3000);
    const [health] = gateway.health();
    expect(health!.rejections).toBeGreaterThan(5);
    expect(gateway.outbox.counts().recordsCommitted).toBeGreaterThanOrEqual(2);
    const rows = allRaw(gateway.db).map((o) => ({ value: o.value, flag: o.qc.flag }));
    expect(rows.length).toBeGreaterThan(250);
    // Never a value without a flag; every absent value is `missing`; the good ones are there.
    expect(rows.every((r) => ['good', 'suspect', 'bad', 'missing', 'not_checked'].includes(r.flag))).toBe(true);
    expect(rows.filter((r) => r.value === null).every((r) => r.flag === 'missing')).toBe(true);
    expect(rows.filter((r) => r.value === null).length).toBeGreaterThan(0);
    expect(rows.filter((r) => r.flag === 'good').length).toBeGreaterThan(rows.length / 2);
  });
});
