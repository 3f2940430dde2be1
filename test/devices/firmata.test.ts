// Firmata board: the board twin (StandardFirmata + anemometer, bucket, vane, BMP280) →
// real socat PTY → real serial transport → real firmata.js + johnny-five → FirmataBoardDriver;
// faults from the twin; unplug/replug; the probe against the board and other families.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock, type Clock, type Observation, type Rejection } from '../../core/index.ts';
import { createTransport } from '../../drivers/index.ts';
import { FirmataBoardDriver, type FirmataBoardOptions } from '../../drivers/firmata/driver.ts';

import { waitUntil } from '../../drivers/transport/testing/wait.ts';
import { exposePty, hasSocat, type PtyExposure } from '../../hw-sim/index.ts';
import { FirmataBoardTwin, SPARKFUN_WIRING } from '../../hw-sim/devices/firmata.ts';
import { constantScenario } from '../../hw-sim/devices/testing.ts';
import type { WeatherScenario } from '../../hw-sim/weather/types.ts';

const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

const W = SPARKFUN_WIRING;
const DRIVER_WIRING: Partial<FirmataBoardOptions> = {
  anemometer: { pin: W.anemometerPin, msPerHz: W.anemometerMsPerHz },
  rain: { pin: W.rainPin, mmPerTip: W.mmPerTip },
  vane: { channel: W.vaneChannel },
  bmp280: { address: W.bmp280Address },
};

// 6 m/s = 9 closures a second; 10 mm/h from the start; vane at 247.5°; 1008.37 hPa, 21.3 °C.
const scenario = (start: number, over = {}) => constantScenario({ wind_speed: 6, wind_from_direction: 250, air_pressure: 1008.37, air_temperature: 21.3, ...over }, (ts) => ({
  precipitation_amount_since_start: Math.max(0, ((ts - start) / 3_600_000) * 36), // 36 mm/h: a tip every 28 s… at 1×
}));

async function rig(opts: { clock?: Clock; scenario?: WeatherScenario; driver?: Partial<FirmataBoardOptions>; seed?: number } = {}) {
  const clock = opts.clock ?? systemClock;
  const twin = new FirmataBoardTwin({ clock, scenario: opts.scenario ?? scenario(clock.now()), seed: opts.seed });
  const exposure: PtyExposure = await exposePty(twin, { dir: mkdtempSync(join(tmpdir(), 'bonin-firmata-')) });
  twin.start();
  const transport = createTransport(exposure.path, { clock, baudRate: 57600, idleTimeoutMs: 2000 });
  const driver = new FirmataBoardDriver({ sensor: 'board', clock, transport, ...DRIVER_WIRING, ...opts.driver });
  const got = { obs: [] as Observation[], rej: [] as Rejection[], states: [] as string[] };
  driver.on('observations', (o: Observation[]) => got.obs.push(...o));
  driver.on('rejection', (r: Rejection) => got.rej.push(r));
  driver.on('state', (s: { state: string; detail?: string }) => got.states.push(s.detail ? `${s.state}: ${s.detail}` : s.state));
  cleanup.push(() => twin.stop(), () => exposure.close(), () => driver.stop());
  driver.start();
  return { twin, exposure, driver, got, clock };
}

const values = (obs: Observation[], q: string) => obs.filter((o) => o.quantity === q);

describe.skipIf(!hasSocat())('Firmata board over a real PTY through johnny-five', () => {
  it('round trip: truth → pulses, vane voltage, BMP280 registers → the same values within resolution', async () => {
    const { got, driver, twin } = await rig();
    await waitUntil(() => values(got.obs, 'air_pressure').length >= 3, 8000, 'three reports');
    expect(driver.stats().firmware).toBe('StandardFirmata.ino 2.5');
    const last = (q: string) => values(got.obs, q).at(-1)!;
    // 1-s windows of a 9-Hz pulse train: 8–10 closures (arrival batching moves an edge across a boundary)
    for (const o of values(got.obs, 'wind_speed').slice(1)) expect(Math.abs(o.value! - 6)).toBeLessThanOrEqual(0.67 + 1e-9);
    expect(last('wind_from_direction').value).toBe(247.5);
    expect(Math.abs(last('air_pressure').value! - 1008.37)).toBeLessThanOrEqual(0.01);
    for (const o of got.obs) expect(o.qc.flag).toBe('not_checked');
    expect(got.rej).toEqual([]);
    expect(twin.pinModes.get(W.anemometerPin)).toBe(0x0b); // pull-up, set by the driver
  });
});
