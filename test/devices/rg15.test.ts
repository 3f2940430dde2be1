// Hydreon RG-15: twin → real socat PTY → real serial transport → Rg15Driver. Round trip, faults,
// replug, the gauge's own power cycle mid-rain (no rain lost or counted twice by what the
// driver emits), a gateway restart, and the probe against the gauge and other families.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ScaledClock, systemClock, type Clock, type Observation, type Rejection } from '../../core/index.ts';
import { createTransport, probeRg15, probeRg15Port, Rg15Driver, type Rg15DeviceEvent } from '../../drivers/index.ts';
import { waitUntil } from '../../drivers/transport/testing/wait.ts';
import { exposePty, hasSocat, NmeaTwin, PtbTwin, Rg15Twin, WindsonicTwin, Wxt530Twin, type PtyExposure } from '../../hw-sim/index.ts';
import { constantScenario } from '../../hw-sim/devices/testing.ts';

const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

/** 36 mm/h from t0 on: 0.01 mm a second of clock time. */
const rainFrom = (t0: number) => constantScenario({ rainfall_rate: 36 }, (ts) => ({ precipitation_amount_since_start: Math.max(0, (ts - t0) / 1000) * 0.01 }));

function driverOn(path: string, clock: Clock, pollIntervalMs: number) {
  const driver = new Rg15Driver({ sensor: 'rain', clock, transport: createTransport(path, { clock, baudRate: 9600 }), pollIntervalMs });
  const got = { obs: [] as Observation[], rej: [] as Rejection[], states: [] as Array<{ state: string; detail?: string }>, device: [] as Rg15DeviceEvent[] };
  driver.on('observations', (o: Observation[]) => got.obs.push(...o));
  driver.on('rejection', (r: Rejection) => got.rej.push(r));
  driver.on('state', (s: { state: string; detail?: string }) => got.states.push(s));
  driver.on('device', (e: Rg15DeviceEvent) => got.device.push(e));
  cleanup.push(() => driver.stop());
  driver.start();
  return { driver, got };
}

async function rig(clock: Clock, twinOpts: Partial<ConstructorParameters<typeof Rg15Twin>[0]> = {}, pollIntervalMs = 200) {
  const twin = new Rg15Twin({ clock, scenario: rainFrom(clock.now()), ...twinOpts });
  const exposure: PtyExposure = await exposePty(twin, { dir: mkdtempSync(join(tmpdir(), 'bonin-rg15-')) });
  twin.start();
  cleanup.push(() => twin.stop(), () => exposure.close());
  return { twin, exposure, ...driverOn(exposure.path, clock, pollIntervalMs) };
}

const counters = (obs: Observation[]) => obs.filter((o) => o.quantity === 'precipitation_amount_since_reset');

/** The rain rule the aggregator applies to a counter series (docs/decisions.md): differences, and after a drop (the gauge restarted at 0) the new value itself. */
function rainFromCounters(values: number[], prev: number | null): number {
  let sum = 0;
  let last = prev;
  for (const v of values) {
    if (last !== null) sum += v >= last ? v - last : v;
    last = v;
  }
  return sum;
}

describe.skipIf(!hasSocat())('RG-15 over a real PTY', () => {
  it('round trip: R polls, TotalAcc follows the truth within 0.01 mm, RInt in mm/h', async () => {
    const clock = systemClock;
    const { got, twin } = await rig(clock, {}, 150);
    const t0 = clock.now();
    await waitUntil(() => counters(got.obs).length >= 5, 4000, 'five readings');
    for (const o of counters(got.obs)) expect(Math.abs(o.value! - ((o.ts - t0) / 1000) * 0.01)).toBeLessThanOrEqual(0.01 + 0.003);
    expect(got.obs.filter((o) => o.quantity === 'rainfall_rate').every((o) => o.value === 36)).toBe(true);
    expect(got.rej).toEqual([]);
    expect(twin.mode).toBe('polling'); // R changed no setting
  });

  it('faults: noise, torn and merged lines, wrong baud, fault words, stuck, silent', async () => {
    const { twin, got, driver } = await rig(systemClock, {}, 120);
    const phase = (what: string, until: () => boolean) => waitUntil(until, 4000, what);
    await phase('clean', () => got.obs.length >= 2);
    let r0 = got.rej.length;
    let o0 = got.obs.length;
    twin.setFaults({ noise: true });
    await phase('noise stripped', () => got.rej.length >= r0 + 2 && got.obs.length >= o0 + 2);
    twin.setFaults({ noise: false, tornLines: true });
    r0 = got.rej.length;
    o0 = got.obs.length;
    await new Promise((r) => setTimeout(r, 500));
    twin.setFaults({ tornLines: false, mergedLines: true });
    await new Promise((r) => setTimeout(r, 500));
    expect(got.obs.length).toBe(o0); // nothing from torn or merged lines
    expect(got.rej.length).toBeGreaterThan(r0);
    twin.setFaults({ mergedLines: false, wrongBaud: true });
    r0 = got.rej.length;
    await phase('wrong baud refused', () => got.rej.length >= r0 + 2);
    expect(got.obs.length).toBe(o0);
    twin.setFaults({ wrongBaud: false, words: ['LensBad'] });
    await phase('fault word', () => got.obs.length > o0);
    expect(got.obs.slice(o0).every((o) => o.qc.flag === 'suspect' && o.qc.reasons.includes('sensor_status'))).toBe(true);
    twin.setFaults({ words: [], stuck: true });
    o0 = got.obs.length;
    await phase('stuck', () => got.obs.length >= o0 + 6);
    expect(new Set(counters(got.obs.slice(o0 + 2)).map((o) => o.value)).size).toBe(1);
    twin.setFaults({ stuck: false, silent: true });
    await new Promise((r) => setTimeout(r, 300));
    const lines = driver.stats().lines;
    await new Promise((r) => setTimeout(r, 500));
    expect(driver.stats().lines).toBe(lines);
  }, 30_000);

  it('unplug and replug: readings again within 5 s', async () => {
    const { exposure, got } = await rig(systemClock, {}, 200);
    await waitUntil(() => got.obs.length >= 2, 4000, 'first reading');
    await exposure.unplug();
    await waitUntil(() => got.states.at(-1)?.state === 'connecting', 4000, 'driver notices');
    await exposure.replug();
    const n = got.obs.length;
    const t0 = Date.now();
    await waitUntil(() => got.obs.length > n, 5000, 'reading after replug');
    expect(Date.now() - t0).toBeLessThan(5000);
  }, 20_000);

  it('power cycle mid-rain and a gateway restart: the counters the drivers emit add up to the rain, none twice, none lost but the minutes the gauge was off', async () => {
    const clock = new ScaledClock({ speed: 60 }); // 10-s polls every 167 ms of real time
    const { twin, exposure, driver, got } = await rig(clock, {}, 10_000);
    const t0 = clock.now();
    await waitUntil(() => counters(got.obs).length >= 4, 5000, 'rain before the power cut');

    // The gauge loses power for about a minute, then boots with its counters at 0.
    twin.stop();
    const off = clock.now();
    await new Promise((r) => setTimeout(r, 1000));
    const on = clock.now();
    twin.start();
    await waitUntil(() => got.device.some((e) => e.event === 'restarted'), 3000, 'restart reported');
    expect(got.states.some((s) => s.state === 'open' && /device restarted \(PwrDays 0, SW 1\.000\): counters restart at 0/.test(s.detail ?? ''))).toBe(true);
    const before = counters(got.obs).length;
    await waitUntil(() => counters(got.obs).length >= before + 4, 5000, 'rain after the power cycle');

    // The gateway restarts: a new driver on the same port; only the last stored counter survives.
    await driver.stop();
    const stored = counters(got.obs).at(-1)!.value!;
    const second = driverOn(exposure.path, clock, 10_000);
    await waitUntil(() => counters(second.got.obs).length >= 4, 5000, 'rain after the gateway restart');
    const end = counters(second.got.obs).at(-1)!;

    const first = counters(got.obs).map((o) => o.value!);
    const total = rainFromCounters(first, null) + rainFromCounters(counters(second.got.obs).map((o) => o.value!), stored);
    const firstTs = counters(got.obs)[0]!.ts;
    // Truth between the first and last reading, minus what fell while the gauge was off (it never saw that).
    const truth = ((end.ts - firstTs) - (on - off)) / 1000 * 0.01;
    expect(firstTs).toBeGreaterThanOrEqual(t0);
    // One 0.01-mm step of truncation per counter segment, and the poll's own jitter on a scaled clock.
    expect(Math.abs(total - truth)).toBeLessThanOrEqual(0.05 + (60 * 0.25) * 0.01);
    // Without the reset rule the drop would read as negative rain; with a naive sum of values, twice.
    expect(first.some((v, i) => i > 0 && v < first[i - 1]!)).toBe(true);
  }, 30_000);
});

describe.skipIf(!hasSocat())('probeRg15 over a real PTY', () => {
  async function expose(twin: ConstructorParameters<typeof Object>[0] & Parameters<typeof exposePty>[0] & { start(): void; stop(): void }) {
    const exposure = await exposePty(twin, { dir: mkdtempSync(join(tmpdir(), 'bonin-rg15p-')) });
    twin.start();
    cleanup.push(() => twin.stop(), () => exposure.close());
    return createTransport(exposure.path, { clock: systemClock, baudRate: 9600 });
  }

  it('finds a gauge in polling mode with R, and reads its units', async () => {
    const twin = new Rg15Twin({ clock: systemClock, scenario: rainFrom(systemClock.now()), units: 'imperial' });
    const r = await probeRg15(await expose(twin), systemClock, 2000);
    expect(r).toMatchObject({ found: true, units: 'imperial', faults: [] });
    expect(r.confidence).toBeGreaterThanOrEqual(0.9); // 1 when the boot banner was still in the PTY
    expect(twin.mode).toBe('polling');
  });

  it('finds a gauge set to 19200 baud (B 4) by scanning rates; garbage at the others is not claimed', async () => {
    const twin = new Rg15Twin({ clock: systemClock, scenario: rainFrom(systemClock.now()) });
    twin.baud = 19200;
    const exposure = await exposePty(twin, { dir: mkdtempSync(join(tmpdir(), 'bonin-rg15b-')) });
    twin.start();
    cleanup.push(() => twin.stop(), () => exposure.close());
    const tried: number[] = [];
    const transportFor = (rate: number) => {
      tried.push(rate);
      twin.hostBaud = rate; // the PTY has no rate: the twin garbles when the host's differs
      return createTransport(exposure.path, { clock: systemClock, baudRate: rate });
    };
    const r = await probeRg15Port(exposure.path, { clock: systemClock, timeoutMs: 700, transportFor });
    expect(r).toMatchObject({ found: true, baudRate: 19200, units: 'metric' });
    expect(tried).toEqual([9600, 1200, 2400, 4800, 19200]);
  }, 20_000);

  it('does not claim a WXT530, a PTB210, an NMEA sensor or a WindSonic', async () => {
    const scenario = rainFrom(systemClock.now());
    expect(await probeRg15(await expose(new Wxt530Twin({ clock: systemClock, scenario, settings: { windIntervalS: 1 } })), systemClock, 2000)).toMatchObject({ found: false, confidence: 0 });
    expect(await probeRg15(await expose(new PtbTwin({ clock: systemClock, scenario, model: 'PTB210' })), systemClock, 2000)).toMatchObject({ found: false, confidence: 0 });
    expect(await probeRg15(await expose(new NmeaTwin({ clock: systemClock, scenario })), systemClock, 2000)).toMatchObject({ found: false, confidence: 0 });
    expect(await probeRg15(await expose(new WindsonicTwin({ clock: systemClock, scenario })), systemClock, 2000)).toMatchObject({ found: false, confidence: 0 });
  }, 20_000);
});
