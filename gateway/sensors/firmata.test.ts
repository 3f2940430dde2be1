// The station-file entry of a Firmata board: SparkFun defaults, `false` for an instrument
// that is not wired, refusals with a reason.
import { describe, expect, it } from 'vitest';
import { firmata } from './firmata.ts';

describe('firmata-board station entry', () => {
  it('defaults to the SparkFun weather meter wiring and a BMP280 at 0x77', () => {
    const c = firmata.schema.parse({ id: 'board', type: 'firmata-board', port: '/dev/ttyACM0' });
    expect(c).toMatchObject({ baud: 57600, anemometer: { pin: 2 }, rain: { pin: 3, mm_per_tip: 0.2794, debounce_ms: 100 }, vane: { analog_pin: 0, pull_up_ohms: 10_000 }, bmp280: { address: 0x77 } });
  });
  it('false = not wired', () => {
    const c = firmata.schema.parse({ id: 'board', type: 'firmata-board', port: '/dev/ttyACM0', bmp280: false, vane: false });
    expect(c.bmp280).toBe(false);
    expect(c.vane).toBe(false);
  });
  it('refuses a shared pin, an unknown key and a bad address', () => {
    expect(() => firmata.schema.parse({ id: 'b', type: 'firmata-board', port: '/dev/x', anemometer: { pin: 3 } })).toThrow(/share a pin/);
    expect(() => firmata.schema.parse({ id: 'b', type: 'firmata-board', port: '/dev/x', wind: {} })).toThrow();
    expect(() => firmata.schema.parse({ id: 'b', type: 'firmata-board', port: '/dev/x', bmp280: { address: 0x40 } })).toThrow();
  });
});
