// WXT530 in NMEA 0183 mode: the twin (aXU,M=N / M=Q) → real socat PTY → WxtNmeaDriver.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock, type Observation, type Rejection } from '../../core/index.ts';
import { createTransport, WxtNmeaDriver } from '../../drivers/index.ts';
import { waitUntil } from '../../drivers/transport/testing/wait.ts';
import { exposePty, hasSocat, Wxt530Twin, type WxtMode } from '../../hw-sim/index.ts';
import { constantScenario } from '../../hw-sim/devices/testing.ts';

const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

const scenario = constantScenario({ wind_speed: 6.34, wind_from_direction: 123.4, air_temperature: 24.66, relative_humidity: 71.23, air_pressure: 1012.37 });

async function rig(mode: WxtMode, address = '0', driverMode: 'automatic' | 'query' = 'automatic') {
  const twin = new Wxt530Twin({ clock: systemClock, scenario, mode, address, settings: { windIntervalS: 1, ptuIntervalS: 1, supervisorIntervalS: 1 } });
  const exposure = await exposePty(twin, { dir: mkdtempSync(join(tmpdir(), 'bonin-wxtn-')) });
  twin.start();
  const driver = new WxtNmeaDriver({ sensor: 'wxt', clock: systemClock, address, mode: driverMode, pollIntervalMs: 300, transport: createTransport(exposure.path, { clock: systemClock, baudRate: 19200 }) });
  const got = { obs: [] as Observation[], rej: [] as Rejection[], states: [] as string[] };
  driver.on('observations', (o: Observation[]) => got.obs.push(...o));
  driver.on('rejection', (r: Rejection) => got.rej.push(r));
  driver.on('state', (s: { state: string }) => got.states.push(s.state));
  cleanup.push(() => twin.stop(), () => exposure.close(), () => driver.stop());
  driver.start();
  return { twin, exposure, got };
}

const last = (obs: Observation[], q: string) => obs.filter((o) => o.quantity === q).at(-1)?.value;

describe.skipIf(!hasSocat())('WXT530 NMEA mode over a real PTY', () => {
  it('automatic (M=N): XDR sentences carry the truth within the device resolution', async () => {
    const { got } = await rig('N', '3');
    await waitUntil(() => ['wind_speed', 'air_pressure', 'heater_temperature'].every((q) => last(got.obs, q) !== undefined), 4000, 'wind, PTU, supervisor');
    expect(last(got.obs, 'wind_speed')).toBeCloseTo(6.3, 5); // 0.1 m/s
    expect(last(got.obs, 'wind_from_direction')).toBe(123); // 1°
    expect(last(got.obs, 'air_temperature')).toBeCloseTo(24.7, 5);
    expect(last(got.obs, 'relative_humidity')).toBeCloseTo(71.2, 5);
    expect(last(got.obs, 'air_pressure')).toBeCloseTo(1012.4, 5);
    // The port opened while the transmitter talked: only the first piece may be dropped (resync).
    expect(got.rej.filter((r) => r.reason !== 'partial line after (re)connect dropped')).toEqual([]);
  });

  it('query (M=Q): the driver asks $--WIQ,XDR*2D and gets every sensor', async () => {
    const { got } = await rig('Q', '0', 'query');
    await waitUntil(() => ['wind_speed', 'air_pressure', 'precipitation_amount_since_reset'].every((q) => last(got.obs, q) !== undefined), 4000, 'query replies');
    expect(got.rej).toEqual([]);
  });

  it('noise and torn lines are refused, never a wrong value; replug brings data back within 5 s', async () => {
    const { twin, got, exposure } = await rig('N');
    twin.setFaults({ noise: 0.5, tornLines: 0.5 });
    await waitUntil(() => got.rej.length >= 3, 6000, 'refusals');
    for (const o of got.obs.filter((x) => x.quantity === 'air_pressure')) expect(o.value).toBeCloseTo(1014.6 - 2.23, 5);
    twin.clearFaults();
    await exposure.unplug();
    await waitUntil(() => got.states.at(-1) === 'connecting', 4000, 'driver notices');
    await exposure.replug();
    const n = got.obs.length;
    const t0 = Date.now();
    await waitUntil(() => got.obs.length > n, 5000, 'data after replug');
    expect(Date.now() - t0).toBeLessThan(5000);
  }, 20_000);
});
