// Cameras at provisioning (issue 8's drivers/onvif): WS-Discovery plus any xaddr given, each
// camera tried with the credentials the technician has, a snapshot taken through the same
// driver the gateway uses. A camera refusing every credential is reported as a wrong
// password (not as "offline"), and is left out of the station file.
import { join } from 'node:path';
import type { Clock } from '../../core/index.ts';
import { discoverCameras, OnvifCameraDriver, type CameraStatus } from '../../drivers/onvif/index.ts';
import { writeFileAtomic } from '../config/write-atomic.ts';
import type { CheckResult } from './selftest-system.ts';

export interface Credentials { user: string; password: string }

export interface CameraFinding {
  xaddr: string;
  name: string;
  status: 'ok' | 'wrong-password' | 'unreachable';
  user?: string;
  model?: string;
  manufacturer?: string;
  firmware?: string;
  serial?: string;
  frame?: { width: number; height: number; bytes: number };
  check: CheckResult;
}

/** One try: init, then a snapshot. Resolves the state the driver reached. */
async function tryOnce(xaddr: string, c: Credentials, clock: Clock, timeoutMs: number) {
  const d = new OnvifCameraDriver({ id: 'provision', xaddr, user: c.user, password: c.password, clock, timeoutMs, retries: 0, intervalMs: 86_400_000 });
  d.on('error', () => {});
  const settled = new Promise<CameraStatus>((resolve) => {
    const t = setTimeout(() => resolve(d.status), timeoutMs + 2000);
    d.on('status', (s: CameraStatus) => {
      if (s.state !== 'offline' || d.stats.initFailures > 0) {
        clearTimeout(t);
        resolve(s);
      }
    });
  });
  d.start();
  try {
    const st = await settled;
    if (st.state !== 'online') return { state: st.state, reason: st.reason } as const;
    const frame = await d.snapshot();
    return { state: 'online', info: d.info, frame: { width: frame.width, height: frame.height, bytes: frame.jpeg.length } } as const;
  } catch (e) {
    return { state: 'error', reason: (e as Error).message } as const;
  } finally {
    await d.stop();
  }
}

export async function probeCamera(xaddr: string, name: string, creds: readonly Credentials[], clock: Clock, timeoutMs: number): Promise<CameraFinding> {
  if (creds.length === 0) {
    return { xaddr, name, status: 'wrong-password', check: { item: `camera ${name}`, verdict: 'fail', detail: `${xaddr}: no credentials given`, advice: 'give the camera user and password (--camera-user/--camera-password or cameras: in the answers file)' } };
  }
  let last = '';
  let refused = 0;
  for (const c of creds) {
    const r = await tryOnce(xaddr, c, clock, timeoutMs);
    if (r.state === 'online') {
      const i = r.info;
      return {
        xaddr, name, status: 'ok', user: c.user, frame: r.frame,
        ...(i ? { model: i.Model, manufacturer: i.Manufacturer, firmware: i.FirmwareVersion, serial: i.SerialNumber } : {}),
        check: { item: `camera ${name}`, verdict: 'pass', detail: `${xaddr}: ${i ? `${i.Manufacturer} ${i.Model}, firmware ${i.FirmwareVersion}, serial ${i.SerialNumber}; ` : ''}snapshot ${r.frame.width}×${r.frame.height}, ${r.frame.bytes} bytes (user ${c.user})` },
      };
    }
    last = r.reason;
    if (r.state === 'auth-failed') refused++;
    else break; // not a credentials problem: another password will not help
  }
  if (refused > 0 && refused === creds.length) {
    return { xaddr, name, status: 'wrong-password', check: { item: `camera ${name}`, verdict: 'fail', detail: `${xaddr}: wrong password — refused every credential given (${creds.map((c) => c.user).join(', ')}): ${last}`, advice: 'check the camera\'s user and password (its label, the installer\'s sheet, or reset it), give them with --camera-user/--camera-password, and run again; the camera is left out of the station file' } };
  }
  return { xaddr, name, status: 'unreachable', check: { item: `camera ${name}`, verdict: 'fail', detail: `${xaddr}: ${last}`, advice: 'check the camera\'s power (PoE), its network cable and address, and that ONVIF is enabled on it' } };
}

/** Discovery (unless off) plus the given xaddrs, each probed. */
export async function findCameras(o: { xaddrs: readonly string[]; discover: boolean; discoveryMs: number; creds: readonly Credentials[]; clock: Clock; timeoutMs: number; log: (l: string) => void }): Promise<CameraFinding[]> {
  const targets = new Map<string, string>(o.xaddrs.map((x, i) => [x, `camera-${i + 1}`]));
  if (o.discover) {
    try {
      for (const c of await discoverCameras({ timeoutMs: o.discoveryMs })) if (!targets.has(c.xaddr)) targets.set(c.xaddr, c.name || c.address);
    } catch (e) {
      o.log(`camera discovery: ${(e as Error).message}`);
    }
  }
  const out: CameraFinding[] = [];
  for (const [xaddr, name] of targets) {
    o.log(`camera ${name} (${xaddr})…`);
    out.push(await probeCamera(xaddr, name, o.creds, o.clock, o.timeoutMs));
  }
  return out;
}

/** The station file's cameras section for the cameras that worked; passwords in 0600 files beside it. */
export function camerasSection(found: readonly CameraFinding[], creds: readonly Credentials[], dir: string): { frames_quota_mb: number; devices: Array<Record<string, unknown>> } | null {
  const ok = found.filter((f) => f.status === 'ok');
  if (!ok.length) return null;
  const devices = ok.map((f, i) => {
    const id = `cam-${i + 1}`;
    const pw = creds.find((c) => c.user === f.user)!.password;
    writeFileAtomic(join(dir, 'keys', `${id}.password`), `${pw}\n`, { mode: 0o600, backup: 'stamped' });
    return { id, xaddr: f.xaddr, user: f.user, password_file: `keys/${id}.password` };
  });
  return { frames_quota_mb: 200, devices };
}
