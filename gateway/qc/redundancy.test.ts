import { describe, expect, it } from 'vitest';
import type { MinuteRecord, MinuteValue } from '../../core/index.ts';
import { validateConfig } from '../config/load.ts';
import { crossCheck } from './redundancy.ts';

const g = (v: number | null, f: MinuteValue['f'] = 'good'): MinuteValue => ({ v, f, n: 60 });
const minute = (sensor: string, values: MinuteRecord['values']): MinuteRecord => ({ ts: 0, sensor, values });
const rules = { wind_speed: { primary: 'wxt', backup: 'sonic' }, wind_from_direction: { primary: 'wxt', backup: 'sonic', tolerance: 20 } };

describe('redundant sensors: cross-check and failover', () => {
  it('agreeing sensors: nothing flagged, the primary is the station value', () => {
    const c = crossCheck([minute('wxt', { wind_speed: g(6) }), minute('sonic', { wind_speed: g(6.8) })], rules);
    expect(c.records.map((r) => r.values.wind_speed!.f)).toEqual(['good', 'good']);
    expect(c.station).toMatchObject({ values: { wind_speed: { v: 6 } }, source: { wind_speed: 'wxt' } });
  });
  it('disagreement beyond the tolerance flags both suspect (consistency); the primary stays in use', () => {
    const c = crossCheck([minute('wxt', { wind_speed: g(6) }), minute('sonic', { wind_speed: g(9) })], rules);
    for (const r of c.records) expect(r.values.wind_speed).toMatchObject({ f: 'suspect', r: ['consistency'] });
    expect(c.station!.source.wind_speed).toBe('wxt');
  });
  it('directions are compared around north: 355° and 5° agree', () => {
    const c = crossCheck([minute('wxt', { wind_from_direction: g(355) }), minute('sonic', { wind_from_direction: g(5) })], rules);
    expect(c.records.map((r) => r.values.wind_from_direction!.f)).toEqual(['good', 'good']);
  });
  it('fails over to the backup when the primary is bad or missing, and back when it recovers', () => {
    const down = crossCheck([minute('wxt', { wind_speed: g(null, 'missing') }), minute('sonic', { wind_speed: g(7) })], rules);
    expect(down.station!.source.wind_speed).toBe('sonic');
    expect(down.station!.values.wind_speed!.v).toBe(7);
    const bad = crossCheck([minute('wxt', { wind_speed: g(80, 'bad') }), minute('sonic', { wind_speed: g(7) })], rules);
    expect(bad.station!.source.wind_speed).toBe('sonic');
    const back = crossCheck([minute('wxt', { wind_speed: g(7.2) }), minute('sonic', { wind_speed: g(7) })], rules);
    expect(back.station!.source.wind_speed).toBe('wxt');
  });
  it('both gone: the primary\'s missing value is reported, not invented', () => {
    const c = crossCheck([minute('wxt', { wind_speed: g(null, 'missing') })], rules);
    expect(c.station!.values.wind_speed).toMatchObject({ v: null, f: 'missing' });
  });
});

describe('qc.redundancy in the station file', () => {
  const base = { station: { id: 'a', name: 'T', latitude: 27, longitude: 142, elevation_m: 3 }, storage: { path: '/tmp/x.db' }, uplink: { broker: 'mqtt://h:1' }, sensors: [{ id: 'wxt530', type: 'vaisala-wxt530', port: '/dev/null' }, { id: 'wxt-b', type: 'vaisala-wxt530', port: '/dev/null' }] };
  it('accepts two sensors of the station, refuses an unknown id and the same sensor twice, with the key', () => {
    expect(validateConfig({ ...base, qc: { redundancy: { wind_speed: { primary: 'wxt530', backup: 'wxt-b', tolerance: 1.5 } } } }).qc.redundancy.wind_speed).toEqual({ primary: 'wxt530', backup: 'wxt-b', tolerance: 1.5 });
    expect(() => validateConfig({ ...base, qc: { redundancy: { wind_speed: { primary: 'wxt530', backup: 'sonic' } } } })).toThrow(/qc\.redundancy\.wind_speed\.backup: no sensor "sonic"/);
    expect(() => validateConfig({ ...base, qc: { redundancy: { wind_speed: { primary: 'wxt530', backup: 'wxt530' } } } })).toThrow(/two different sensors/);
  });
});
