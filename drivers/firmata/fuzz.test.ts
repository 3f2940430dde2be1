// Fuzzing (fast-check): random and mutated Firmata byte streams through the real firmata.js
// and johnny-five into the driver, and random bytes into every pure decoder. Never a throw,
// never a hang, never a value without a flag; a value is always a finite number in range.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ManualClock, type Observation } from '../../core/index.ts';
import { MemoryTransport } from '../transport/memory.ts';
import { compensate, parseCalibration, parseRawData } from './bmp280.ts';
import { FirmataBoardDriver } from './driver.ts';
import { scanFirmata } from './probe.ts';
import { UNO_HANDSHAKE } from './testing.ts';
import { vaneDirection } from './vane.ts';

const i2c = (reg: number, data: number[]) => [0xf0, 0x77, 0x77, 0, reg, 1, ...data.flatMap((b) => [b & 0x7f, b >> 7]), 0xf7];
const CALIB = [27504, 26435, -1000, 36477, -10685, 3024, 2855, 140, -7, 15500, -14600, 6000].flatMap((w) => [w & 0xff, (w >> 8) & 0xff]);
// Messages a board really sends; the mutations start from these.
const VALID: number[][] = [
  [0x90, 0x7b, 0x01], [0x90, 0x7f, 0x01], [0xe0, 0x2c, 0x06], [0xe0, 0x7f, 0x07], [0xf9, 2, 5],
  [0xf0, 0x77, 0x77, 0, 0x77, 1, 0x65, 0, 0x5a, 0, 0x40, 1, 0x7e, 0, 0x6d, 1, 0, 0, 0xf7],
];

const message = fc.oneof(
  fc.constantFrom(...VALID),
  fc.tuple(fc.constantFrom(...VALID), fc.nat(30), fc.nat(255)).map(([m, i, b]) => m.map((x, k) => (k === i % m.length ? b : x))),
  fc.array(fc.nat(255), { minLength: 1, maxLength: 24 }),
);

function collect(d: FirmataBoardDriver) {
  const obs: Observation[] = [];
  d.on('observations', (o: Observation[]) => obs.push(...o));
  d.on('rejection', () => {});
  return obs;
}

function checkAll(obs: Observation[]) {
  for (const o of obs) {
    expect(o.qc).toBeDefined();
    if (o.value === null) expect(o.qc.flag).toBe('missing');
    else {
      expect(Number.isFinite(o.value)).toBe(true);
      expect(o.qc.flag).toBe('not_checked');
      if (o.quantity === 'air_pressure') expect(o.value >= 300 && o.value <= 1100).toBe(true);
      if (o.quantity === 'wind_from_direction') expect(o.value >= 0 && o.value < 360).toBe(true);
      if (o.quantity === 'wind_speed' || o.quantity === 'wind_speed_of_gust' || o.quantity.startsWith('precipitation')) expect(o.value).toBeGreaterThanOrEqual(0);
    }
  }
}

describe('fuzzing the Firmata board driver', () => {
  it('100,000 random and mutated board messages through firmata.js + johnny-five', async () => {
    const clock = new ManualClock();
    const transport = new MemoryTransport();
    const driver = new FirmataBoardDriver({
      sensor: 'fz', clock, transport, reportIntervalMs: 1000,
      anemometer: { pin: 2, msPerHz: 0.6667 }, rain: { pin: 3, mmPerTip: 0.2794 }, vane: { channel: 0 }, bmp280: { address: 0x77 },
    });
    const obs = collect(driver);
    const ready = new Promise((r) => driver.once('ready', r));
    driver.start();
    await new Promise((r) => setTimeout(r, 5));
    transport.device.send(UNO_HANDSHAKE);
    await ready;
    transport.device.send(Buffer.from(i2c(0x08, CALIB))); // register 0x88 = 8 | 1 << 7
    const samples = fc.sample(message, { numRuns: 100_000, seed: 4 });
    let i = 0;
    for (const m of samples) {
      transport.device.send(Buffer.from(m));
      if (++i % 1000 === 0) clock.advance(1000);
    }
    checkAll(obs);
    for (const q of ['air_pressure', 'wind_from_direction', 'wind_speed']) expect(obs.some((o) => o.quantity === q && o.value !== null)).toBe(true);
    expect(obs.length).toBeGreaterThanOrEqual(100 * 5);
    expect(driver.stats().lines).toBe(100);
    await driver.stop();
  }, 120_000);

  it('random bytes into every pure decoder (100,000 runs)', () => {
    fc.assert(fc.property(fc.uint8Array({ minLength: 0, maxLength: 64 }), fc.integer({ min: -5, max: 2000 }), (bytes, adc) => {
      scanFirmata(Buffer.from(bytes));
      const v = vaneDirection(adc);
      if (!('reason' in v)) expect(v.deg % 22.5).toBe(0);
      const c = parseCalibration(bytes.subarray(0, 24));
      const r = parseRawData(bytes.subarray(24, 30));
      if (!('reason' in c) && !('reason' in r)) {
        const out = compensate(r.adcT, r.adcP, c);
        if (!('reason' in out)) expect(Number.isFinite(out.pPa) && Number.isFinite(out.tC)).toBe(true);
      }
    }), { numRuns: 100_000 });
  });
});
