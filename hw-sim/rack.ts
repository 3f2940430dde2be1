// The "mystery rack" (issue 9): a seeded random set of device twins from every family of the
// catalog, each behind its own PTY at a random baud rate it really keeps (rack-baud.ts), in a
// shuffled order, plus a port whose device is announced but absent and a port spewing
// garbage. Provisioning tests scan it and compare with `slots`, which says what is where.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Clock } from '../core/clock.ts';
import { SIM_CATALOG } from './catalog.ts';
import { seededRandom } from './devices/line-faults.ts';
import type { SimDevice } from './devices/link.ts';
import { exposePty, type PtyExposure } from './expose/pty.ts';
import { startSimCamera, type SimCamera } from './devices/onvif-camera/index.ts';
import { AbsentDevice, BaudGate, BaudObserver, GarbageDevice } from './rack-baud.ts';
import { tradeWindDay } from './weather/trade-wind.ts';

/** What a correct scan must report for a slot: the station-file sensor type and its mode. */
export interface RackExpectation {
  type: string | null;
  mode?: string;
}

interface Variant {
  label: string;
  kind: string;
  options: Record<string, unknown>;
  /** rates the real device can be set to, the factory one first */
  bauds: readonly number[];
  expect: RackExpectation;
}

const WXT_BAUDS = [19200, 9600, 4800, 38400, 57600, 115200, 2400, 1200];
const PTB_BAUDS = [9600, 4800, 19200, 2400, 1200, 38400];
const RG15_BAUDS = [9600, 1200, 2400, 4800, 19200, 38400, 57600];
const SONIC_BAUDS = [9600, 19200, 38400, 4800, 2400];

/** Every family and the modes a technician meets them in. */
export const RACK_VARIANTS: readonly Variant[] = [
  { label: 'WXT530 ASCII automatic', kind: 'vaisala-wxt530', options: { mode: 'A' }, bauds: WXT_BAUDS, expect: { type: 'vaisala-wxt530', mode: 'automatic' } },
  { label: 'WXT530 ASCII polled', kind: 'vaisala-wxt530', options: { mode: 'P' }, bauds: WXT_BAUDS, expect: { type: 'vaisala-wxt530', mode: 'polled' } },
  { label: 'WXT530 NMEA automatic', kind: 'vaisala-wxt530', options: { mode: 'N' }, bauds: WXT_BAUDS, expect: { type: 'vaisala-wxt530', mode: 'nmea' } },
  { label: 'NMEA 0183 talker', kind: 'nmea-0183', options: {}, bauds: [4800, 9600, 38400], expect: { type: 'nmea-0183' } },
  { label: 'WindSonic continuous', kind: 'gill-windsonic', options: { mode: 'continuous' }, bauds: SONIC_BAUDS, expect: { type: 'gill-windsonic', mode: 'continuous' } },
  { label: 'WindSonic polled', kind: 'gill-windsonic', options: { mode: 'polled' }, bauds: SONIC_BAUDS, expect: { type: 'gill-windsonic', mode: 'polled' } },
  { label: 'PTB330 STOP', kind: 'vaisala-ptb330', options: { smode: 'STOP' }, bauds: PTB_BAUDS, expect: { type: 'vaisala-ptb330', mode: 'polled' } },
  { label: 'PTB330 RUN', kind: 'vaisala-ptb330', options: { smode: 'RUN', intervalS: 1 }, bauds: PTB_BAUDS, expect: { type: 'vaisala-ptb330', mode: 'automatic' } },
  { label: 'PTB210', kind: 'vaisala-ptb210', options: {}, bauds: PTB_BAUDS, expect: { type: 'vaisala-ptb210' } },
  { label: 'RG-15 polling', kind: 'hydreon-rg15', options: { mode: 'polling' }, bauds: RG15_BAUDS, expect: { type: 'hydreon-rg15' } },
  { label: 'RG-15 continuous', kind: 'hydreon-rg15', options: { mode: 'continuous' }, bauds: RG15_BAUDS, expect: { type: 'hydreon-rg15' } },
  { label: 'Firmata board', kind: 'firmata-board', options: {}, bauds: [57600], expect: { type: 'firmata-board' } },
];

export interface RackSlot {
  /** the PTY path a scan is given */
  path: string;
  label: string;
  /** SIM_CATALOG kind, or 'absent' / 'garbage' */
  kind: string;
  /** the rate the device keeps (absent and garbage: none) */
  baud: number | null;
  expect: RackExpectation;
}

/** A camera of the rack: `expect` what provisioning must say with the rack's `credentials`. */
export interface RackCamera {
  name: string;
  xaddr: string;
  expect: 'ok' | 'wrong-password';
}

export interface Rack {
  seed: number;
  dir: string;
  slots: RackSlot[];
  cameras: RackCamera[];
  /** what the technician was told the cameras' user and password are */
  credentials: { user: string; password: string };
  stop(): Promise<void>;
}

export interface RackPlan {
  seed: number;
  slots: Array<{ name: string; variant: Variant | 'absent' | 'garbage'; baud: number | null }>;
}

/** The rack for a seed, without starting anything (`bonin sim --rack` and tests print it). */
export function planRack(seed: number, opts: { devices?: number } = {}): RackPlan {
  const rand = seededRandom(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const n = opts.devices ?? 3 + Math.floor(rand() * 3);
  const chosen: RackPlan['slots'] = [];
  for (let i = 0; i < n; i++) {
    const v = pick(RACK_VARIANTS);
    chosen.push({ name: '', variant: v, baud: pick(v.bauds) });
  }
  chosen.push({ name: '', variant: 'absent', baud: null }, { name: '', variant: 'garbage', baud: null });
  // Shuffle (Fisher-Yates): a port's number says nothing about what is on it.
  for (let i = chosen.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [chosen[i], chosen[j]] = [chosen[j]!, chosen[i]!];
  }
  chosen.forEach((s, i) => { s.name = `ttyRACK${i}`; });
  return { seed, slots: chosen };
}

/**
 * Start the planned rack on PTYs (needs socat), and two ONVIF cameras on loopback HTTP (no
 * WS-Discovery: multicast needs a network namespace; their xaddrs are in `cameras`), one of
 * which was given another password than the technician's. Time comes from `clock`.
 */
export async function startRack(seed: number, clock: Clock, opts: { dir?: string; devices?: number; cameras?: boolean } = {}): Promise<Rack> {
  const plan = planRack(seed, opts);
  const ownDir = opts.dir ? null : mkdtempSync(join(tmpdir(), 'bonin-rack-'));
  const dir = opts.dir ?? ownDir!;
  const scenario = tradeWindDay({ start: clock.now(), seed });
  const running: Array<{ twin: SimDevice; exposure: PtyExposure; observer: BaudObserver | null }> = [];
  const slots: RackSlot[] = [];
  const simCameras: SimCamera[] = [];
  const cameras: RackCamera[] = [];
  const credentials = { user: 'admin', password: `rack-${seed}` };
  const stop = async () => {
    for (const c of simCameras) await c.stop();
    for (const r of running) {
      r.twin.stop();
      await r.observer?.close();
      await r.exposure.close();
    }
    if (ownDir) rmSync(ownDir, { recursive: true, force: true });
  };
  try {
    for (const [i, s] of plan.slots.entries()) {
      let twin: SimDevice;
      let gate: BaudGate | null = null;
      if (s.variant === 'absent') twin = new AbsentDevice(s.name);
      else if (s.variant === 'garbage') twin = new GarbageDevice(s.name, seed * 31 + i);
      else {
        const inner = SIM_CATALOG[s.variant.kind]!.create({ clock, scenario, seed: seed * 17 + i, options: s.variant.options });
        twin = gate = new BaudGate(inner, s.baud!);
      }
      const exposure = await exposePty(twin, { dir, name: s.name });
      // The observer opens the host's end before anyone else can (rack-baud.ts).
      const observer = gate ? await BaudObserver.open(exposure.path) : null;
      if (gate) gate.observer = observer;
      running.push({ twin, exposure, observer });
      twin.start();
      const label = typeof s.variant === 'string' ? (s.variant === 'absent' ? 'absent device (announced, nothing answers)' : 'garbage (line noise at every rate)') : s.variant.label;
      slots.push({ path: exposure.path, label, kind: typeof s.variant === 'string' ? s.variant : s.variant.kind, baud: s.baud, expect: typeof s.variant === 'string' ? { type: null } : s.variant.expect });
    }
    if (opts.cameras !== false) {
      for (const [name, password, expect] of [['rack-cam-east', credentials.password, 'ok'], ['rack-cam-west', `changed-${seed}`, 'wrong-password']] as const) {
        const cam = await startSimCamera({ name, user: credentials.user, password, clock, scenario });
        simCameras.push(cam);
        cameras.push({ name, xaddr: cam.xaddr, expect });
      }
    }
  } catch (e) {
    await stop();
    throw e;
  }
  let stopped = false;
  return {
    seed, dir, slots, cameras, credentials,
    async stop() {
      if (stopped) return;
      stopped = true;
      await stop();
    },
  };
}

/** What `bonin sim --rack` prints: one line a port. */
export function describeRack(rack: Pick<Rack, 'seed' | 'slots' | 'cameras' | 'credentials'>): string {
  return [
    `mystery rack, seed ${rack.seed}:`, ...rack.slots.map((s) => `${s.path}: ${s.label}${s.baud ? ` at ${s.baud} baud` : ''}`),
    ...rack.cameras.map((c) => `${c.xaddr}: ONVIF camera ${c.name}${c.expect === 'ok' ? '' : ' (its password is not the one the technician has)'}`),
    ...(rack.cameras.length ? [`camera credentials the technician has: ${rack.credentials.user} / ${rack.credentials.password}`] : []),
  ].join('\n');
}
