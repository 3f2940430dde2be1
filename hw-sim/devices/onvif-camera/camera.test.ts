// The simulated ONVIF camera on the wire: real node-onvif init() and fetchSnapshot against it,
// and the protocol details a stricter client would check (SOAP faults, WS-Security window and
// replay, Digest challenge, WS-Discovery ProbeMatches by unicast on loopback). Multicast
// discovery is tested in a network namespace: test/devices/onvif-discovery.test.ts.
import { createHash, randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import jpeg from 'jpeg-js';
import onvif from 'node-onvif';
import { ScaledClock } from '../../../core/clock.ts';
import { tradeWindDay } from '../../weather/trade-wind.ts';
import { describeSimulation, startSimulation } from '../../sim.ts';
import { startSimCamera, type SimCamera, type SimCameraOptions } from './camera.ts';
import { parseDigestHeader } from './auth.ts';

const clock = new ScaledClock();
const cameras: SimCamera[] = [];
afterEach(async () => {
  for (const c of cameras.splice(0)) await c.stop();
});

async function camera(o: Partial<SimCameraOptions> = {}): Promise<SimCamera> {
  const c = await startSimCamera({ name: 'Chichijima east', user: 'admin', password: 'kaze2026', clock, ...o });
  cameras.push(c);
  return c;
}

function http(url: string, opts: { method?: string; body?: string; headers?: Record<string, string> } = {}): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: opts.method ?? 'GET', headers: opts.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

/** A SOAP request signed as the ONVIF spec says, with a Created we choose. */
function signed(action: string, user: string, password: string, created: string, nonce = randomBytes(16)): string {
  const digest = createHash('sha1').update(Buffer.concat([nonce, Buffer.from(created), Buffer.from(password)])).digest('base64');
  return '<?xml version="1.0"?><env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope" xmlns:dev="http://www.onvif.org/ver10/device/wsdl">'
    + '<env:Header><wsse:Security xmlns:wsse="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd" xmlns:wsu="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd"><wsse:UsernameToken>'
    + `<wsse:Username>${user}</wsse:Username><wsse:Password Type="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordDigest">${digest}</wsse:Password>`
    + `<wsse:Nonce EncodingType="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0#Base64Binary">${nonce.toString('base64')}</wsse:Nonce><wsu:Created>${created}</wsu:Created>`
    + `</wsse:UsernameToken></wsse:Security></env:Header><env:Body><dev:${action}/></env:Body></env:Envelope>`;
}

const probe = (type: string, id: string) => Buffer.from(
  '<?xml version="1.0" encoding="UTF-8"?><s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing">'
  + `<s:Header><a:Action s:mustUnderstand="1">http://schemas.xmlsoap.org/ws/2005/04/discovery/Probe</a:Action><a:MessageID>uuid:${id}</a:MessageID>`
  + '<a:To s:mustUnderstand="1">urn:schemas-xmlsoap-org:ws:2005:04:discovery</a:To></s:Header>'
  + `<s:Body><Probe xmlns="http://schemas.xmlsoap.org/ws/2005/04/discovery"><d:Types xmlns:d="http://schemas.xmlsoap.org/ws/2005/04/discovery" xmlns:dp0="http://www.onvif.org/ver10/network/wsdl">dp0:${type}</d:Types></Probe></s:Body></s:Envelope>`);

/** Send probes to the camera's unicast discovery port; collect replies until `expect` came (or 5 s), then 300 ms more. */
async function probeReplies(port: number, probes: Buffer[], expected: number): Promise<string[]> {
  const sock = createSocket('udp4');
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
  const replies: string[] = [];
  sock.on('message', (m) => replies.push(m.toString()));
  try {
    for (const p of probes) sock.send(p, port, '127.0.0.1');
    const until = Date.now() + 5000;
    while (replies.length < expected && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 300)); // room for a wrong extra answer to show up
  } finally {
    sock.close();
  }
  return replies;
}

const soap = (c: SimCamera, body: string) => http(c.xaddr, { method: 'POST', body, headers: { 'Content-Type': 'application/soap+xml; charset=utf-8' } });

describe('simulated ONVIF camera', () => {
  it('is initialised by node-onvif (8 SOAP calls) and serves a decodable JPEG through its Digest retry', async () => {
    const c = await camera({ resolution: { width: 320, height: 240 } });
    const dev = new onvif.OnvifDevice({ xaddr: c.xaddr, user: 'admin', pass: 'kaze2026' });
    const info = await dev.init();
    expect(info).toMatchObject({ Manufacturer: 'Bonin Sim', Model: 'SkyCam-200' });
    expect(c.stats.soapRequests).toBe(8);
    const p = dev.getCurrentProfile()!;
    expect(p.snapshot).toBe(c.snapshotUrl);
    expect(p.video.encoder?.resolution).toEqual({ width: 320, height: 240 });
    expect(p.stream.rtsp).toMatch(/^rtsp:\/\/127\.0\.0\.1:554\//);
    const snap = await dev.fetchSnapshot();
    expect(snap.headers['content-type']).toBe('image/jpeg');
    const img = jpeg.decode(snap.body, { useTArray: true });
    expect([img.width, img.height]).toEqual([320, 240]);
    expect(c.stats).toMatchObject({ snapshots: 1, authFailures: 0 });
  });

  it('answers GetSystemDateAndTime without credentials, on its own skewed clock', async () => {
    const c = await camera({ faults: { 'clock-skew': -7200 } });
    const res = await soap(c, '<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body><GetSystemDateAndTime xmlns="http://www.onvif.org/ver10/device/wsdl"/></s:Body></s:Envelope>');
    expect(res.status).toBe(200);
    const xml = res.body.toString();
    const f = /<tt:UTCDateTime><tt:Time><tt:Hour>(\d+)<\/tt:Hour><tt:Minute>(\d+)<\/tt:Minute><tt:Second>(\d+)<\/tt:Second><\/tt:Time><tt:Date><tt:Year>(\d+)<\/tt:Year><tt:Month>(\d+)<\/tt:Month><tt:Day>(\d+)</.exec(xml)!.slice(1).map(Number) as [number, number, number, number, number, number];
    const cameraUtc = Date.UTC(f[3], f[4] - 1, f[5], f[0], f[1], f[2]);
    expect(Math.abs(cameraUtc - (Date.now() - 7200_000))).toBeLessThan(5000);
    expect(xml).toContain('<tt:TZ>JST-9</tt:TZ>');
  });

  it('checks the UsernameToken digest, the Created window on the camera clock, and nonce replay', async () => {
    const c = await camera({ faults: { 'clock-skew': 3600 }, authWindowS: 60 });
    const cameraTime = () => new Date(c.cameraNow()).toISOString();
    const ok = await soap(c, signed('GetDeviceInformation', 'admin', 'kaze2026', cameraTime()));
    expect(ok.status).toBe(200);
    expect(ok.body.toString()).toContain('<tds:SerialNumber>');

    const wrong = await soap(c, signed('GetDeviceInformation', 'admin', 'nope', cameraTime()));
    expect(wrong.status).toBe(400);
    expect(wrong.body.toString()).toMatch(/<s:Subcode><s:Value>ter:NotAuthorized<\/s:Value>/);
    expect(c.stats.lastAuthFailure).toMatch(/wrong password/);

    // Signed with the true time: an hour off the camera's clock, outside its 60-s window.
    const stale = await soap(c, signed('GetDeviceInformation', 'admin', 'kaze2026', new Date().toISOString()));
    expect(stale.status).toBe(400);
    expect(c.stats.lastAuthFailure).toMatch(/-3600 s off the camera clock/);

    const nonce = randomBytes(16);
    const created = cameraTime();
    expect((await soap(c, signed('GetProfiles', 'admin', 'kaze2026', created, nonce))).status).toBe(200);
    expect((await soap(c, signed('GetProfiles', 'admin', 'kaze2026', created, nonce))).status).toBe(400);
    expect(c.stats.lastAuthFailure).toMatch(/replayed/);

    const unsigned = await soap(c, '<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body><GetProfiles/></s:Body></s:Envelope>');
    expect(unsigned.status).toBe(400);
    const unknown = await soap(c, signed('SetSystemFactoryDefault', 'admin', 'kaze2026', cameraTime()));
    expect(unknown.status).toBe(500);
    expect(unknown.body.toString()).toContain('ter:ActionNotSupported');
  });

  it('challenges snapshots with the Digest header node-onvif understands and checks the answer', async () => {
    const c = await camera({ user: 'tech' });
    const first = await http(c.snapshotUrl, { headers: { Authorization: `Basic ${Buffer.from('tech:kaze2026').toString('base64')}` } });
    expect(first.status).toBe(401);
    const www = String(first.headers['www-authenticate']);
    expect(www).toMatch(/^Digest realm="[^",=]+", qop="auth", nonce="[0-9a-f]{32}", algorithm=MD5$/);
    const ch = parseDigestHeader(www)!;
    const md5 = (s: string) => createHash('md5').update(s).digest('hex');
    const answer = (password: string) => {
      const resp = md5(`${md5(`tech:${ch.realm}:${password}`)}:${ch.nonce}:00000001:abcdef01:auth:${md5('GET:/onvif/snapshot.jpg')}`);
      return `Digest username="tech", realm="${ch.realm}", nonce="${ch.nonce}", uri="/onvif/snapshot.jpg", algorithm=MD5, qop=auth, nc=00000001, cnonce="abcdef01", response="${resp}"`;
    };
    const good = await http(c.snapshotUrl, { headers: { Authorization: answer('kaze2026') } });
    expect(good.status).toBe(200);
    expect(good.body.subarray(0, 2).toString('hex')).toBe('ffd8');
    const bad = await http(c.snapshotUrl, { headers: { Authorization: answer('wrong') } });
    expect(bad.status).toBe(401);
    expect(c.stats.lastAuthFailure).toMatch(/digest response mismatch/);
  });

  it('answers a unicast WS-Discovery Probe for a camera with one ProbeMatch, and ignores a probe for displays', async () => {
    const c = await camera({ name: 'Chichijima east', discovery: { address: '127.0.0.1', port: 0, multicast: false } });
    const replies = await probeReplies(c.discoveryPort!, [probe('NetworkVideoDisplay', 'display-1'), probe('NetworkVideoTransmitter', 'nvt-1')], 1);
    expect(replies).toHaveLength(1);
    const m = replies[0]!;
    expect(m).toContain('<a:RelatesTo>uuid:nvt-1</a:RelatesTo>');
    expect(m).toContain(`<d:XAddrs>${c.xaddr}</d:XAddrs>`);
    expect(m).toContain(`<a:Address>${c.urn}</a:Address>`);
    expect(m).toContain('onvif://www.onvif.org/name/Chichijima_east');
    expect(m).toContain('onvif://www.onvif.org/hardware/SkyCam-200');
    expect(c.urn).toMatch(/^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(c.stats.probesAnswered).toBe(1);
  });

  it('goes offline (connections reset, discovery silent) and comes back; refuses invalid faults', async () => {
    const c = await camera({ discovery: { address: '127.0.0.1', port: 0, multicast: false } });
    c.setFault('offline', true);
    await expect(http(c.xaddr, { method: 'POST', body: '<x/>' })).rejects.toThrow(/ECONNRESET|socket hang up/);
    expect(await probeReplies(c.discoveryPort!, [probe('Device', 'while-off')], 0)).toEqual([]);
    c.setFault('offline', false);
    expect((await http(c.xaddr, { method: 'POST', body: '<x/>' })).status).toBe(400);
    expect(await probeReplies(c.discoveryPort!, [probe('Device', 'back-on')], 1)).toHaveLength(1);
    expect(() => c.setFault('slow', -1)).toThrow(/slow: invalid value -1/);
    expect(() => c.setFault('corrupt-jpeg', 'sideways' as never)).toThrow(/corrupt-jpeg/);
    expect(() => c.setFault('bogus' as never, 1 as never)).toThrow(/unknown camera fault "bogus"/);
    await expect(startSimCamera({ name: 'x', user: 'admin', password: 'p', clock, resolution: { width: 0, height: 10 } })).rejects.toThrow(/camera x resolution: width and height must be whole numbers/);
    await expect(startSimCamera({ name: 'x', user: 'admin', password: 'p', clock, serial: 'A,B' })).rejects.toThrow(/digest realm must not contain/);
  });

  it('serves corrupt JPEGs as image/jpeg when told to', async () => {
    const c = await camera({ faults: { 'corrupt-jpeg': 'garbage' } });
    const dev = new onvif.OnvifDevice({ xaddr: c.xaddr, user: 'admin', pass: 'kaze2026' });
    await dev.init();
    const garbage = await dev.fetchSnapshot();
    expect(garbage.headers['content-type']).toBe('image/jpeg');
    expect(garbage.body.subarray(0, 2).toString('hex')).not.toBe('ffd8');
    c.setFault('corrupt-jpeg', 'truncated');
    const cut = await dev.fetchSnapshot();
    expect(cut.body.subarray(0, 2).toString('hex')).toBe('ffd8');
    expect(cut.body.subarray(-2).toString('hex')).not.toBe('ffd9');
  });

  it('comes up in startSimulation({ cameras }) on the simulation clock, and describeSimulation lists it', async () => {
    const sim = await startSimulation({ clock, scenario: 'trade-wind', expose: 'inprocess', devices: [], cameras: [{ name: 'Chichijima east', user: 'admin', password: 'kaze2026', resolution: { width: 160, height: 90 } }] });
    try {
      expect(sim.cameras).toHaveLength(1);
      const dev = new onvif.OnvifDevice({ xaddr: sim.cameras[0]!.xaddr, user: 'admin', pass: 'kaze2026' });
      expect((await dev.init()).Model).toBe('SkyCam-200');
      expect(jpeg.decode((await dev.fetchSnapshot()).body, { useTArray: true }).width).toBe(160);
      expect(describeSimulation(sim)).toContain(`Chichijima east (onvif-camera): ${sim.cameras[0]!.xaddr}`);
    } finally {
      await sim.stop();
    }
  });

  it('paints the scenario sky by default: a bright day and a dark night at Chichijima', async () => {
    const scenario = tradeWindDay({ start: Date.UTC(2026, 6, 1, 0), seed: 3 });
    const meanLuma = async (utcHour: number) => {
      const at = new ScaledClock({ origin: Date.UTC(2026, 6, 1, utcHour) });
      const c = await startSimCamera({ name: `sky ${utcHour}`, user: 'admin', password: 'kaze2026', clock: at, scenario, resolution: { width: 160, height: 120 } });
      cameras.push(c);
      const dev = new onvif.OnvifDevice({ xaddr: c.xaddr, user: 'admin', pass: 'kaze2026' });
      await dev.init();
      const img = jpeg.decode((await dev.fetchSnapshot()).body, { useTArray: true });
      expect([img.width, img.height]).toEqual([160, 120]);
      let sum = 0;
      for (let i = 0; i < img.data.length; i += 4) sum += (img.data[i]! + img.data[i + 1]! + img.data[i + 2]!) / 3;
      return sum / (img.data.length / 4);
    };
    const noon = await meanLuma(2); // 11:00 JST
    const midnight = await meanLuma(15); // 00:00 JST
    expect(noon).toBeGreaterThan(80);
    expect(midnight).toBeLessThan(30);
  });
});
