// One call to bring up the simulated station hardware: a weather scenario, the device twins
// rendering it, and each twin exposed where the gateway can reach it (PTY, TCP or
// in-process). `bonin sim`, `bonin demo` and the end-to-end tests all start here.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Clock } from '../core/clock.ts';
import { Wxt530Twin, WXT530_FACTORY, type Wxt530Settings, type WxtMode } from './devices/wxt530.ts';
import { exposeInProcess, type InProcessExposure } from './expose/inprocess.ts';
import { exposePty, type PtyExposure } from './expose/pty.ts';
import { exposeTcp, type TcpExposure } from './expose/tcp.ts';
import { nycReplay } from './weather/nyc-replay.ts';
import { tradeWindDay } from './weather/trade-wind.ts';
import type { WeatherScenario } from './weather/types.ts';

export type ScenarioName = 'trade-wind' | 'nyc-replay';
export type ExposeKind = 'pty' | 'tcp' | 'inprocess';
export type Exposure = PtyExposure | TcpExposure | InProcessExposure;
/** Protocol letters of aXU,M= or their names. */
export type WxtModeOption = WxtMode | 'automatic' | 'automatic-crc' | 'polled' | 'polled-crc';

/**
 * The WXT530 as a technician leaves it at a Bonin station: factory settings except the wind
 * update interval, set to 1 s (`0WU,I=1`) so the gateway sees 1-Hz wind for its gusts and
 * notices an unplugged sensor within seconds. The twin alone defaults to pure factory.
 */
// As a Bonin station's WXT530 is set at commissioning (drivers/wxt530/README.md): wind every
// 1 s, PTU every 10 s (a one-minute mean from several samples, not one), rain reported every
// 10 s even when dry (factory on/off mode sends nothing when dry, so a dry minute would look
// like a missing one).
export const STATION_WXT530_SETTINGS: Readonly<Wxt530Settings> = Object.freeze({
  ...WXT530_FACTORY, windIntervalS: 1, ptuIntervalS: 10, rainAutoSend: 'T', rainIntervalS: 10,
});

export interface SimulationOptions {
  clock: Clock;
  /** A named scenario (started at clock.now()) or any WeatherScenario. */
  scenario: ScenarioName | WeatherScenario;
  expose: ExposeKind;
  /** PTY: folder for the device links (default: a fresh temp folder, removed on stop). */
  dir?: string;
  /** TCP: listen address and port (default 127.0.0.1, any free port). */
  host?: string;
  port?: number;
  /** Seed of the weather noise and the device faults (default 1). */
  seed?: number;
  wxt?: { mode?: WxtModeOption; address?: string; settings?: Partial<Wxt530Settings> };
}

export interface SimulatedDevice {
  name: 'wxt530';
  kind: 'vaisala-wxt530';
  /** What the gateway opens: a device path (PTY), a tcp:// URL, or an inprocess: label. */
  path: string;
  twin: Wxt530Twin;
  exposure: Exposure;
}

export interface Simulation {
  devices: SimulatedDevice[];
  scenario: WeatherScenario;
  expose: ExposeKind;
  stop(): Promise<void>;
}

const MODES: Record<WxtModeOption, WxtMode> = { A: 'A', a: 'a', P: 'P', p: 'p', automatic: 'A', 'automatic-crc': 'a', polled: 'P', 'polled-crc': 'p' };

function makeScenario(s: ScenarioName | WeatherScenario, clock: Clock, seed: number): WeatherScenario {
  if (typeof s !== 'string') return s;
  if (s === 'trade-wind') return tradeWindDay({ start: clock.now(), seed });
  if (s === 'nyc-replay') return nycReplay({ start: clock.now(), seed });
  throw new RangeError(`unknown scenario "${s as string}" (trade-wind, nyc-replay)`);
}

export async function startSimulation(opts: SimulationOptions): Promise<Simulation> {
  const seed = opts.seed ?? 1;
  const scenario = makeScenario(opts.scenario, opts.clock, seed);
  const mode = MODES[opts.wxt?.mode ?? 'A'];
  if (!mode) throw new RangeError(`unknown WXT530 mode "${opts.wxt?.mode}"`);
  const twin = new Wxt530Twin({
    clock: opts.clock, scenario, seed, mode, address: opts.wxt?.address ?? '0',
    settings: { ...STATION_WXT530_SETTINGS, ...opts.wxt?.settings },
  });

  let ownDir: string | null = null;
  let exposure: Exposure;
  let path: string;
  if (opts.expose === 'pty') {
    const dir = opts.dir ?? (ownDir = mkdtempSync(join(tmpdir(), 'bonin-sim-')));
    const e = await exposePty(twin, { dir });
    [exposure, path] = [e, e.path];
  } else if (opts.expose === 'tcp') {
    const e = await exposeTcp(twin, { host: opts.host, port: opts.port });
    [exposure, path] = [e, e.url];
  } else if (opts.expose === 'inprocess') {
    const e = await exposeInProcess(twin);
    [exposure, path] = [e, e.path];
  } else {
    throw new RangeError(`unknown exposure "${opts.expose as string}" (pty, tcp, inprocess)`);
  }
  twin.start();

  let stopped = false;
  return {
    devices: [{ name: 'wxt530', kind: 'vaisala-wxt530', path, twin, exposure }],
    scenario,
    expose: opts.expose,
    async stop() {
      if (stopped) return;
      stopped = true;
      twin.stop();
      await exposure.close();
      if (ownDir) rmSync(ownDir, { recursive: true, force: true });
    },
  };
}

const MODE_NAMES: Record<WxtMode, string> = { A: 'automatic', a: 'automatic with CRC', P: 'polled', p: 'polled with CRC' };

/** The lines `bonin sim` prints: where each device is, how to talk to it, what weather it sees. */
export function describeSimulation(sim: Simulation): string {
  const s = sim.scenario;
  const lines = [`scenario: ${s.name} — ${s.description ?? 'custom scenario'}; started ${new Date(s.start).toISOString()}`];
  for (const d of sim.devices) {
    const t = d.twin;
    const where = d.exposure.kind === 'pty' ? 'serial port (PTY)' : d.exposure.kind === 'tcp' ? 'TCP serial device server (raw)' : 'in-process stream';
    const st = t.settings;
    const rain = st.rainAutoSend === 'R' ? 'every 10 s while raining' : `every ${st.rainIntervalS} s`;
    lines.push(
      `${d.name} (${d.kind}): ${d.path} — ${where}, 19200 baud 8N1, Vaisala ASCII ${MODE_NAMES[t.mode]} (aXU,M=${t.mode}), address ${t.address}`,
      t.mode === 'A' || t.mode === 'a'
        ? `  sends: wind ${st.windIntervalS} s (${st.windAveragingS}-s average), PTU ${st.ptuIntervalS} s, rain ${rain}, supervisor ${st.supervisorIntervalS} s; answers ${t.address}R0–${t.address}R5 polls`
        : `  answers polls: ${t.address}R1 wind, ${t.address}R2 PTU, ${t.address}R3 rain, ${t.address}R5 supervisor, ${t.address}R0 composite`,
    );
  }
  return lines.join('\n');
}
