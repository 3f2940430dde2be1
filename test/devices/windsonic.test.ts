// Gill WindSonic: twin → real socat PTY → real serial transport → WindsonicDriver (continuous
// and polled, faults, unplug and replug), and the probe against the WindSonic twin and
// against other families' twins.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock, type Observation, type Rejection } from '../../core/index.ts';
import { createTransport, probeWindsonic, probeWindsonicPort, WindsonicDriver } from '../../drivers/index.ts';
import { waitUntil } from '../../drivers/transport/testing/wait.ts';
import { exposePty, hasSocat, NmeaTwin, WINDSONIC_BANNER, WindsonicTwin, Wxt530Twin, type PtyExposure, type SimDevice } from '../../hw-sim/index.ts';
import { constantScenario } from '../../hw-sim/devices/testing.ts';

const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

const scenario = constantScenario({}, (ts) => ({ wind_speed: 3 + ((ts / 1000) % 10) / 10, wind_from_direction: 200 + ((ts / 1000) % 7) }));

async function expose(twin: SimDevice & { start(): void; stop(): void }, prefix: string): Promise<PtyExposure> {
  const exposure = await exposePty(twin, { dir: mkdtempSync(join(tmpdir(), prefix)) });
  twin.start();
  cleanup.push(() => twin.stop(), () => exposure.close());
  return exposure;
}

/** A port where nothing ever talks. */
function silentPort(): SimDevice & { start(): void; stop(): void } {
  return { name: 'silent', kind: 'none', attach: () => {}, start: () => {}, stop: () => {} };
}

/** Record what the host sends to a twin, without changing what the twin does with it. */
function listenTo(twin: SimDevice): Buffer[] {
  const heard: Buffer[] = [];
  const attach = twin.attach.bind(twin);
  twin.attach = (link) => {
    link.onData((b) => heard.push(b));
    attach(link);
  };
  return heard;
}

async function rig(twinOpts: Partial<ConstructorParameters<typeof WindsonicTwin>[0]> = {}, driverOpts: Partial<ConstructorParameters<typeof WindsonicDriver>[0]> = {}) {
  const twin = new WindsonicTwin({ clock: systemClock, scenario, ...twinOpts });
  const heard = listenTo(twin);
  const got = { obs: [] as Observation[], rej: [] as Rejection[], states: [] as string[], texts: [] as string[], status: [] as string[] };
  // The driver opens the port first, so the power-up banner is heard.
  const exposure = await exposePty(twin, { dir: mkdtempSync(join(tmpdir(), 'bonin-ws-')) });
  const driver = new WindsonicDriver({ sensor: 'ws', clock: systemClock, transport: createTransport(exposure.path, { clock: systemClock, baudRate: 9600 }), ...driverOpts });
  driver.on('observations', (o: Observation[]) => got.obs.push(...o));
  driver.on('rejection', (r: Rejection) => got.rej.push(r));
  driver.on('state', (s: { state: string }) => got.states.push(s.state));
  driver.on('text', (t: string) => got.texts.push(t));
  driver.on('status', (s: { code: string }) => got.status.push(s.code));
  cleanup.push(() => exposure.close(), () => driver.stop());
  driver.start();
  await waitUntil(() => got.states.includes('open'), 3000, 'port open');
  twin.start();
  cleanup.push(() => twin.stop());
  return { twin, exposure, driver, got, heard };
}

describe.skipIf(!hasSocat())('Gill WindSonic over a real PTY', () => {
  it('continuous: the banner is text, the data lines carry the truth', async () => {
    const { got } = await rig();
    await waitUntil(() => got.obs.length >= 4, 4000, 'two lines');
    expect(got.texts).toEqual(WINDSONIC_BANNER);
    expect(got.rej).toEqual([]);
    expect(got.status).toEqual(['00']);
    for (const o of got.obs) {
      const t = scenario.at(o.ts);
      if (o.quantity === 'wind_speed') expect(Math.abs(o.value! - t.wind_speed)).toBeLessThanOrEqual(0.105); // 0.01 print + up to 1 s of change
      else expect(Math.abs(o.value! - t.wind_from_direction)).toBeLessThanOrEqual(1.5);
    }
  });

  it('polled: ?Q! (the manual\'s poll sequence) brings one line per poll; nothing else is sent', async () => {
    const { got, heard } = await rig({ mode: 'polled' }, { mode: 'polled', pollIntervalMs: 250 });
    await waitUntil(() => got.obs.length >= 6, 4000, 'three polled lines');
    expect(got.rej).toEqual([]);
    expect(Buffer.concat(heard).toString('latin1')).toMatch(/^(\?Q!)+$/);
  });

  it('status codes: a blocked unit (04) gives missing values, an NVM error suspect ones', async () => {
    const { twin, got } = await rig();
    await waitUntil(() => got.obs.length >= 2, 4000, 'data');
    twin.setFaults({ status: '04' });
    await waitUntil(() => got.obs.some((o) => o.value === null && o.qc.flag === 'missing'), 4000, 'missing');
    twin.setFaults({ status: '08' });
    await waitUntil(() => got.obs.some((o) => o.qc.flag === 'suspect' && o.qc.reasons.includes('sensor_status')), 4000, 'suspect');
    expect(got.status).toEqual(['00', '04', '08']);
  });

  it('faults: noise, bad checksums, torn and merged lines, wrong baud — rejected with reasons, then data again', async () => {
    const { twin, got } = await rig();
    await waitUntil(() => got.obs.length >= 2, 4000, 'clean data');
    for (const [fault, reason] of [['noise', /line noise before STX|no STX/], ['badChecksum', /checksum mismatch/], ['tornLines', /two lines merged|not a WindSonic|longer than/], ['mergedLines', /two lines merged|longer than/], ['wrongBaud', /no STX|not a WindSonic/]] as const) {
      twin.clearFaults();
      twin.setFaults({ [fault]: fault === 'wrongBaud' ? true : 0.5 });
      const n = got.rej.length;
      await waitUntil(() => got.rej.slice(n).some((r) => reason.test(r.reason)), 4000, `${fault} rejected`);
    }
    twin.clearFaults();
    const n = got.obs.length;
    await waitUntil(() => got.obs.length >= n + 2, 4000, 'data again');
    for (const o of got.obs) if (o.quantity === 'wind_speed') expect(Math.abs(o.value! - scenario.at(o.ts).wind_speed)).toBeLessThanOrEqual(0.105);
  });

  it('stuck, spike and silent', async () => {
    const { twin, got, driver } = await rig();
    await waitUntil(() => got.obs.length >= 2, 4000, 'data');
    twin.setFaults({ stuck: true });
    let n = got.obs.length;
    await waitUntil(() => got.obs.length >= n + 6, 5000, 'three stuck lines');
    expect(new Set(got.obs.slice(n).filter((o) => o.quantity === 'wind_speed').map((o) => o.value)).size).toBe(1);
    twin.clearFaults();
    twin.spike();
    n = got.obs.length;
    await waitUntil(() => got.obs.slice(n).some((o) => o.quantity === 'wind_speed' && o.value! > 22), 4000, 'spike');
    twin.setFaults({ silent: true });
    await new Promise((r) => setTimeout(r, 300));
    const lines = driver.stats().lines;
    await new Promise((r) => setTimeout(r, 1500));
    expect(driver.stats().lines).toBe(lines);
  });

  it('unplug and replug: data again within 5 s', async () => {
    const { exposure, got } = await rig();
    await waitUntil(() => got.obs.length >= 2, 4000, 'data');
    await exposure.unplug();
    await waitUntil(() => got.states.at(-1) === 'connecting', 4000, 'driver notices');
    const n = got.obs.length;
    await exposure.replug();
    const t0 = Date.now();
    await waitUntil(() => got.obs.length > n, 5000, 'data after replug');
    expect(Date.now() - t0).toBeLessThan(5000);
  });

  it('probe: finds a continuous unit by listening, a polled one with ?& then ?<letter>! — no other command', async () => {
    for (const [mode, node] of [['continuous', 'Q'], ['polled', 'Q'], ['polled', 'Z']] as const) {
      const twin = new WindsonicTwin({ clock: systemClock, scenario, mode, node });
      const heard = listenTo(twin);
      const exposure = await expose(twin, 'bonin-ws-probe-');
      const r = await probeWindsonicPort(exposure.path, { clock: systemClock, bauds: [19200, 9600], timeoutMs: 2500 });
      expect(r, `${mode} ${node}`).toMatchObject({ found: true, confidence: 1, baudRate: 19200, identity: { node, mode, unit: 'M', status: '00' } });
      const sent = Buffer.concat(heard).toString('latin1');
      expect(sent, mode).toBe(mode === 'continuous' ? '' : `?&!?${node}!`);
    }
  });

  it('probe: skips the rates where the line is garbage and reports the one that works', async () => {
    const twin = new WindsonicTwin({ clock: systemClock, scenario });
    const exposure = await expose(twin, 'bonin-ws-baud-');
    // A PTY has no baud rate: the twin plays a 9600-baud unit, garbling its lines whenever
    // the probe has opened the port at another rate.
    const r = await probeWindsonicPort(exposure.path, {
      clock: systemClock, bauds: [19200, 9600], timeoutMs: 2500,
      transportFor: (baudRate) => {
        twin.setFaults({ wrongBaud: baudRate !== 9600 });
        return createTransport(exposure.path, { clock: systemClock, baudRate });
      },
    });
    expect(r).toMatchObject({ found: true, baudRate: 9600, identity: { mode: 'continuous' } });
  });

  it('probe: does not claim an NMEA sensor, a WXT530 or a silent port', async () => {
    const others: Array<SimDevice & { start(): void; stop(): void }> = [
      new NmeaTwin({ clock: systemClock, scenario, intervals: { MWV: 0.5 } }),
      new Wxt530Twin({ clock: systemClock, scenario, settings: { windIntervalS: 1 } }),
      silentPort(),
    ];
    for (const twin of others) {
      const exposure = await expose(twin, 'bonin-ws-other-');
      const r = await probeWindsonic(createTransport(exposure.path, { clock: systemClock }), systemClock, 1500);
      expect(r.found, twin.kind).toBe(false);
    }
  });
});
