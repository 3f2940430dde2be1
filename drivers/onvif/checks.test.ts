// The driver's pure checks: what counts as a whole JPEG, how a camera's date is read, which
// credentials node-onvif can carry, and how its errors are sorted into station states.
import { createServer, request, type Server } from 'node:http';
import type { Socket } from 'node:net';
import jpeg from 'jpeg-js';
import { describe, expect, it } from 'vitest';
import { abandonConnections, cameraUtc, classify, credentialProblem } from './calls.ts';
import { inspectJpeg } from './jpeg.ts';

function picture(width: number, height: number): Buffer {
  const data = Buffer.alloc(width * height * 4, 128);
  return jpeg.encode({ data, width, height }, 75).data;
}

describe('inspectJpeg', () => {
  it('accepts a whole JPEG (also with zero padding after EOI) and returns its pixels', () => {
    const j = picture(64, 32);
    const ok = inspectJpeg(j);
    expect(ok).toMatchObject({ ok: true, width: 64, height: 32 });
    expect(ok.ok && ok.rgba.length).toBe(64 * 32 * 4);
    expect(inspectJpeg(Buffer.concat([j, Buffer.alloc(16)]))).toMatchObject({ ok: true });
  });

  it('refuses what is not a whole JPEG, saying why', () => {
    const j = picture(64, 32);
    expect(inspectJpeg(Buffer.alloc(0))).toEqual({ ok: false, reason: 'not a JPEG: 0 bytes' });
    expect(inspectJpeg(Buffer.from('<html>401</html>'))).toMatchObject({ ok: false, reason: expect.stringMatching(/^not a JPEG: starts 3c68746d instead of the SOI marker ffd8/) });
    expect(inspectJpeg(j.subarray(0, j.length - 40))).toMatchObject({ ok: false, reason: expect.stringMatching(/^truncated JPEG: no EOI marker/) });
    // SOI and EOI present, the middle missing: the decode catches it.
    const gutted = Buffer.concat([j.subarray(0, 20), j.subarray(j.length - 2)]);
    expect(inspectJpeg(gutted)).toMatchObject({ ok: false, reason: expect.stringMatching(/^JPEG does not decode: /) });
  });
});

describe('cameraUtc', () => {
  const sdt = (d: Record<string, string>, t: Record<string, string>) => ({ Body: { GetSystemDateAndTimeResponse: { SystemDateAndTime: { UTCDateTime: { Date: d, Time: t } } } } });

  it('reads the UTC date as one instant, whatever today is (node-onvif sets it field by field onto today)', () => {
    expect(cameraUtc(sdt({ Year: '2026', Month: '2', Day: '28' }, { Hour: '23', Minute: '59', Second: '59' }))).toBe(Date.UTC(2026, 1, 28, 23, 59, 59));
    expect(cameraUtc(sdt({ Year: '2026', Month: '1', Day: '1' }, { Hour: '0', Minute: '0', Second: '0' }))).toBe(Date.UTC(2026, 0, 1));
  });

  it('is null for a response without a usable UTC date', () => {
    expect(cameraUtc({})).toBeNull();
    expect(cameraUtc(sdt({ Year: '2026', Month: 'x', Day: '1' }, { Hour: '0', Minute: '0', Second: '0' }))).toBeNull();
  });
});

describe('credentialProblem and classify', () => {
  it('names what node-onvif cannot carry', () => {
    expect(credentialProblem('admin', 'kaze2026')).toBeNull();
    expect(credentialProblem('admin', 'pass:word')).toMatch(/^password must not contain ':'/);
    expect(credentialProblem('ad<min', 'x')).toMatch(/^user must not contain < > or &/);
    expect(credentialProblem('admin', 'パス')).toMatch(/^password must be printable ASCII/);
  });

  it('sorts node-onvif errors into auth, offline and error', () => {
    expect(classify('east', 'init', new Error('Failed to initialize the device: Error: 400 Bad Request - Sender not Authorized'))).toMatchObject({ kind: 'auth', reason: expect.stringMatching(/^init: the camera refused the credentials \(400 Bad Request - Sender not Authorized\)/) });
    expect(classify('east', 'snapshot', new Error('401 Unauthorized'))).toMatchObject({ kind: 'auth' });
    expect(classify('east', 'init', new Error('Failed to initialize the device: Error: Network Error: connect ECONNREFUSED 127.0.0.1:9'))).toMatchObject({ kind: 'offline', reason: 'init: camera unreachable (Network Error: connect ECONNREFUSED 127.0.0.1:9)' });
    expect(classify('east', 'snapshot', new Error('404 Not Found'))).toMatchObject({ kind: 'error', reason: 'snapshot: 404 Not Found' });
    const page = classify('east', 'snapshot', new Error(`<html>\n<body>${'login '.repeat(100)}</body></html>`));
    expect(page.reason.length).toBeLessThan(220);
    expect(page.reason).toMatch(/^snapshot: <html> <body>login login/);
  });
});

describe('abandonConnections', () => {
  it('frees a request a silent camera would hold for ever (pooled sockets of that host:port only)', async () => {
    const held: Socket[] = [];
    const silent: Server = createServer(() => { /* never answers */ });
    silent.on('connection', (s) => held.push(s));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
    const url = `http://127.0.0.1:${(silent.address() as { port: number }).port}/onvif/snapshot.jpg`;
    try {
      const outcome = new Promise<string>((resolve) => {
        const req = request(url, (res) => resolve(`answered ${res.statusCode}`)); // through http.globalAgent, as node-onvif
        req.on('error', (e) => resolve(`error ${e.message}`));
        req.end();
      });
      const until = Date.now() + 10_000;
      while (held.length === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
      expect(abandonConnections('http://127.0.0.1:1/other')).toBe(0);
      expect(abandonConnections(url)).toBe(1);
      expect(await outcome).toBe('error socket hang up');
    } finally {
      for (const s of held) s.destroy();
      await new Promise<void>((r) => silent.close(() => r()));
    }
  });
});
