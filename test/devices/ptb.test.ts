// PTB330/PTB210: twin → real socat PTY → real serial transport → PtbDriver, and the probe
// against the barometer and against other families' twins.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock, type Observation, type Rejection } from '../../core/index.ts';
import { createTransport, PtbDriver, probePtb, probePtbPort } from '../../drivers/index.ts';
import { waitUntil } from '../../drivers/transport/testing/wait.ts';
import { exposePty, hasSocat, NmeaTwin, PtbTwin, WindsonicTwin, Wxt530Twin, type PtyExposure } from '../../hw-sim/index.ts';
import { Rg15Twin } from '../../hw-sim/devices/rg15.ts';
import { constantScenario } from '../../hw-sim/devices/testing.ts';

const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

const scenario = constantScenario({}, (ts) => ({ air_pressure: 1010 + ((ts / 1000) % 600) / 100 }));

async function rig(twinOpts: Partial<ConstructorParameters<typeof PtbTwin>[0]> = {}, driverOpts: Partial<ConstructorParameters<typeof PtbDriver>[0]> = {}) {
  const twin = new PtbTwin({ clock: systemClock, scenario, ...twinOpts });
  const exposure: PtyExposure = await exposePty(twin, { dir: mkdtempSync(join(tmpdir(), 'bonin-ptb-')) });
  twin.start();
  const driver = new PtbDriver({ sensor: 'baro', clock: systemClock, transport: createTransport(exposure.path, { clock: systemClock, baudRate: 9600, dataBits: 7, parity: 'even' }), ...driverOpts });
  const got = { obs: [] as Observation[], rej: [] as Rejection[], states: [] as string[] };
  driver.on('observations', (o: Observation[]) => got.obs.push(...o));
  driver.on('rejection', (r: Rejection) => got.rej.push(r));
  driver.on('state', (s: { state: string }) => got.states.push(s.state));
  cleanup.push(() => twin.stop(), () => exposure.close(), () => driver.stop());
  driver.start();
  return { twin, exposure, driver, got };
}

describe.skipIf(!hasSocat())('PTB330/PTB210 over a real PTY', () => {
  it('round trip: polled SEND replies carry the truth within 0.01 hPa, with CS4 verified', async () => {
    const { twin, got, driver } = await rig({ checksum: 'CS4' }, { mode: 'polled', pollIntervalMs: 200, checksum: 'CS4' });
    await waitUntil(() => got.obs.length >= 3, 4000, 'three readings');
    for (const o of got.obs) {
      const truth = scenario.at(o.ts).air_pressure;
      expect(Math.abs(o.value! - truth)).toBeLessThanOrEqual(0.011 + 0.01 * 2); // resolution + 2 s of drift at 0.01 hPa/s
      expect(o.qc.flag).toBe('not_checked');
    }
    expect(got.rej).toEqual([]);
    expect(twin.smode).toBe('STOP'); // polling changed no setting
    expect(driver.stats().lines).toBe(got.obs.length);
  });

  it('PTB210: .P polls, bare readings', async () => {
    const { got } = await rig({ model: 'PTB210' }, { model: 'PTB210', mode: 'polled', pollIntervalMs: 200 });
    await waitUntil(() => got.obs.length >= 2, 4000, 'two readings');
    expect(got.obs[0]!.value).toBeGreaterThan(1009);
  });

  it('faults: noise bytes, bad checksums, torn lines, stars, stuck, spike and silence', async () => {
    const { twin, got, driver } = await rig({ checksum: 'CS2' }, { mode: 'polled', pollIntervalMs: 150, checksum: 'CS2' });
    const phase = async (what: string, until: () => boolean) => waitUntil(until, 4000, what);
    const near = (o: Observation) => Math.abs(o.value! - scenario.at(o.ts).air_pressure) < 0.05;
    await phase('clean readings', () => got.obs.length >= 2);

    twin.setFaults({ noise: true }); // garbage glued to the front of every line: stripped, reported, value kept
    let r0 = got.rej.length;
    let o0 = got.obs.length;
    await phase('noise', () => got.rej.length >= r0 + 2 && got.obs.length >= o0 + 2);
    expect(got.rej.slice(r0).every((r) => /line noise|control or 8-bit/.test(r.reason))).toBe(true);
    expect(got.obs.slice(o0).every(near)).toBe(true);

    twin.setFaults({ noise: false, badChecksum: true });
    r0 = got.rej.length;
    o0 = got.obs.length;
    await phase('bad checksums', () => got.rej.length >= r0 + 3);
    expect(got.rej.slice(r0).every((r) => /checksum mismatch/.test(r.reason))).toBe(true);
    expect(got.obs.length).toBe(o0); // not one value from a line whose checksum failed

    twin.setFaults({ badChecksum: false, tornLines: true }); // torn lines run into the next: merged, refused
    r0 = got.rej.length;
    o0 = got.obs.length;
    await new Promise((r) => setTimeout(r, 800));
    twin.setFaults({ tornLines: false });
    await phase('refused merged lines, then clean again', () => got.rej.length > r0 && got.obs.length > o0);
    expect(got.obs.slice(o0).every(near)).toBe(true);

    twin.setFaults({ missing: true });
    o0 = got.obs.length;
    await phase('stars', () => got.obs.length > o0);
    expect(got.obs.at(-1)).toMatchObject({ value: null, qc: { flag: 'missing', reasons: ['sensor_status'] } });
    twin.clearFaults();

    twin.spike(); // the driver passes a spike on unflagged: catching it is QC's step test
    o0 = got.obs.length;
    await phase('spike', () => got.obs.length > o0);
    expect(got.obs[o0]!.value! - scenario.at(got.obs[o0]!.ts).air_pressure).toBeGreaterThan(4.9);

    twin.setFaults({ stuck: true });
    o0 = got.obs.length;
    await phase('stuck', () => got.obs.length >= o0 + 3);
    expect(new Set(got.obs.slice(o0 + 1).map((o) => o.value)).size).toBe(1);

    twin.setFaults({ stuck: false, silent: true });
    await new Promise((r) => setTimeout(r, 300));
    const lines = driver.stats().lines;
    await new Promise((r) => setTimeout(r, 600));
    expect(driver.stats().lines).toBe(lines); // silence is silence: the idle watchdog and QC report it
  }, 30_000);

  it('unplug and replug: readings again within 5 s', async () => {
    const { exposure, got } = await rig({ smode: 'RUN', intervalS: 1 });
    await waitUntil(() => got.obs.length >= 1, 4000, 'first reading');
    await exposure.unplug();
    await waitUntil(() => got.states.at(-1) === 'connecting', 4000, 'driver notices');
    await exposure.replug();
    const n = got.obs.length;
    const t0 = Date.now();
    await waitUntil(() => got.obs.length > n, 5000, 'reading after replug');
    expect(Date.now() - t0).toBeLessThan(5000);
  }, 20_000);
});

describe.skipIf(!hasSocat())('probePtb over a real PTY', () => {
  async function exposeTwin(twin: { start(): void; stop(): void } & Parameters<typeof exposePty>[0]) {
    const exposure = await exposePty(twin, { dir: mkdtempSync(join(tmpdir(), 'bonin-ptbp-')) });
    twin.start();
    cleanup.push(() => twin.stop(), () => exposure.close());
    return createTransport(exposure.path, { clock: systemClock, baudRate: 9600 });
  }

  it('finds a PTB330 in STOP mode by VERS and SEND, and leaves it in STOP mode', async () => {
    const twin = new PtbTwin({ clock: systemClock, scenario });
    const r = await probePtb(await exposeTwin(twin), systemClock, 3000);
    expect(r).toMatchObject({ found: true, confidence: 1, model: 'PTB330', version: '1.12' });
    expect(r.pressure).toBeGreaterThan(1009);
    expect(twin.smode).toBe('STOP');
  });

  it('finds a PTB330 set to 4800 baud by scanning rates (garbage at 9600 is not claimed)', async () => {
    const twin = new PtbTwin({ clock: systemClock, scenario });
    twin.baud = 4800;
    const exposure = await exposePty(twin, { dir: mkdtempSync(join(tmpdir(), 'bonin-ptbb-')) });
    twin.start();
    cleanup.push(() => twin.stop(), () => exposure.close());
    const tried: number[] = [];
    const transportFor = (rate: number) => {
      tried.push(rate);
      twin.hostBaud = rate; // the PTY has no rate: the twin garbles when the host's differs
      return createTransport(exposure.path, { clock: systemClock, baudRate: rate, dataBits: 7, parity: 'even' });
    };
    const r = await probePtbPort(exposure.path, { clock: systemClock, timeoutMs: 900, transportFor });
    expect(r).toMatchObject({ found: true, model: 'PTB330', baudRate: 4800 });
    expect(tried).toEqual([9600, 4800]);
  }, 15_000);

  it('finds a PTB210 by .P', async () => {
    const r = await probePtb(await exposeTwin(new PtbTwin({ clock: systemClock, scenario, model: 'PTB210' })), systemClock, 3000);
    expect(r).toMatchObject({ found: true, model: 'PTB210' });
  });

  it('does not claim a WXT530 (whose PTU line carries hPa too) nor an RG-15', async () => {
    const wxt = new Wxt530Twin({ clock: systemClock, scenario, settings: { windIntervalS: 1, ptuIntervalS: 1 } });
    expect(await probePtb(await exposeTwin(wxt), systemClock, 2500)).toMatchObject({ found: false, confidence: 0 });
    const rg = new Rg15Twin({ clock: systemClock, scenario });
    expect(await probePtb(await exposeTwin(rg), systemClock, 2500)).toMatchObject({ found: false, confidence: 0 });
  }, 15_000);

  it('does not claim an NMEA weather sensor (MDA/XDR carry pressure) nor a WindSonic', async () => {
    expect(await probePtb(await exposeTwin(new NmeaTwin({ clock: systemClock, scenario })), systemClock, 2500)).toMatchObject({ found: false, confidence: 0 });
    expect(await probePtb(await exposeTwin(new WindsonicTwin({ clock: systemClock, scenario })), systemClock, 2500)).toMatchObject({ found: false, confidence: 0 });
  }, 15_000);
});
