// Guards around node-onvif 0.1.7's traps (shared/docs/onvif-node.md): no timeout on
// fetchSnapshot and an idle-only one on SOAP, a Digest helper shared by every device in the
// process, a camera date applied field by field onto today's date, credentials it turns
// into broken XML or a truncated Digest. Everything here is about the library, nothing about
// scheduling (driver.ts).
import { globalAgent, type ClientRequest, type IncomingHttpHeaders, type IncomingMessage, type RequestOptions } from 'node:http';
import { createRequire } from 'node:module';
import type { OnvifDevice } from 'node-onvif';

export type CameraErrorKind = 'timeout' | 'offline' | 'auth' | 'corrupt' | 'error';

/** A failed camera call, with a reason a technician can act on. */
export class CameraError extends Error {
  constructor(readonly camera: string, readonly kind: CameraErrorKind, readonly reason: string) {
    super(`camera ${camera}: ${reason}`);
    this.name = 'CameraError';
  }
}

/**
 * Reject after `ms` real milliseconds. Real, not clock, time: it bounds a network exchange,
 * which takes as long at 60× scenario speed as in the field.
 */
export function withTimeout<T>(p: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  let t: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    t = setTimeout(() => reject(onTimeout()), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(t));
}

/**
 * Destroy this process's pooled HTTP connections to the camera at `url`. node-onvif gives
 * no handle on its requests, so after a timeout the request would otherwise hang on (a
 * silent camera keeps it open for ever); every node-onvif call goes through http.globalAgent.
 * Only this host:port is touched, and its calls have all been abandoned by then.
 */
export function abandonConnections(url: string): number {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return 0;
  }
  const prefix = `${u.hostname}:${u.port || 80}:`;
  let n = 0;
  for (const pool of [globalAgent.sockets, globalAgent.freeSockets]) {
    for (const [name, socks] of Object.entries(pool)) {
      if (!name.startsWith(prefix)) continue;
      for (const s of socks ?? []) {
        s.destroy();
        n++;
      }
    }
  }
  return n;
}

let snapshotChain: Promise<unknown> = Promise.resolve();

/**
 * Run snapshot fetches one at a time in this process: node-onvif's Digest helper is one
 * shared object, and two cameras answering 401 at once get each other's retry (one fails).
 * The caller's timeout starts when its turn comes (see driver.ts), so a hung camera delays
 * the others by at most its own timeout.
 */
export function serialised<T>(fn: () => Promise<T>): Promise<T> {
  const run = snapshotChain.then(fn, fn);
  snapshotChain = run.catch(() => undefined);
  return run;
}

/** Who to tell when the Digest retry of the snapshot now running fails (set only inside serialised()). */
let digestFailure: ((e: Error) => void) | null = null;

interface HttpAuthHelper {
  _handleHttpDigest(http: { request(o: RequestOptions, cb: (res: IncomingMessage) => void): ClientRequest }, res: IncomingMessage, cb: (res: IncomingMessage) => void): void;
  __boninGuarded?: boolean;
}

/**
 * node-onvif's Digest retry request has no 'error' listener: a camera (or radio link) that
 * resets the connection between the 401 and the retry throws an uncaught exception and
 * kills the whole process. Wrap it once: the retry gets a listener that fails the snapshot
 * it belongs to, and the 401's body is drained so its keep-alive socket is freed.
 */
function guardDigestRetry(): void {
  let auth: HttpAuthHelper;
  try {
    auth = createRequire(import.meta.url)('node-onvif/lib/modules/http-auth.js') as HttpAuthHelper;
  } catch {
    return; // a node-onvif without this file: nothing to guard
  }
  if (auth.__boninGuarded || typeof auth._handleHttpDigest !== 'function') return;
  const original = auth._handleHttpDigest;
  auth._handleHttpDigest = function (http, res, cb) {
    res.resume();
    const owner = digestFailure;
    const guarded = {
      request(o: RequestOptions, done: (r: IncomingMessage) => void): ClientRequest {
        const req = http.request(o, done);
        req.on('error', (e: Error) => owner?.(e));
        return req;
      },
    };
    original.call(this, guarded, res, cb);
  };
  auth.__boninGuarded = true;
}
guardDigestRetry();

/**
 * node-onvif's fetchSnapshot with a timeout starting at this snapshot's turn (serialised),
 * and a reset during its Digest retry reported as a network error instead of a crash.
 */
export function fetchSnapshot(dev: OnvifDevice, timeoutMs: number, onTimeout: () => Error, onTurn?: () => void): Promise<{ headers: IncomingHttpHeaders; body: Buffer }> {
  return serialised(() => new Promise<{ headers: IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
    onTurn?.();
    digestFailure = (e) => reject(new Error(`Network Error: ${e.message} (during the Digest retry)`));
    withTimeout(dev.fetchSnapshot(), timeoutMs, onTimeout).then(resolve, reject);
  }).finally(() => { digestFailure = null; }));
}

/** UTC ms from a GetSystemDateAndTime response as node-onvif parsed it, or null. */
export function cameraUtc(converted: unknown): number | null {
  const sdt = (converted as { Body?: { GetSystemDateAndTimeResponse?: { SystemDateAndTime?: { UTCDateTime?: { Time?: Record<string, string>; Date?: Record<string, string> } } } } })
    ?.Body?.GetSystemDateAndTimeResponse?.SystemDateAndTime?.UTCDateTime;
  const t = sdt?.Time;
  const d = sdt?.Date;
  if (!t || !d) return null;
  const n = [d.Year, d.Month, d.Day, t.Hour, t.Minute, t.Second].map((v) => Number(v));
  if (n.some((v) => !Number.isInteger(v))) return null;
  const [Y, M, D, h, m, s] = n as [number, number, number, number, number, number];
  const ts = Date.UTC(Y, M - 1, D, h, m, s);
  return Number.isFinite(ts) ? ts : null;
}

/**
 * Replace init()'s step 1 on this device object: node-onvif sets the camera's date field by
 * field onto today's date, so near a month's end its clock offset is off by a month and every
 * signed call after it is refused. Ours reads the same response with Date.UTC, sets the same
 * offsets node-onvif signs with, and reports the camera's time (`onTime(cameraTs, halfTripMs)`:
 * the whole second plus 500 ms, its expected sub-second part, read half a round trip ago). Like node-onvif, a camera that
 * does not answer it is not an error (some do not implement it).
 */
export function installTimeSync(dev: OnvifDevice, onTime: (cameraTs: number, halfTripMs: number) => void): void {
  if (typeof dev._getSystemDateAndTime !== 'function') return; // another node-onvif: keep its own
  dev._getSystemDateAndTime = () => {
    const sent = Date.now();
    return dev.services.device.getSystemDateAndTime().then((res) => {
      const ts = cameraUtc(res.converted);
      if (ts === null) return;
      // The camera read its clock about half-way through the round trip.
      const received = Date.now();
      const cameraTs = ts + 500;
      const diff = cameraTs - (sent + received) / 2;
      dev.time_diff = diff;
      dev.services.device.time_diff = diff;
      onTime(cameraTs, (received - sent) / 2);
    }, () => undefined);
  };
}

/**
 * Credentials node-onvif can carry: it throws on non-ASCII and < >, writes `&` into XML
 * unescaped, and splits user:password on ':' for Digest (a ':' in the password truncates it).
 */
export function credentialProblem(user: string, password: string): string | null {
  for (const [key, v] of [['user', user], ['password', password]] as const) {
    if (/[^\x20-\x7e]/.test(v)) return `${key} must be printable ASCII (node-onvif refuses others)`;
    if (/[<>&]/.test(v)) return `${key} must not contain < > or & (node-onvif writes it into XML unescaped)`;
    if (v.includes(':')) return `${key} must not contain ':' (node-onvif splits user:password on it for Digest)`;
  }
  return null;
}

/** Sort a node-onvif / network error into what it means for the station. */
export function classify(camera: string, step: string, e: unknown): CameraError {
  if (e instanceof CameraError) return e;
  // node-onvif puts a text/* snapshot answer (a camera's HTML login page) whole into the message.
  const full = (e instanceof Error ? e.message : String(e)).replace(/\s+/g, ' ').trim();
  const msg = full.length > 200 ? `${full.slice(0, 200)}…` : full;
  if (/NotAuthori[sz]ed|not authori[sz]ed|^401\b|\b401 Unauthorized/i.test(msg)) {
    return new CameraError(camera, 'auth', `${step}: the camera refused the credentials (${msg.replace(/^Failed to initialize the device: (Error: )?/, '')}); check user and password (changed on the camera?)`);
  }
  if (/ECONNREFUSED|ECONNRESET|EHOSTUNREACH|ENETUNREACH|ETIMEDOUT|EPIPE|socket hang up|Network Error/i.test(msg)) {
    return new CameraError(camera, 'offline', `${step}: camera unreachable (${msg.replace(/^Failed to initialize the device: (Error: )?/, '')})`);
  }
  return new CameraError(camera, 'error', `${step}: ${msg}`);
}
