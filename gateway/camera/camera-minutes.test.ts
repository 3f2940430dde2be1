// A camera is a sensor whose features come every few minutes: the minute closer makes
// records only for the minutes that hold them (no `missing` minute every minute between),
// they travel in the compact encoding like any record, and an offline camera does not hold
// back the "last aggregated" mark the quota's raw eviction goes by.
import { afterEach, describe, expect, it } from 'vitest';
import { decodeCompact, encodeCompact, ManualClock, type Observation, type Quantity } from '../../core/index.ts';
import { MinuteCloser } from '../pipeline/minutes.ts';
import { openDatabase, Outbox, RawWriter, unpackRecord, type Db } from '../store/index.ts';
import { checkRange } from '../qc/range.ts';
import { featureObservations, type SkyFeatures } from './sky-features.ts';

const T0 = Date.UTC(2026, 6, 1, 3, 0);
const dbs: Db[] = [];
afterEach(() => dbs.splice(0).forEach((d) => d.close()));

const FEATURES: SkyFeatures = { width: 640, height: 360, daylight: true, brightness: 0.55, contrast: 0.2, cloud_fraction: 0.42, visibility_proxy: 0.21, lens_wet: false, lens_obstructed: false, sharpness: 0.5, dark_share: 0 };

function rig() {
  const db = openDatabase(':memory:');
  dbs.push(db);
  const clock = new ManualClock(T0);
  const raw = new RawWriter(db, clock);
  const outbox = new Outbox(db, 'STN');
  const sensors = new Map<string, readonly Quantity[]>([['wxt', ['air_temperature']], ['cam-east', []]]);
  const closer = new MinuteCloser({ db, raw, outbox, clock, elevationM: 3, sensors });
  return { db, clock, raw, outbox, closer };
}

describe('camera features through the minute closer', () => {
  it('closes only the minutes a camera sent features in, with their QC flags; the weather sensor every minute', () => {
    const r = rig();
    r.closer.start();
    for (let s = 0; s < 25 * 60; s++) {
      const t = r.clock.now();
      if (s % 10 === 0) r.raw.add([{ ts: t, sensor: 'wxt', quantity: 'air_temperature', value: 27, qc: { flag: 'good', reasons: [] } }]);
      if (s === 3 * 60 || s === 13 * 60) r.raw.add(featureObservations(s === 3 * 60 ? FEATURES : { ...FEATURES, daylight: false, cloud_fraction: null, visibility_proxy: null }, t, 'cam-east').map((o) => checkRange(o, {})));
      r.clock.advance(1000);
    }
    r.closer.stop();
    const cam = r.db.prepare("SELECT ts, record FROM minute_records WHERE sensor = 'cam-east' ORDER BY ts").all() as Array<{ ts: number; record: Buffer }>;
    expect(cam.map((c) => (c.ts - T0) / 60_000)).toEqual([3, 13]);
    const first = unpackRecord(cam[0]!.record);
    expect(first.values.cloud_area_fraction).toEqual({ v: 42, f: 'good', n: 1 });
    expect(first.values.lens_wet).toEqual({ v: 0, f: 'good', n: 1 });
    const night = unpackRecord(cam[1]!.record);
    expect(night.values.cloud_area_fraction).toMatchObject({ v: null, f: 'missing' });
    expect((r.db.prepare("SELECT count(*) AS n FROM minute_records WHERE sensor = 'wxt'").get() as { n: number }).n).toBeGreaterThanOrEqual(24);
  });

  it('sends the camera quantities in the compact encoding at their resolution', () => {
    const obs: Observation[] = featureObservations(FEATURES, T0, 'cam-east');
    const values = Object.fromEntries(obs.map((o) => [o.quantity, { v: o.value, f: 'good' as const, n: 1 }]));
    const msg = encodeCompact('STN', [{ seq: 1, created: T0, records: [{ ts: T0, sensor: 'cam-east', values }] }]);
    const back = decodeCompact('STN', msg);
    expect(back.ok).toBe(true);
    if (!back.ok) return;
    expect(back.batches[0]!.records[0]!.values).toMatchObject({ cloud_area_fraction: { v: 42 }, sky_brightness: { v: 0.55 }, visibility_proxy: { v: 0.21 }, lens_obstructed: { v: 0 } });
  });

  it('moves a silent camera\'s mark on, so the quota can still evict the other sensors\' raw readings', () => {
    const r = rig();
    r.closer.start();
    r.clock.advance(3 * 3_600_000);
    r.closer.closeDue();
    const mark = Number(r.outbox.getState('aggregated:cam-east'));
    // At most 70 min behind the clock (moved to 10 min back once it lags an hour more).
    expect(mark).toBeGreaterThanOrEqual(T0 + 3 * 3_600_000 - 71 * 60_000);
    r.closer.stop();
  });
});
