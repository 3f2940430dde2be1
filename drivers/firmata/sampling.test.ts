// The board's sampling interval: the driver sets it once the board is up, before it asks for
// analog and continuous I²C reports (driver.ts samplingIntervalFor).
import { describe, expect, it } from 'vitest';
import { ManualClock, ScaledClock } from '../../core/index.ts';
import { MemoryTransport } from '../transport/memory.ts';
import { FirmataBoardDriver, samplingIntervalFor } from './driver.ts';
import { UNO_HANDSHAKE } from './testing.ts';

const SAMPLING_INTERVAL = (ms: number) => String.fromCharCode(0xf0, 0x7a, ms & 0x7f, (ms >> 7) & 0x7f, 0xf7);

describe('Firmata sampling interval', () => {
  it('a tenth of the report interval in real time, within 19–100 ms', () => {
    expect(samplingIntervalFor(1000, 1)).toBe(100);
    expect(samplingIntervalFor(60_000, 1)).toBe(100);
    expect(samplingIntervalFor(500, 1)).toBe(50);
    expect(samplingIntervalFor(100, 1)).toBe(19);
    expect(samplingIntervalFor(1000, 20)).toBe(19); // a fast scenario clock keeps the firmware's rate
  });

  it('is sent after the handshake and before the vane and BMP280 reports are asked for', async () => {
    const transport = new MemoryTransport();
    const driver = new FirmataBoardDriver({ sensor: 'board', transport, clock: new ManualClock(), vane: { channel: 0 }, bmp280: { address: 0x77 } });
    expect(driver.samplingMs).toBe(100);
    const ready = new Promise((r) => driver.once('ready', r));
    driver.start();
    await new Promise((r) => setTimeout(r, 5));
    transport.device.send(UNO_HANDSHAKE);
    await ready;
    const host = transport.written.join('');
    const at = host.indexOf(SAMPLING_INTERVAL(100));
    expect(at).toBeGreaterThan(-1);
    expect(host.indexOf('\xc0\x01')).toBeGreaterThan(at); // REPORT_ANALOG A0 on
    await driver.stop();
  });

  it('can be given, and is checked', () => {
    const transport = new MemoryTransport();
    expect(new FirmataBoardDriver({ sensor: 'b', transport, clock: new ScaledClock({ speed: 60 }), samplingIntervalMs: 250 }).samplingMs).toBe(250);
    expect(() => new FirmataBoardDriver({ sensor: 'b', transport, clock: new ManualClock(), samplingIntervalMs: 5 })).toThrow(RangeError);
  });
});
