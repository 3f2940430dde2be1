import { describe, expect, it } from 'vitest';
import { QC_FLAGS, QC_REASONS } from './qc.ts';
import { QUANTITY_NAMES } from './quantities.ts';
import { decodeCompact, encodeCompact, quantiseRecord, quantiseValue, type BatchPart } from './wire-compact.ts';
import { batchChecksum, PERIOD_STATS, type MinuteRecord, type WireRecord } from './wire.ts';

const T0 = Date.UTC(2026, 6, 1);
const minute = (i: number, t: number): MinuteRecord => ({
  ts: T0 + i * 60_000, sensor: 'wxt530',
  values: {
    wind_speed: { v: 5.234 + (i % 3), f: 'good', n: 60 },
    wind_from_direction: { v: (350 + i * 7) % 360, f: 'good', n: 60 },
    air_temperature: { v: t, f: 'good', n: 6 },
    air_pressure: { v: 1012.347, f: 'good', n: 6 },
    precipitation_amount: { v: 0, f: 'good', n: 6 },
  },
});
const roundTrip = (parts: BatchPart[]) => {
  const d = decodeCompact('STN', encodeCompact('STN', parts));
  if (!d.ok) throw new Error(d.error);
  return d.batches;
};

describe('compact encoding', () => {
  it('round-trips records to exactly their quantised values, with seqs, station and checksums', () => {
    const parts: BatchPart[] = [
      { seq: 41, created: T0 + 61_234, records: [minute(0, 24.113)] },
      { seq: 42, created: T0 + 121_987, records: [minute(1, -3.07), minute(2, 0.04)] },
      { seq: 45, created: T0 + 181_000, records: [] },
    ];
    const out = roundTrip(parts);
    expect(out.map((b) => [b.seq, b.created, b.station])).toEqual([[41, T0 + 61_000], [42, T0 + 122_000], [45, T0 + 181_000]].map(([s, c]) => [s, c, 'STN']));
    parts.forEach((p, i) => {
      expect(out[i]!.records).toEqual(p.records.map(quantiseRecord));
      expect(out[i]!.sha256).toBe(batchChecksum('STN', p.seq, out[i]!.records));
    });
    expect(out[0]!.records[0]!.values.air_temperature!.v).toBe(24.1);
    expect(out[1]!.records[0]!.values.air_temperature!.v).toBe(-3.1);
    expect(Object.is(out[1]!.records[1]!.values.air_temperature!.v, 0)).toBe(true); // 0.04 → 0, never −0
  });

  it('carries every flag, every reason combination, null values, missing quantities and several sensors', () => {
    const recs: MinuteRecord[] = [];
    let i = 0;
    for (const f of QC_FLAGS) {
      for (let mask = 0; mask < 1 << QC_REASONS.length; mask += 13) {
        const r = QC_REASONS.filter((_, b) => mask & (1 << b));
        const q = QUANTITY_NAMES[i % QUANTITY_NAMES.length]!;
        const v = i % 4 === 0 ? null : quantiseValue(q, (i * 37.77) % 1100 - 50);
        recs.push({ ts: T0 + i * 60_000, sensor: i % 5 ? 'wxt530' : 'rg15', values: { [q]: { v, f, n: i % 70, ...(r.length ? { r } : {}) } } });
        i++;
      }
    }
    recs.push({ ts: T0 - 1, sensor: 'empty', values: {} }); // a record with no value at all, ts going back
    const out = roundTrip([{ seq: 1, created: T0, records: recs }]);
    expect(out[0]!.records).toEqual(recs);
  });

  it('carries 10-min and hourly aggregates beside minutes: period, every statistic, every flag, nulls (format version 2)', () => {
    const keys = [...QUANTITY_NAMES, ...PERIOD_STATS];
    const aggs: WireRecord[] = [];
    let i = 0;
    for (const f of QC_FLAGS) {
      for (const k of keys) {
        const r = QC_REASONS.filter((_, b) => (i * 7) & (1 << b));
        const v = i % 5 === 0 ? null : quantiseValue(k, (i * 13.37) % 400 - 20);
        aggs.push({ ts: T0 + i * 600_000, sensor: i % 3 ? 'wxt530' : 'windsonic', period: i % 2 ? '10min' : '1h', values: { [k]: { v, f, n: i % 61, ...(r.length ? { r } : {}) } } });
        i++;
      }
    }
    // mixed in one message: minutes, a 10-min and an hourly aggregate on the same ts (keyed apart by period)
    const mixed: WireRecord[] = [minute(0, 20.04), { ...minute(0, 20.5), period: '10min' }, { ...minute(0, 21), period: '1h' }, minute(1, 20.2)];
    const parts: BatchPart[] = [{ seq: 7, created: T0, records: mixed }, { seq: 8, created: T0 + 60_000, records: aggs }];
    const msg = encodeCompact('STN', parts);
    expect(msg[1]).toBe(2);
    const out = roundTrip(parts);
    expect(out[0]!.records).toEqual(mixed.map(quantiseRecord));
    expect(out[0]!.records.map((r) => r.period)).toEqual([undefined, '10min', '1h', undefined]);
    expect('period' in out[0]!.records[0]!).toBe(false); // a minute comes back exactly as wire v1 sent it
    expect(out[1]!.records).toEqual(aggs);
    expect(out[1]!.sha256).toBe(batchChecksum('STN', 8, aggs));
    // the aggregates' statistics at their own resolution
    expect(quantiseValue('air_pressure_tendency_characteristic', 2.4)).toBe(2);
    expect(quantiseValue('wind_from_direction_sd', 12.345)).toBe(12.3);
  });

  it('writes format version 1, byte for byte as before, when a message holds minutes only', () => {
    const msg = encodeCompact('STN', [{ seq: 1, created: T0, records: [minute(0, 20), minute(1, 20.5)] }]);
    expect(msg[1]).toBe(1);
    const d = decodeCompact('STN', msg);
    expect(d.ok && d.batches[0]!.records.every((r) => !('period' in r))).toBe(true);
  });

  it('quantises to the sensor resolution and documents it by quantiseRecord', () => {
    expect(quantiseValue('wind_from_direction', 359.6)).toBe(360);
    expect(quantiseValue('precipitation_amount', 0.125)).toBe(0.13);
    expect(quantiseValue('air_pressure', 1012.25)).toBe(1012.3);
    const r: MinuteRecord = { ts: T0, sensor: 's', values: { air_temperature: { v: 1, f: 'suspect', n: 1, r: ['step', 'range'] }, wind_speed: { v: 1, f: 'good', n: 1, r: [] } } };
    expect(quantiseRecord(r).values).toEqual({ air_temperature: { v: 1, f: 'suspect', n: 1, r: ['range', 'step'] }, wind_speed: { v: 1, f: 'good', n: 1 } });
  });

  it('refuses a corrupted, truncated, foreign or unknown-version message with a reason, never a throw', () => {
    const msg = encodeCompact('STN', [{ seq: 1, created: T0, records: [minute(0, 20), minute(1, 20.5)] }]);
    expect(decodeCompact('OTHER', msg)).toMatchObject({ ok: false, error: expect.stringMatching(/checksum/) });
    const flipped = Buffer.from(msg);
    flipped[flipped.length - 3]! ^= 0x10;
    expect(decodeCompact('STN', flipped).ok).toBe(false);
    expect(decodeCompact('STN', msg.subarray(0, msg.length - 5)).ok).toBe(false);
    const v9 = Buffer.from(msg);
    v9[1] = 9;
    expect(decodeCompact('STN', v9)).toMatchObject({ ok: false, error: expect.stringMatching(/version 9/) });
    expect(decodeCompact('STN', Buffer.from('{"v":1}')).ok).toBe(false);
    for (let n = 0; n < 200; n++) {
      const junk = Buffer.from(msg);
      junk[3 + (n % (junk.length - 3))] = (n * 97) & 0xff;
      expect(() => decodeCompact('STN', junk)).not.toThrow();
    }
  });

  it('refuses values it cannot carry instead of sending something else', () => {
    const bad: MinuteRecord = { ts: T0, sensor: 's', values: { air_temperature: { v: Number.NaN, f: 'good', n: 1 } } };
    expect(() => encodeCompact('STN', [{ seq: 1, created: T0, records: [bad] }])).toThrow(/not finite/);
    expect(() => encodeCompact('STN', [])).toThrow(/nothing/);
  });
});
