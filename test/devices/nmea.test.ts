// NMEA 0183: twin → real socat PTY → real serial transport → NmeaDriver (faults, unplug and
// replug), and the probe against the NMEA twin and against other families' twins.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock, type Observation, type Rejection } from '../../core/index.ts';
import { createTransport, NmeaDriver, probeNmea, probeNmeaPort } from '../../drivers/index.ts';
import { waitUntil } from '../../drivers/transport/testing/wait.ts';
import { exposePty, hasSocat, NmeaTwin, WindsonicTwin, Wxt530Twin, type PtyExposure, type SimDevice } from '../../hw-sim/index.ts';
import { constantScenario } from '../../hw-sim/devices/testing.ts';

const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

// Wind that moves every second, so a frozen (stuck) value is visible.
const scenario = constantScenario({}, (ts) => ({ wind_speed: 5 + ((ts / 1000) % 10) / 10, wind_from_direction: 90 + ((ts / 1000) % 7) }));

async function expose(twin: SimDevice & { start(): void; stop(): void }, prefix: string): Promise<PtyExposure> {
  const exposure = await exposePty(twin, { dir: mkdtempSync(join(tmpdir(), prefix)) });
  twin.start();
  cleanup.push(() => twin.stop(), () => exposure.close());
  return exposure;
}

async function rig(twinOpts: Partial<ConstructorParameters<typeof NmeaTwin>[0]> = {}) {
  const twin = new NmeaTwin({ clock: systemClock, scenario, mastHeadingDeg: 30, intervals: { MWV: 0.2, MDA: 0.5 }, ...twinOpts });
  const exposure = await expose(twin, 'bonin-nmea-');
  const driver = new NmeaDriver({ sensor: 'met', clock: systemClock, headingOffsetDeg: 30, transport: createTransport(exposure.path, { clock: systemClock, baudRate: 4800 }) });
  const got = { obs: [] as Observation[], rej: [] as Rejection[], states: [] as string[] };
  driver.on('observations', (o: Observation[]) => got.obs.push(...o));
  driver.on('rejection', (r: Rejection) => got.rej.push(r));
  driver.on('state', (s: { state: string }) => got.states.push(s.state));
  cleanup.push(() => driver.stop());
  driver.start();
  return { twin, exposure, driver, got };
}

const speedOk = (o: Observation) => o.quantity !== 'wind_speed' || Math.abs(o.value! - scenario.at(o.ts).wind_speed) <= 0.15; // 0.1 m/s print + 1 s of wind change

describe.skipIf(!hasSocat())('NMEA 0183 over a real PTY', () => {
  it('round trip: the twin\'s MWV and MDA arrive as true wind, temperature, humidity and pressure', async () => {
    const { got, driver } = await rig();
    await waitUntil(() => got.obs.filter((o) => o.quantity === 'air_pressure').length >= 2, 4000, 'two MDA');
    expect(got.rej).toEqual([]);
    for (const o of got.obs) {
      expect(o.qc.flag).toBe('not_checked');
      expect(speedOk(o), `${o.quantity}=${o.value}`).toBe(true);
      if (o.quantity === 'wind_from_direction') expect(Math.abs(o.value! - scenario.at(o.ts).wind_from_direction)).toBeLessThanOrEqual(1.05);
    }
    expect(new Set(got.obs.map((o) => o.quantity))).toEqual(new Set(['wind_speed', 'wind_from_direction', 'air_pressure', 'air_temperature', 'relative_humidity', 'dew_point_temperature']));
    expect(driver.stats().withoutChecksum).toBe(0);
  });

  it('faults: noise, bad checksums, torn and merged lines, wrong baud — rejected with reasons, good lines still parsed', async () => {
    const { twin, got } = await rig();
    await waitUntil(() => got.obs.length >= 4, 4000, 'clean data');
    for (const [fault, reason] of [['noise', /line noise before sentence/], ['badChecksum', /checksum mismatch/], ['tornLines', /two sentences merged|not an NMEA/], ['mergedLines', /two sentences merged/], ['wrongBaud', /not an NMEA sentence|control or 8-bit|longer than/]] as const) {
      twin.clearFaults();
      twin.setFaults({ [fault]: fault === 'wrongBaud' ? true : 0.5 });
      const n = got.rej.length;
      await waitUntil(() => got.rej.slice(n).some((r) => reason.test(r.reason)), 4000, `${fault} rejected`);
    }
    twin.clearFaults();
    const n = got.obs.length;
    await waitUntil(() => got.obs.length >= n + 4, 4000, 'data again after the faults');
    expect(got.obs.every(speedOk)).toBe(true); // no fault ever turned into a wrong value
  });

  it('stuck, spike, void and silent reach the driver as the device would show them', async () => {
    const { twin, got, driver } = await rig({ intervals: { MWV: 0.2 } });
    await waitUntil(() => got.obs.length >= 2, 4000, 'data');
    twin.setFaults({ stuck: true });
    let n = got.obs.length;
    await waitUntil(() => got.obs.length >= n + 12, 4000, 'stuck readings');
    expect(new Set(got.obs.slice(n + 2).filter((o) => o.quantity === 'wind_speed').map((o) => o.value)).size).toBe(1);
    twin.clearFaults();
    twin.spike();
    n = got.obs.length;
    await waitUntil(() => got.obs.slice(n).some((o) => o.quantity === 'wind_speed' && o.value! > 24), 4000, 'spike');
    twin.setFaults({ void: true });
    n = got.obs.length;
    await waitUntil(() => got.obs.slice(n).some((o) => o.value === null && o.qc.flag === 'missing'), 4000, 'void');
    twin.setFaults({ void: false, silent: true });
    await new Promise((r) => setTimeout(r, 300));
    const lines = driver.stats().lines;
    await new Promise((r) => setTimeout(r, 800));
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

  it('probe: finds the NMEA twin (at an unknown baud rate) and writes nothing', async () => {
    const twin = new NmeaTwin({ clock: systemClock, scenario, intervals: { MWV: 0.2, XDR: 0.5 } });
    const heard: Buffer[] = [];
    const attach = twin.attach.bind(twin);
    twin.attach = (link) => {
      link.onData((b) => heard.push(b));
      attach(link);
    };
    const exposure = await expose(twin, 'bonin-nmea-probe-');
    const r = await probeNmeaPort(exposure.path, { clock: systemClock, bauds: [9600, 4800], timeoutMs: 2000 });
    expect(r).toMatchObject({ found: true, confidence: 1, baudRate: 9600 }); // a PTY ignores the rate: the first one tried hears it
    expect(r.identity!.talkers).toEqual(['WI']);
    expect(r.identity!.sentences.length).toBeGreaterThanOrEqual(1);
    expect(Buffer.concat(heard).toString('latin1')).toBe('');
  });

  it('probe: skips the rates where the line is garbage and reports the one that works', async () => {
    const twin = new NmeaTwin({ clock: systemClock, scenario, intervals: { MWV: 0.2 } });
    const exposure = await expose(twin, 'bonin-nmea-baud-');
    // A PTY has no baud rate: the twin plays a 4800-baud device, garbling its lines whenever
    // the probe has opened the port at another rate.
    const r = await probeNmeaPort(exposure.path, {
      clock: systemClock, bauds: [38400, 9600, 4800], timeoutMs: 1200,
      transportFor: (baudRate) => {
        twin.setFaults({ wrongBaud: baudRate !== 4800 });
        return createTransport(exposure.path, { clock: systemClock, baudRate });
      },
    });
    expect(r).toMatchObject({ found: true, baudRate: 4800 });
  });

  it('probe: does not claim a WindSonic, a WXT530 or a silent port', async () => {
    const others: Array<SimDevice & { start(): void; stop(): void }> = [
      new WindsonicTwin({ clock: systemClock, scenario }),
      new Wxt530Twin({ clock: systemClock, scenario, settings: { windIntervalS: 1 } }),
      new NmeaTwin({ clock: systemClock, scenario, intervals: {} }),
    ];
    for (const twin of others) {
      const exposure = await expose(twin, 'bonin-nmea-other-');
      const r = await probeNmea(createTransport(exposure.path, { clock: systemClock }), systemClock, 1500);
      expect(r, twin.kind).toEqual({ found: false, confidence: 0 });
    }
  });
});
