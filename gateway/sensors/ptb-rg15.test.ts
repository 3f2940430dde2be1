// The PTB330/PTB210 and RG-15 station-file entries: defaults, refusals, and the driver built.
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/index.ts';
import { PtbDriver, Rg15Driver, WxtNmeaDriver } from '../../drivers/index.ts';
import { sensorFamily, SENSOR_FAMILIES } from './index.ts';

const log = { info: () => {}, warn: () => {}, debug: () => {}, error: () => {} } as never;

describe('station-file families vaisala-ptb330, vaisala-ptb210, hydreon-rg15', () => {
  it('are registered', () => {
    expect(SENSOR_FAMILIES.map((f) => f.type)).toEqual(expect.arrayContaining(['vaisala-ptb330', 'vaisala-ptb210', 'hydreon-rg15']));
  });

  it('PTB330: E 7 1 at 9600, polled SEND every 10 s by default; a bad address or checksum kind is refused', () => {
    const f = sensorFamily('vaisala-ptb330');
    const c = f.schema.parse({ id: 'baro', type: 'vaisala-ptb330', port: '/dev/ttyUSB1' });
    expect(c).toMatchObject({ baud: 9600, data_bits: 7, parity: 'even', mode: 'polled', poll_interval_s: 10, checksum: 'auto' });
    const d = f.create(c, { clock: new ManualClock(), log });
    expect(d).toBeInstanceOf(PtbDriver);
    expect((d as PtbDriver).pollCommand()).toBe('SEND\r\n');
    expect(f.schema.safeParse({ id: 'baro', type: 'vaisala-ptb330', port: '/dev/ttyUSB1', address: 256 }).success).toBe(false);
    expect(f.schema.safeParse({ id: 'baro', type: 'vaisala-ptb330', port: '/dev/ttyUSB1', checksum: 'CRC' }).success).toBe(false);
    expect(f.expected).toEqual(['air_pressure']);
  });

  it('PTB210 is always polled with .P; RG-15 polls R and expects rain amount and rate', () => {
    const p = sensorFamily('vaisala-ptb210');
    const d = p.create(p.schema.parse({ id: 'b2', type: 'vaisala-ptb210', port: 'tcp://127.0.0.1:4001', mode: 'automatic' }), { clock: new ManualClock(), log }) as PtbDriver;
    expect([d.mode, d.pollCommand()]).toEqual(['polled', '.P\r']);
    const r = sensorFamily('hydreon-rg15');
    const c = r.schema.parse({ id: 'rain', type: 'hydreon-rg15', port: '/dev/ttyAMA0' });
    expect(c).toMatchObject({ baud: 9600, mode: 'polled', poll_interval_s: 10 });
    expect(r.create(c, { clock: new ManualClock(), log })).toBeInstanceOf(Rg15Driver);
    expect(r.expected).toEqual(['precipitation_amount', 'rainfall_rate']);
    expect(r.schema.safeParse({ ...c, units: 'imperial' }).success).toBe(false); // strict: unknown keys are typos
  });

  it('vaisala-wxt530 mode nmea builds the NMEA-mode driver', () => {
    const w = sensorFamily('vaisala-wxt530');
    expect(w.create(w.schema.parse({ id: 'wxt', type: 'vaisala-wxt530', port: '/dev/ttyUSB0', mode: 'nmea' }), { clock: new ManualClock(), log })).toBeInstanceOf(WxtNmeaDriver);
  });
});
