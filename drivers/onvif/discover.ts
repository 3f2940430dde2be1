// Find ONVIF cameras on the local network with node-onvif's WS-Discovery probe (multicast
// 239.255.255.250:3702). Traps handled (shared/docs/onvif-node.md): a second probe while one
// runs never settles, so probes run one at a time in this process; the listening time is
// node-onvif's fixed wait, set per call and never below what its 9 probes take to go out.
import onvif from 'node-onvif';
import { withTimeout } from './calls.ts';

export interface DiscoveredCamera {
  /** WS-Discovery endpoint reference (urn:uuid:…): stable across address changes */
  urn: string;
  /** device service URL, to give OnvifCameraDriver as xaddr */
  xaddr: string;
  /** the camera's friendly name (onvif://www.onvif.org/name/ scope) */
  name: string;
  /** model (onvif://www.onvif.org/hardware/ scope) */
  hardware: string;
  /** host of the xaddr */
  address: string;
  /** every XAddr the camera announced (some list one per interface) */
  xaddrs: string[];
}

/**
 * node-onvif sends 9 probes 150 ms apart (≈ 1.35 s); a wait that ends while one is in flight
 * closes its socket under it and the next send throws from a timer (process crash). 2.5 s
 * leaves over a second for a loaded board's timer delays.
 */
export const MIN_DISCOVERY_MS = 2500;

let running: Promise<unknown> = Promise.resolve();

/** Scope values are URI segments: node-onvif leaves %xx escapes in them. */
function unescapeScope(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** The first http:// XAddr (node-onvif cannot talk https). */
function pickXaddr(xaddrs: string[]): string | null {
  return xaddrs.find((x) => /^http:\/\//i.test(x)) ?? null;
}

/**
 * Probe for `timeoutMs` real milliseconds (default 3000, at least MIN_DISCOVERY_MS) and list
 * the cameras that answered, sorted by name. A camera announcing only https:// XAddrs is
 * left out (node-onvif cannot use it). Rejects only when the socket cannot be opened.
 */
export function discoverCameras(opts: { timeoutMs?: number } = {}): Promise<DiscoveredCamera[]> {
  const wait = Math.max(MIN_DISCOVERY_MS, Math.round(opts.timeoutMs ?? 3000));
  const run = running.then(async () => {
    onvif._DISCOVERY_WAIT = wait;
    // node-onvif settles after `wait`; the extra margin only guards against a stuck socket close.
    const found = await withTimeout(onvif.startProbe(), wait + 5000, () => new Error(`WS-Discovery probe did not finish within ${wait + 5000} ms`))
      .catch(async (e: Error) => {
        await onvif.stopProbe().catch(() => undefined);
        throw new Error(`camera discovery failed: ${e.message}`);
      });
    const out: DiscoveredCamera[] = [];
    for (const p of found) {
      const xaddrs = (p.xaddrs ?? []).filter((x) => x.length > 0);
      const xaddr = pickXaddr(xaddrs);
      if (!xaddr) continue;
      let address = '';
      try {
        address = new URL(xaddr).hostname;
      } catch {
        continue;
      }
      out.push({ urn: p.urn, xaddr, name: unescapeScope(p.name), hardware: unescapeScope(p.hardware), address, xaddrs });
    }
    return out.sort((a, b) => a.name.localeCompare(b.name) || a.urn.localeCompare(b.urn));
  });
  running = run.catch(() => undefined);
  return run;
}
