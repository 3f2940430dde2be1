// A simulated ONVIF network camera (Profile S subset): the device and media SOAP services
// node-onvif calls during init(), WS-Security UsernameToken digest checked against the
// camera's own (possibly skewed) clock, JPEG snapshots behind HTTP Digest, WS-Discovery,
// and the faults of a camera on a remote mast: offline, slow, password changed, corrupt
// JPEG, clock skew — settable while it runs.
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Clock } from '../../../core/clock.ts';
import { checkUsernameToken, DigestGuard } from './auth.ts';
import { startDiscoveryResponder, type DiscoveryOptions, type DiscoveryResponder } from './discovery.ts';
import type { LensState } from '../../weather/sky.ts';
import type { WeatherScenario } from '../../weather/types.ts';
import { corruptJpeg, gradientSource, skySource, type FrameSource, type JpegCorruption } from './picture.ts';
import * as r from './responses.ts';
import { bodyAction, elementText, envelope, FAULTS, faultEnvelope, usernameToken, type SoapFault } from './soap.ts';

export interface SimCameraFaults {
  /** true/'drop': connections are reset on arrival; 'silent': accepted, never answered. Discovery stays quiet. */
  offline: boolean | 'drop' | 'silent';
  /** extra real milliseconds before every HTTP answer (a saturated radio link) */
  slow: number;
  /** the camera's password was changed on site: true = `<password>-changed`, or the new password */
  'wrong-password': boolean | string;
  /** snapshots come back spoiled, still as image/jpeg (true = 'truncated') */
  'corrupt-jpeg': boolean | JpegCorruption;
  /** the camera's clock is this many seconds ahead (negative: behind) of the true time */
  'clock-skew': number;
  /** sky pictures only: the lens is wet or obstructed (false: as the weather makes it) */
  lens: false | LensState;
  /** the link resets the connection of every authorised snapshot request (a radio drop mid-transfer) */
  'drop-snapshot': boolean;
}

export type SimCameraFaultName = keyof SimCameraFaults;

const NO_FAULTS: SimCameraFaults = { offline: false, slow: 0, 'wrong-password': false, 'corrupt-jpeg': false, 'clock-skew': 0, lens: false, 'drop-snapshot': false };

export interface SimCameraOptions {
  /** friendly name (discovery scope `name`), e.g. "Chichijima east" */
  name: string;
  user: string;
  password: string;
  /** listen address (default 127.0.0.1) */
  host?: string;
  /** listen port (default 0: any free port) */
  port?: number;
  /** address put in XAddrs and URIs (default: host, or 127.0.0.1 when host is 0.0.0.0) */
  advertiseHost?: string;
  /** answer WS-Discovery probes (default false: multicast only where a test made a network for it) */
  discovery?: boolean | DiscoveryOptions;
  /** true time; the camera's clock is this plus the clock-skew fault */
  clock: Clock;
  /** the picture at a clock instant, JPEG bytes (default: the sky of `scenario`, else a gradient) */
  frame?: FrameSource;
  /** weather truth for the default pictures (hw-sim/weather/sky.ts) */
  scenario?: WeatherScenario;
  /** where the camera stands, for the sun (default Chichijima) */
  position?: { lat: number; lon: number };
  /** picture size advertised in the profile (default 640 × 360) */
  resolution?: { width: number; height: number };
  faults?: Partial<SimCameraFaults>;
  /** WS-Security Created must be within ± this of the camera clock (default 300 s) */
  authWindowS?: number;
  manufacturer?: string;
  model?: string;
  serial?: string;
  location?: string;
  /** endpoint reference (default: a UUID derived from the name, stable across restarts) */
  urn?: string;
}

export interface SimCameraStats {
  soapRequests: number;
  /** SOAP calls and snapshot requests refused for credentials */
  authFailures: number;
  /** why the last refusal happened (the client only sees NotAuthorized / 401) */
  lastAuthFailure: string | null;
  snapshots: number;
  probesAnswered: number;
  /** connections reset or left hanging by the offline fault */
  connectionsDropped: number;
}

export interface SimCamera {
  name: string;
  /** device service URL (what node-onvif's OnvifDevice takes as xaddr) */
  xaddr: string;
  snapshotUrl: string;
  /** WS-Discovery endpoint reference, urn:uuid:… */
  urn: string;
  /** the UDP port probes are answered on, or null without discovery */
  discoveryPort: number | null;
  readonly faults: Readonly<SimCameraFaults>;
  readonly stats: Readonly<SimCameraStats>;
  /** Set one fault; false/0 clears it. */
  setFault<K extends SimCameraFaultName>(name: K, value: SimCameraFaults[K]): void;
  /** the camera's current clock (true time + skew), UTC ms */
  cameraNow(): number;
  stop(): Promise<void>;
}

/** Access class PRE_AUTH (ONVIF Core §5.9.4): answered without credentials. */
const PRE_AUTH = new Set(['GetSystemDateAndTime', 'GetCapabilities', 'GetServices', 'GetWsdlUrl', 'GetEndpointReference']);

function nameUuid(name: string): string {
  const h = createHash('sha1').update(`bonin-sim-onvif-camera:${name}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function validateFault<K extends SimCameraFaultName>(name: K, value: SimCameraFaults[K]): void {
  const ok = {
    offline: (v: unknown) => typeof v === 'boolean' || v === 'drop' || v === 'silent',
    slow: (v: unknown) => typeof v === 'number' && v >= 0 && Number.isFinite(v),
    'wrong-password': (v: unknown) => typeof v === 'boolean' || (typeof v === 'string' && v.length > 0),
    'corrupt-jpeg': (v: unknown) => typeof v === 'boolean' || v === 'truncated' || v === 'garbage',
    'clock-skew': (v: unknown) => typeof v === 'number' && Number.isFinite(v),
    lens: (v: unknown) => v === false || v === 'clear' || v === 'wet' || v === 'obstructed',
    'drop-snapshot': (v: unknown) => typeof v === 'boolean',
  }[name];
  if (!ok) throw new RangeError(`unknown camera fault "${String(name)}" (${Object.keys(NO_FAULTS).join(', ')})`);
  if (!ok(value)) throw new RangeError(`camera fault ${name}: invalid value ${JSON.stringify(value)}`);
}

export async function startSimCamera(opts: SimCameraOptions): Promise<SimCamera> {
  const host = opts.host ?? '127.0.0.1';
  const resolution = opts.resolution ?? { width: 640, height: 360 };
  const windowMs = (opts.authWindowS ?? 300) * 1000;
  if (!opts.name) throw new RangeError('simulated camera name: must not be empty');
  if (!opts.user) throw new RangeError(`camera ${opts.name} user: must not be empty`);
  if (![resolution.width, resolution.height].every((n) => Number.isInteger(n) && n > 0 && n <= 8192)) {
    throw new RangeError(`camera ${opts.name} resolution: width and height must be whole numbers 1–8192, got ${resolution.width}×${resolution.height}`);
  }
  if (!(windowMs > 0)) throw new RangeError(`camera ${opts.name} authWindowS: must be positive, got ${opts.authWindowS}`);
  const faults: SimCameraFaults = { ...NO_FAULTS };
  const frame = opts.frame ?? (opts.scenario
    ? skySource({ scenario: opts.scenario, position: opts.position, ...resolution, seed: parseInt(nameUuid(opts.name).slice(0, 6), 16), lens: () => faults.lens || undefined })
    : gradientSource(resolution.width, resolution.height));
  for (const [k, v] of Object.entries(opts.faults ?? {})) {
    validateFault(k as SimCameraFaultName, v as never);
    (faults as unknown as Record<string, unknown>)[k] = v;
  }
  const stats: SimCameraStats = { soapRequests: 0, authFailures: 0, lastAuthFailure: null, snapshots: 0, probesAnswered: 0, connectionsDropped: 0 };
  const urn = opts.urn ?? `urn:uuid:${nameUuid(opts.name)}`;
  const serial = opts.serial ?? `BNS${createHash('sha1').update(opts.name).digest('hex').slice(0, 8).toUpperCase()}`;
  const id: r.CameraIdentity = {
    manufacturer: opts.manufacturer ?? 'Bonin Sim',
    model: opts.model ?? 'SkyCam-200',
    firmware: 'V1.4.2 build 260701',
    serial,
    hardwareId: 'SC200-A',
    name: opts.name,
    location: opts.location ?? 'Ogasawara',
  };
  const guard = new DigestGuard(`SkyCam ${serial}`);
  const seenNonces = new Set<string>();
  const sockets = new Set<Socket>();
  const cameraNow = () => opts.clock.now() + faults['clock-skew'] * 1000;
  const password = () => {
    const w = faults['wrong-password'];
    return w === false ? opts.password : w === true ? `${opts.password}-changed` : w;
  };
  const offlineMode = (): 'drop' | 'silent' | null => (faults.offline === false ? null : faults.offline === 'silent' ? 'silent' : 'drop');
  let urls: r.CameraUrls | null = null;

  const refuse = (why: string) => {
    stats.authFailures++;
    stats.lastAuthFailure = why;
  };

  const sendSoap = (res: ServerResponse, status: number, xml: string) => {
    res.writeHead(status, { 'Content-Type': 'application/soap+xml; charset=utf-8', 'Content-Length': Buffer.byteLength(xml) });
    res.end(xml);
  };
  const sendFault = (res: ServerResponse, f: SoapFault) => sendSoap(res, f.status, faultEnvelope(f));

  function answerSoap(xml: string, res: ServerResponse): void {
    stats.soapRequests++;
    const action = bodyAction(xml);
    if (!action) return sendFault(res, FAULTS.wellFormed);
    if (!PRE_AUTH.has(action)) {
      const check = checkUsernameToken(usernameToken(xml), opts.user, password(), cameraNow(), windowMs, seenNonces);
      if (!check.ok) {
        refuse(`${action}: ${check.reason}`);
        return sendFault(res, FAULTS.notAuthorized);
      }
    }
    const u = urls!;
    const profileOk = () => elementText(xml, 'ProfileToken') === r.PROFILE_TOKEN;
    let body: string;
    switch (action) {
      case 'GetSystemDateAndTime': body = r.systemDateAndTime(cameraNow()); break;
      case 'GetCapabilities': body = r.capabilities(u); break;
      case 'GetServices': body = r.services(u); break;
      case 'GetDeviceInformation': body = r.deviceInformation(id); break;
      case 'GetScopes': body = r.scopes(id); break;
      case 'GetHostname': body = r.hostname(id.name); break;
      case 'GetProfiles': body = r.profiles(resolution); break;
      case 'GetStreamUri':
        if (!profileOk()) return sendFault(res, FAULTS.noProfile);
        if (!/^(UDP|HTTP|RTSP|TCP)$/.test(elementText(xml, 'Protocol') ?? '')) return sendFault(res, FAULTS.invalidStreamSetup);
        body = r.streamUri(u);
        break;
      case 'GetSnapshotUri':
        if (!profileOk()) return sendFault(res, FAULTS.noProfile);
        body = r.snapshotUri(u);
        break;
      default:
        return sendFault(res, FAULTS.actionNotSupported);
    }
    sendSoap(res, 200, envelope(body));
  }

  async function answerSnapshot(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const check = guard.check(req.headers.authorization, req.method ?? 'GET', req.url ?? '', opts.user, password());
    if (!check.ok) {
      // The first request of every client (node-onvif sends Basic) lands here: only count
      // answers that were real attempts with our nonce.
      if (req.headers.authorization && !/^\s*Basic\s/i.test(req.headers.authorization)) refuse(`snapshot: ${check.reason}`);
      res.writeHead(401, { 'WWW-Authenticate': guard.challenge(), 'Content-Type': 'text/plain', Connection: 'close' });
      res.end('401 Unauthorized');
      return;
    }
    if (faults['drop-snapshot']) {
      stats.connectionsDropped++;
      req.socket.destroy();
      return;
    }
    let jpegBytes: Buffer;
    try {
      jpegBytes = await frame(opts.clock.now());
    } catch (e) {
      res.writeHead(500, { 'Content-Type': 'text/plain' });
      res.end(`snapshot failed: ${(e as Error).message}`);
      return;
    }
    const c = faults['corrupt-jpeg'];
    if (c !== false) jpegBytes = corruptJpeg(jpegBytes, c === true ? 'truncated' : c);
    stats.snapshots++;
    res.writeHead(200, { 'Content-Type': 'image/jpeg', 'Content-Length': jpegBytes.length, 'Cache-Control': 'no-cache' });
    res.end(jpegBytes);
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > 256 * 1024) req.destroy(); // a camera's SOAP parser has little memory
      else chunks.push(c);
    });
    req.on('end', () => {
      const handle = () => {
        if (res.destroyed) return;
        if (offlineMode() === 'silent') return; // went offline while the request waited
        if (offlineMode() === 'drop') { res.destroy(); return; }
        const path = (req.url ?? '/').split('?')[0];
        if (req.method === 'POST' && (path === '/onvif/device_service' || path === '/onvif/media_service')) {
          answerSoap(Buffer.concat(chunks).toString('utf8'), res);
        } else if (req.method === 'GET' && path === '/onvif/snapshot.jpg') {
          void answerSnapshot(req, res);
        } else {
          res.writeHead(404, { 'Content-Type': 'text/plain' });
          res.end('404 Not Found');
        }
      };
      if (faults.slow > 0) setTimeout(handle, faults.slow);
      else handle();
    });
  });
  server.on('connection', (sock) => {
    const mode = offlineMode();
    if (mode === 'drop') {
      stats.connectionsDropped++;
      sock.destroy();
      return;
    }
    if (mode === 'silent') stats.connectionsDropped++;
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
  });
  server.on('clientError', (_e, sock) => sock.destroy());

  await new Promise<void>((resolve, reject) => {
    server.once('error', (e) => reject(new Error(`camera ${opts.name}: cannot listen on ${host}:${opts.port ?? 0}: ${e.message}`)));
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as { port: number }).port;
  const adv = opts.advertiseHost ?? (host === '0.0.0.0' ? '127.0.0.1' : host);
  const base = `http://${adv}:${port}`;
  urls = {
    device: `${base}/onvif/device_service`,
    media: `${base}/onvif/media_service`,
    imaging: `${base}/onvif/imaging_service`,
    snapshot: `${base}/onvif/snapshot.jpg`,
    rtsp: `rtsp://${adv}:554/Streaming/Channels/101`,
  };

  let discovery: DiscoveryResponder | null = null;
  if (opts.discovery) {
    try {
      discovery = await startDiscoveryResponder({
        urn,
        xaddr: () => urls!.device,
        scopes: () => r.scopeList(id),
        answering: () => offlineMode() === null,
        onProbe: () => { stats.probesAnswered++; },
      }, opts.discovery === true ? {} : opts.discovery);
    } catch (e) {
      server.close();
      throw e;
    }
  }

  let stopped = false;
  return {
    name: opts.name,
    xaddr: urls.device,
    snapshotUrl: urls.snapshot,
    urn,
    discoveryPort: discovery?.port ?? null,
    faults,
    stats,
    cameraNow,
    setFault(name, value) {
      validateFault(name, value);
      faults[name] = value;
      // A camera that goes offline takes its open connections with it.
      if (name === 'offline' && value !== false && offlineMode() === 'drop') for (const s of sockets) s.destroy();
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await discovery?.close();
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
