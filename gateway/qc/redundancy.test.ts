import { describe, expect, it } from 'vitest';
import type { MinuteRecord, MinuteValue } from '../../core/index.ts';
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
