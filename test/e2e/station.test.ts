// A whole station end to end: simulated WXT530 over a real PTY → gateway → real Mosquitto →
// reference receiver → ack. Scenarios (a), (b) and (d) of issue #3; (c) is in kill.test.ts.
import { afterEach, describe, expect, it } from 'vitest';
import { ScaledClock } from '../../core/index.ts';
import { validateConfig } from '../../gateway/config/load.ts';
import { createLogger } from '../../gateway/log.ts';
import { StationGateway } from '../../gateway/pipeline/station.ts';
import { STATION, startRig } from '../helpers/station.ts';
import { waitFor } from '../helpers/wait.ts';

const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

async function station(speed: number) {
  const clock = new ScaledClock({ speed });
  const rig = await startRig(clock);
  cleanup.push(() => rig.stop());
  const gateway = new StationGateway(validateConfig(rig.config), clock, createLogger({ level: 'silent' }));
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
    expect(c.recordsCommitted).toBeGreaterThanOrEqual(10);
    expect(lost()).toEqual([]);
    expect(rig.receiver.store.counts()).toMatchObject({ records: c.recordsCommitted, duplicateRecords: 0 });
    // One record per minute, no gap: the minutes are consecutive.
    const minutes = gateway.outbox.committedKeys().map((k) => k.ts);
    expect(minutes[0]!).toBeLessThanOrEqual(start);
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
    expect(during.outboxBatches).toBeGreaterThanOrEqual(3); // committed while the link was dead
    await rig.broker.restart();
    await clock.sleep(60_000);
    await waitFor('backlog to drain', () => gateway.outbox.counts().outboxBatches === 0, 30_000);
    expect(gateway.outbox.counts().recordsCommitted).toBeGreaterThanOrEqual(7);
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
});
