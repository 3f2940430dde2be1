// The receiver's nowcast table: a good message is stored once; a bad one is refused with the reason.
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { NowcastTable } from './nowcast.ts';

const TOPIC = 'bonin/v1/STN1/nowcast';
const msg = (over: Record<string, unknown> = {}) => Buffer.from(JSON.stringify({
  v: 1, station: 'STN1', model: '2026.11.25', ts: 1_800_000_000_000, made: 1_800_000_030_000,
  values: [{ quantity: 'air_temperature', unit: 'degC', horizon_h: 1, value: 21.5 }], rain_probability: 0.2, rain_hours: 3, substituted: [],
  ...over,
}));

describe('NowcastTable', () => {
  it('stores a nowcast once per (station, ts, model)', () => {
    const t = new NowcastTable(new Database(':memory:'));
    expect(t.accept(TOPIC, msg(), 1)).toMatchObject({ ok: true, stored: true });
    expect(t.accept(TOPIC, msg(), 2)).toMatchObject({ ok: true, stored: false });
    expect(t.accept(TOPIC, msg({ model: '2026.12.01' }), 3)).toMatchObject({ ok: true, stored: true });
    expect(t.list('STN1')).toHaveLength(2);
  });

  it('refuses what it cannot use, saying why, and stores nothing', () => {
    const t = new NowcastTable(new Database(':memory:'));
    expect(t.accept(TOPIC, Buffer.from('{not json'), 1)).toMatchObject({ ok: false, error: expect.stringContaining('not JSON') });
    expect(t.accept(TOPIC, Buffer.from('{"v":1,"station":"STN1","model":"m","ts":1,"made":1,"values":[{"quantity":"air_temperature","unit":"degC","horizon_h":1,"value":null}],"rain_probability":0,"rain_hours":3,"substituted":[]}'), 1))
      .toMatchObject({ ok: false, error: expect.stringContaining('values.0.value') });
    expect(t.accept('bonin/v1/STN2/nowcast', msg(), 1)).toMatchObject({ ok: false, error: expect.stringContaining('arrived on') });
    expect(t.list()).toEqual([]);
  });
});
