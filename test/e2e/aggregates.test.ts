// Issue #6 end to end: the simulated WXT530 over a real PTY → gateway → minute QC → 10-min and
// hourly aggregates in the station's store, and published: through a real Mosquitto to the
// reference receiver, in the same batches as the minutes (compact encoding), stored there
// beside the minute of the same start without replacing it. The clock starts at 05:57:30 so
// that, in 13 simulated minutes at 30×, an hour (05:00, seen for 2 minutes only) and a whole
// 10-min period (06:00–06:10) close.
import { afterEach, describe, expect, it } from 'vitest';
import { quantiseRecord, ScaledClock } from '../../core/index.ts';
import type { PeriodAggregate } from '../../gateway/aggregate/period.ts';
import { validateConfig } from '../../gateway/config/load.ts';
import { createLogger } from '../../gateway/log.ts';
import { StationGateway } from '../../gateway/pipeline/station.ts';
import { unpackJson } from '../../gateway/store/record-codec.ts';
import { STATION, startRig } from '../helpers/station.ts';
import { waitFor } from '../helpers/wait.ts';

const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

describe('aggregates end to end (real PTY, real Mosquitto)', () => {
  it('emits, stores and publishes 10-min and hourly aggregates, with availability flags', async () => {
    const H6 = Date.UTC(2026, 6, 1, 6, 0);
    const clock = new ScaledClock({ speed: 30, origin: H6 - 150_000 });
    const rig = await startRig(clock);
    cleanup.push(() => rig.stop());
    const gateway = new StationGateway(validateConfig(rig.config), clock, createLogger({ level: 'silent' }));
    cleanup.push(() => gateway.stop());
    const emitted: PeriodAggregate[] = [];
    gateway.on('aggregates', (a: PeriodAggregate[]) => emitted.push(...a));
    gateway.start();
    await clock.sleep(H6 + 10 * 60_000 + 3000 - clock.now());
    // the 06:09 minute closes 2 s after 06:10, and its transaction takes what it takes
    await waitFor('the 06:00 10-min aggregate', () => emitted.some((a) => a.period === '10min' && a.ts === H6));

    const hour = emitted.find((a) => a.period === '1h' && a.ts === H6 - 3_600_000);
    expect(hour, 'the 05:00 hour closes at 06:00').toBeDefined();
    // 2 of 60 minutes seen: means keep their value but are missing+incomplete; the tendency has no 3-h-old pressure.
    expect(hour!.values.air_temperature).toMatchObject({ f: 'missing', r: expect.arrayContaining(['incomplete']) });
    expect(hour!.values.air_temperature!.v).toBeGreaterThan(5);
    expect(hour!.values.air_pressure_tendency_characteristic).toMatchObject({ v: null, f: 'missing' });

    const ten = emitted.find((a) => a.period === '10min' && a.ts === H6);
    expect(ten, 'the 06:00–06:10 period closes at 06:10').toBeDefined();
    const v = ten!.values;
    for (const q of ['air_temperature', 'relative_humidity', 'air_pressure', 'wind_speed'] as const) expect(v[q], q).toMatchObject({ f: 'good', n: 10 });
    expect(v.wind_from_direction!.v).toBeGreaterThanOrEqual(0);
    expect(v.wind_from_direction_sd!.v).toBeGreaterThan(0);
    expect(v.wind_speed_of_gust!.v).toBeGreaterThanOrEqual(v.wind_speed!.v!);
    expect(v.air_temperature_max!.v).toBeGreaterThanOrEqual(v.air_temperature_min!.v!);
    expect(v.precipitation_amount!.v).toBeGreaterThanOrEqual(0);
    // what was emitted is what the store holds
    const stored = gateway.db.prepare("SELECT record FROM aggregates WHERE period = '10min' AND ts = ?").get(H6) as { record: Buffer };
    expect(unpackJson(stored.record)).toEqual(ten);

    // Published: the receiver holds both aggregates, keyed apart from the minutes of the same start.
    const sensor = ten!.sensor;
    await waitFor('the 10-min aggregate at the receiver', () => rig.receiver.store.hasRecord(STATION, sensor, H6, '10min'));
    await waitFor('the outbox to drain', () => gateway.outbox.counts().outboxBatches === 0);
    const wire = (a: PeriodAggregate) => quantiseRecord({ ts: a.ts, sensor: a.sensor, period: a.period, values: a.values });
    expect(rig.receiver.store.record(STATION, sensor, H6, '10min')).toEqual(wire(ten!));
    expect(rig.receiver.store.record(STATION, sensor, H6 - 3_600_000, '1h')).toEqual(wire(hour!));
    const minute = rig.receiver.store.record(STATION, sensor, H6);
    expect(minute).not.toHaveProperty('period');
    expect(minute!.values.air_temperature!.n).toBeLessThan(10); // a minute's handful of samples, not ten minutes
    // every aggregate the gateway built arrived, once; `records` still counts minutes only
    const built = gateway.db.prepare("SELECT count(*) AS n FROM aggregates WHERE period IN ('10min', '1h')").get() as { n: number };
    const rc = rig.receiver.store.counts();
    expect(rc).toMatchObject({ aggregates: built.n, records: gateway.outbox.counts().recordsCommitted, duplicateRecords: 0, rejected: 0 });
  }, 90_000);
});
