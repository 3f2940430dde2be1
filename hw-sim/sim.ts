// One call to bring up the simulated station hardware: a weather scenario, the device twins
// rendering it, and each twin exposed where the gateway can reach it (PTY, TCP or
// in-process). `bonin sim`, `bonin demo` and the end-to-end tests all start here.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Clock } from '../core/clock.ts';
import { SIM_CATALOG, type WxtModeOption } from './catalog.ts';
import type { SimDevice } from './devices/link.ts';
import type { Wxt530Settings } from './devices/wxt530.ts';
import { exposeInProcess, type InProcessExposure } from './expose/inprocess.ts';
import { exposePty, type PtyExposure } from './expose/pty.ts';
import { exposeTcp, type TcpExposure } from './expose/tcp.ts';
import { nycReplay } from './weather/nyc-replay.ts';
import { tradeWindDay } from './weather/trade-wind.ts';
import { startSimCamera, type SimCamera, type SimCameraOptions } from './devices/onvif-camera/camera.ts';
import type { WeatherScenario } from './weather/types.ts';

export type ScenarioName = 'trade-wind' | 'nyc-replay';
export type ExposeKind = 'pty' | 'tcp' | 'inprocess';
export type Exposure = PtyExposure | TcpExposure | InProcessExposure;

/** One device to simulate: its family (SIM_CATALOG key = the station file's sensor type). */
export interface DeviceSpec {
  kind: string;
  /** PTY link name and label (default: the family's); must be unique in one simulation */
  name?: string;
  options?: Record<string, unknown>;
}

export interface SimulationOptions {
  clock: Clock;
  /** A named scenario (started at clock.now()) or any WeatherScenario. */
  scenario: ScenarioName | WeatherScenario;
  expose: ExposeKind;
  /** PTY: folder for the device links (default: a fresh temp folder, removed on stop). */
  dir?: string;
  /** TCP: listen address and first port (default 127.0.0.1, any free port). */
  host?: string;
  port?: number;
  /** Seed of the weather noise and the device faults (default 1). */
  seed?: number;
  /** The devices (default: one WXT530 with `wxt` as its options). */
  devices?: DeviceSpec[];
  /** Options of the default WXT530. */
  wxt?: { mode?: WxtModeOption; address?: string; settings?: Partial<Wxt530Settings> };
  /** Simulated ONVIF cameras (network devices, not on a serial exposure): their pictures are the scenario's sky. */
  cameras?: SimCameraSpec[];
}

/** A simulated camera of a simulation: startSimCamera options less the clock and scenario the simulation gives. */
export type SimCameraSpec = Omit<SimCameraOptions, 'clock' | 'scenario'>;

export interface SimulatedDevice {
  name: string;
  /** the station file's sensor type this device stands in for */
  kind: string;
  /** What the gateway opens: a device path (PTY), a tcp:// URL, or an inprocess: label. */
  path: string;
  twin: SimDevice;
  exposure: Exposure;
}

export interface Simulation {
  devices: SimulatedDevice[];
  /** the simulated ONVIF cameras (empty without `cameras`) */
  cameras: SimCamera[];
  scenario: WeatherScenario;
  expose: ExposeKind;
  stop(): Promise<void>;
}

function makeScenario(s: ScenarioName | WeatherScenario, clock: Clock, seed: number): WeatherScenario {
  if (typeof s !== 'string') return s;
  if (s === 'trade-wind') return tradeWindDay({ start: clock.now(), seed });
  if (s === 'nyc-replay') return nycReplay({ start: clock.now(), seed });
  throw new RangeError(`unknown scenario "${s as string}" (trade-wind, nyc-replay)`);
}

async function expose(twin: SimDevice, name: string, opts: SimulationOptions, dir: () => string, index: number): Promise<{ exposure: Exposure; path: string }> {
  if (opts.expose === 'pty') {
    const e = await exposePty(twin, { dir: dir(), name });
    return { exposure: e, path: e.path };
  }
  if (opts.expose === 'tcp') {
    const e = await exposeTcp(twin, { host: opts.host, port: opts.port ? opts.port + index : undefined });
    return { exposure: e, path: e.url };
  }
  if (opts.expose === 'inprocess') {
    const e = await exposeInProcess(twin, { name });
    return { exposure: e, path: e.path };
  }
  throw new RangeError(`unknown exposure "${opts.expose as string}" (pty, tcp, inprocess)`);
}

export async function startSimulation(opts: SimulationOptions): Promise<Simulation> {
  const seed = opts.seed ?? 1;
  const scenario = makeScenario(opts.scenario, opts.clock, seed);
  const specs: DeviceSpec[] = opts.devices ?? [{ kind: 'vaisala-wxt530', options: opts.wxt }];
  let ownDir: string | null = null;
  const dir = () => opts.dir ?? (ownDir ??= mkdtempSync(join(tmpdir(), 'bonin-sim-')));
  const devices: SimulatedDevice[] = [];
  const cameras: SimCamera[] = [];
  const stopAll = async () => {
    for (const c of cameras) await c.stop();
    for (const d of devices) {
      d.twin.stop();
      await d.exposure.close();
    }
    if (ownDir) rmSync(ownDir, { recursive: true, force: true });
  };
  try {
    for (const [i, spec] of specs.entries()) {
      const entry = SIM_CATALOG[spec.kind];
      if (!entry) throw new RangeError(`no simulated device of kind "${spec.kind}" (${Object.keys(SIM_CATALOG).join(', ')})`);
      const name = spec.name ?? (specs.filter((s) => s.kind === spec.kind).length > 1 ? `${entry.name}-${i + 1}` : entry.name);
      const twin = entry.create({ clock: opts.clock, scenario, seed: seed + i, options: spec.options ?? {} });
      const { exposure, path } = await expose(twin, name, opts, dir, i);
      devices.push({ name, kind: entry.kind, path, twin, exposure });
      twin.start();
    }
    for (const c of opts.cameras ?? []) cameras.push(await startSimCamera({ ...c, clock: opts.clock, scenario }));
  } catch (e) {
    await stopAll();
    throw e;
  }
  let stopped = false;
  return {
    devices,
    cameras,
    scenario,
    expose: opts.expose,
    async stop() {
      if (stopped) return;
      stopped = true;
      await stopAll();
    },
  };
}

/** The lines `bonin sim` prints: where each device is, how to talk to it, what weather it sees. */
export function describeSimulation(sim: Simulation): string {
  const s = sim.scenario;
  const lines = [`scenario: ${s.name} — ${s.description ?? 'custom scenario'}; started ${new Date(s.start).toISOString()}`];
  for (const d of sim.devices) {
    const where = d.exposure.kind === 'pty' ? 'serial port (PTY)' : d.exposure.kind === 'tcp' ? 'TCP serial device server (raw)' : 'in-process stream';
    const [first, ...rest] = SIM_CATALOG[d.kind]!.describe(d.twin);
    lines.push(`${d.name} (${d.kind}): ${d.path} — ${where}, ${first}`, ...rest.map((l) => `  ${l}`));
  }
  for (const c of sim.cameras) {
    lines.push(`${c.name} (onvif-camera): ${c.xaddr} — ONVIF device service, snapshots ${c.snapshotUrl} (Digest), ${c.discoveryPort !== null ? `WS-Discovery on UDP ${c.discoveryPort}` : 'no WS-Discovery'}`);
  }
  return lines.join('\n');
}
