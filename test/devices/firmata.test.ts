// Firmata board: the board twin (StandardFirmata + anemometer, bucket, vane, BMP280) →
// real socat PTY → real serial transport → real firmata.js + johnny-five → FirmataBoardDriver;
// faults from the twin; unplug/replug; the probe against the board and other families.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ScaledClock, systemClock, type Clock, type Observation, type Rejection } from '../../core/index.ts';
import { createTransport } from '../../drivers/index.ts';
import { FirmataBoardDriver, type FirmataBoardOptions } from '../../drivers/firmata/driver.ts';
import { probeFirmata } from '../../drivers/firmata/probe.ts';
import { probeWxt530 } from '../../drivers/wxt530/probe.ts';

import { waitUntil } from '../../drivers/transport/testing/wait.ts';
import { exposePty, hasSocat, Wxt530Twin, type PtyExposure } from '../../hw-sim/index.ts';
import { FirmataBoardTwin, SPARKFUN_WIRING, type FirmataFaults } from '../../hw-sim/devices/firmata.ts';
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
const scenario = (start: number, mmPerHour = 36) => constantScenario({ wind_speed: 6, wind_from_direction: 250, air_pressure: 1008.37, air_temperature: 21.3 }, (ts) => ({
  precipitation_amount_since_start: Math.max(0, ((ts - start) / 3_600_000) * mmPerHour),
}));

async function rig(opts: { clock?: Clock; scenario?: WeatherScenario; driver?: Partial<FirmataBoardOptions>; seed?: number; faults?: FirmataFaults } = {}) {
  const clock = opts.clock ?? systemClock;
  const twin = new FirmataBoardTwin({ clock, scenario: opts.scenario ?? scenario(clock.now()), seed: opts.seed });
  const exposure: PtyExposure = await exposePty(twin, { dir: mkdtempSync(join(tmpdir(), 'bonin-firmata-')) });
  if (opts.faults) twin.setFaults(opts.faults);
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
    // Every value arrives unchecked (QC is the gateway's). On a loaded machine a 1-s report can
    // miss a sample (an I²C or analog read late): then it says `missing`, with a rejection why —
    // never a stale or invented value, and never most of the time.
    const flagged = got.obs.filter((o) => o.qc.flag !== 'not_checked');
    expect(flagged.every((o) => o.value === null && o.qc.flag === 'missing' && o.qc.reasons.includes('sensor_status'))).toBe(true);
    expect(flagged.length).toBeLessThanOrEqual(got.obs.length / 4);
    expect(got.rej.length).toBeLessThanOrEqual(flagged.length);
    expect(twin.pinModes.get(W.anemometerPin)).toBe(0x0b); // pull-up, set by the driver
  });

  it('rain round trip at 20× speed: tips × 0.2794 mm follow the truth to within one tip', async () => {
    const clock = new ScaledClock({ speed: 20 });
    const start = clock.now();
    const { driver, got } = await rig({ clock, scenario: scenario(start, 360) }); // a tip every 2.8 s of clock
    await waitUntil(() => driver.stats().rainTips >= 8, 10_000, 'eight tips');
    // Between two reports the counter grows as the truth does, to within a tip at each end
    // (tips are stamped on arrival, and arrivals are batched: serial-node.md).
    const counters = values(got.obs, 'precipitation_amount_since_reset');
    const [a, b] = [counters[1]!, counters.at(-1)!];
    const truth = scenario(start, 360);
    const dTruth = truth.at(b.ts).precipitation_amount_since_start - truth.at(a.ts).precipitation_amount_since_start;
    expect(dTruth).toBeGreaterThan(5 * 0.2794);
    expect(Math.abs(b.value! - a.value! - dTruth)).toBeLessThanOrEqual(2 * 0.2794 + 1e-9);
    expect(driver.stats().rainBounces).toBe(0);
  });

  it('faults: a chattering bucket switch is debounced; noise bytes cost nothing; an open vane is refused, not guessed', async () => {
    const clock = new ScaledClock({ speed: 20 });
    const { driver, twin, got } = await rig({ clock, scenario: scenario(clock.now(), 360) });
    twin.setFaults({ bounce: true, noise: 0.3 });
    await waitUntil(() => driver.stats().rainTips >= 4, 10_000, 'four tips');
    expect(driver.stats().rainBounces).toBeGreaterThanOrEqual(2 * (driver.stats().rainTips - 1));
    const n = got.obs.length;
    twin.setFaults({ vaneOpen: true });
    await waitUntil(() => values(got.obs.slice(n), 'wind_from_direction').some((o) => o.value === null), 5000, 'vane refused');
    const bad = values(got.obs.slice(n), 'wind_from_direction').find((o) => o.value === null)!;
    expect(bad.qc).toEqual({ flag: 'missing', reasons: ['sensor_status'] });
    expect(got.rej.some((r) => /open circuit/.test(r.reason))).toBe(true);
    for (const o of values(got.obs, 'wind_speed').slice(2)) expect(o.value).not.toBeNull();
  });

  it('faults: stuck vane, pressure spike, BMP280 missing', async () => {
    const { twin, got } = await rig({ scenario: constantScenario({ wind_speed: 3, air_pressure: 1000 }, (ts) => ({ wind_from_direction: (ts / 50) % 360 })) });
    await waitUntil(() => values(got.obs, 'air_pressure').length >= 2, 8000, 'reports');
    twin.setFaults({ stuckVane: true });
    const n = got.obs.length;
    await waitUntil(() => values(got.obs.slice(n), 'wind_from_direction').length >= 3, 5000, 'stuck reports');
    const stuck = values(got.obs.slice(n), 'wind_from_direction').slice(1).map((o) => o.value);
    expect(new Set(stuck).size).toBe(1); // the driver reports the frozen value as it is: QC's persistence test flags it
    twin.spike({ pressure: true });
    await waitUntil(() => values(got.obs, 'air_pressure').some((o) => o.value! > 1050), 5000, 'spike');
    twin.setFaults({ noBmp280: true }); // continuous reads stop answering
    const m = got.obs.length;
    await waitUntil(() => values(got.obs.slice(m), 'air_pressure').some((o) => o.value === null), 6000, 'pressure missing');
    expect(got.rej.some((r) => /no measurement/.test(r.reason))).toBe(true);
  });

  it('faults: a silent board is reopened by the idle watchdog and comes back', async () => {
    const { twin, got } = await rig();
    await waitUntil(() => got.obs.length > 0, 8000, 'data');
    twin.setFaults({ silent: true });
    await waitUntil(() => got.states.some((s) => /idle timeout/.test(s)), 6000, 'idle watchdog');
    const opens = got.states.filter((s) => s.startsWith('open')).length;
    twin.setFaults({ silent: false });
    await waitUntil(() => got.states.filter((s) => s.startsWith('open')).length > opens, 6000, 'ready again');
  });

  it('faults: garbage on the wire (wrong baud rate): never ready, never a value', async () => {
    const { got, driver } = await rig({ faults: { garbage: true } });
    await new Promise((r) => setTimeout(r, 3000));
    expect(got.obs).toEqual([]);
    expect(got.states.some((s) => s.startsWith('open'))).toBe(false);
    expect(driver.stats().firmware).toBeNull();
  });

  it('unplug and replug: data again in < 5 s (new port, new Firmata, new Board)', async () => {
    const { exposure, got } = await rig();
    await waitUntil(() => got.obs.length > 0, 8000, 'data');
    await exposure.unplug();
    await new Promise((r) => setTimeout(r, 500));
    const n = got.obs.length;
    const t0 = Date.now();
    await exposure.replug();
    await waitUntil(() => values(got.obs.slice(n), 'air_pressure').some((o) => o.value !== null), 5000, 'data after replug');
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(got.states.filter((s) => s.startsWith('open')).length).toBeGreaterThanOrEqual(2);
  });
});

describe.skipIf(!hasSocat())('probeFirmata', () => {
  it('recognises the board and changes nothing (no pin mode, no reporting)', async () => {
    const twin = new FirmataBoardTwin({ clock: systemClock, scenario: scenario(Date.now()) });
    const exposure = await exposePty(twin, { dir: mkdtempSync(join(tmpdir(), 'bonin-firmata-')) });
    cleanup.push(() => twin.stop(), () => exposure.close());
    twin.start();
    await twin.stopAnnouncing(); // a board long past its reset: the probe has to ask
    const r = await probeFirmata(createTransport(exposure.path, { clock: systemClock, baudRate: 57600 }), systemClock, 1500);
    expect(r).toEqual({ found: true, confidence: 1, identity: { protocol: '2.5', firmware: 'StandardFirmata.ino 2.5' } });
    expect(twin.pinModes.size).toBe(0);
    expect([...twin.seen.keys()].sort()).toEqual([0xf9, (0xf0 << 8) | 0x79]);
  });

  it('does not claim a WXT530, and the WXT530 probe does not claim the board', async () => {
    const wxt = new Wxt530Twin({ clock: systemClock, scenario: scenario(Date.now()), settings: { windIntervalS: 1 } });
    const board = new FirmataBoardTwin({ clock: systemClock, scenario: scenario(Date.now()) });
    const dir = mkdtempSync(join(tmpdir(), 'bonin-firmata-'));
    const [ew, eb] = [await exposePty(wxt, { dir, name: 'wxt' }), await exposePty(board, { dir, name: 'board' })];
    cleanup.push(() => wxt.stop(), () => board.stop(), () => ew.close(), () => eb.close());
    wxt.start();
    board.start();
    expect((await probeFirmata(createTransport(ew.path, { clock: systemClock, baudRate: 19200 }), systemClock, 1200)).found).toBe(false);
    expect((await probeWxt530(createTransport(eb.path, { clock: systemClock, baudRate: 57600 }), systemClock, 1200)).found).toBe(false);
  });
});
