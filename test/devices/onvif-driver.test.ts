// The camera driver with real node-onvif against the simulated camera over loopback HTTP:
// every fault the issue names (wrong password, offline, slow, corrupt JPEG, clock skew) shows
// in the driver's status with a reason, nothing crashes, and the camera is used again once
// the fault is gone.
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock, ScaledClock, type Clock } from '../../core/clock.ts';
import { startSimCamera, type SimCamera, type SimCameraOptions } from '../../hw-sim/devices/onvif-camera/index.ts';
import { waitFor } from '../helpers/wait.ts';
import { CameraError } from '../../drivers/onvif/calls.ts';
import { OnvifCameraDriver, type CameraFrame, type CameraStatus, type OnvifCameraOptions } from '../../drivers/onvif/driver.ts';

const realClock = new ScaledClock();
const cameras: SimCamera[] = [];
const drivers: OnvifCameraDriver[] = [];
afterEach(async () => {
  for (const d of drivers.splice(0)) await d.stop();
  for (const c of cameras.splice(0)) await c.stop();
});

async function camera(o: Partial<SimCameraOptions> = {}): Promise<SimCamera> {
  const c = await startSimCamera({ name: 'Chichijima east', user: 'admin', password: 'kaze2026', clock: realClock, resolution: { width: 320, height: 180 }, ...o });
  cameras.push(c);
  return c;
}

interface Watched {
  d: OnvifCameraDriver;
  frames: CameraFrame[];
  statuses: CameraStatus[];
  errors: CameraError[];
}

function driver(c: SimCamera, o: Partial<OnvifCameraOptions> = {}, listenErrors = true): Watched {
  const d = new OnvifCameraDriver({
    id: 'east', xaddr: c.xaddr, user: 'admin', password: 'kaze2026', clock: realClock,
    timeoutMs: 4000, retries: 0, intervalMs: 3_600_000, backoff: { initialMs: 200, maxMs: 1000 }, ...o,
  });
  drivers.push(d);
  const w: Watched = { d, frames: [], statuses: [], errors: [] };
  d.on('frame', (f: CameraFrame) => w.frames.push(f));
  d.on('status', (s: CameraStatus) => w.statuses.push(s));
  if (listenErrors) d.on('error', (e: CameraError) => w.errors.push(e));
  return w;
}

const online = (w: Watched) => () => w.d.status.state === 'online';

describe('OnvifCameraDriver with node-onvif against the simulated camera', () => {
  it('initialises (device information, profile), snapshots at once and emits a checked frame', async () => {
    const c = await camera();
    const w = driver(c);
    w.d.start();
    await waitFor('first frame', () => w.frames.length === 1);
    expect(w.d.status).toMatchObject({ camera: 'east', state: 'online' });
    expect(Math.abs(w.d.status.skewS!)).toBeLessThanOrEqual(1); // whole seconds on the wire
    expect(w.d.status.reason).toMatch(/^Bonin Sim SkyCam-200 \(firmware .*serial BNS[0-9A-F]{8}\), 320×180$/);
    expect(w.d.info).toMatchObject({ Manufacturer: 'Bonin Sim', Model: 'SkyCam-200' });
    const f = w.frames[0]!;
    expect(f).toMatchObject({ camera: 'east', width: 320, height: 180 });
    expect(f.jpeg.subarray(0, 2).toString('hex')).toBe('ffd8');
    expect(f.rgba.length).toBe(320 * 180 * 4);
    expect(w.d.stats).toMatchObject({ inits: 1, initFailures: 0, frames: 1, corrupt: 0 });
    const again = await w.d.snapshot();
    expect(again.ts).toBeGreaterThanOrEqual(f.ts);
    expect(w.frames).toHaveLength(2);
    expect(w.errors).toEqual([]);
  });

  it('wrong password: auth-failed with a clear reason, no crash without an error listener, online again when it matches', async () => {
    const c = await camera({ faults: { 'wrong-password': 'changed-on-site' } });
    const w = driver(c, {}, false);
    w.d.start();
    await waitFor('auth-failed status', () => w.d.status.state === 'auth-failed');
    expect(w.d.status.reason).toMatch(/^init: the camera refused the credentials \(.*Sender not Authorized\); check user and password/);
    expect(c.stats.lastAuthFailure).toMatch(/GetDeviceInformation: wrong password/);
    await expect(w.d.snapshot()).rejects.toMatchObject({ kind: 'auth' });
    const refused = w.d.stats.authFailures;
    c.setFault('wrong-password', false);
    await waitFor('online after the password matches', online(w));
    await waitFor('a frame', () => w.frames.length >= 1);
    expect(refused).toBeGreaterThanOrEqual(1);
    expect(w.statuses.map((s) => s.state)).toEqual(['auth-failed', 'online']);

    // Password changed while running: the snapshot's Digest is refused.
    c.setFault('wrong-password', true);
    await expect(w.d.snapshot()).rejects.toMatchObject({ kind: 'auth', reason: expect.stringMatching(/^snapshot: the camera refused the credentials \(401 Unauthorized\)/) });
    expect(w.d.status.state).toBe('auth-failed');
  });

  it('offline: flagged with the reason, retried with backoff, recovers when the camera is back', async () => {
    const c = await camera({ faults: { offline: true } });
    const w = driver(c);
    w.d.start();
    await waitFor('offline status', () => w.statuses.length >= 1);
    expect(w.d.status.state).toBe('offline');
    expect(w.d.status.reason).toMatch(/^init: camera unreachable \(Network Error: (socket hang up|read ECONNRESET)/);
    await waitFor('a few re-init attempts', () => w.d.stats.initFailures >= 3);
    c.setFault('offline', false);
    await waitFor('online again', online(w));
    await waitFor('a frame', () => w.frames.length === 1);

    // Lost while online: the next snapshot flags it, the driver re-initialises when it is back.
    const inits = w.d.stats.inits;
    c.setFault('offline', true);
    const err = await w.d.snapshot().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CameraError);
    expect(err).toMatchObject({ kind: 'offline' });
    expect(w.d.status.state).toBe('offline');
    c.setFault('offline', false);
    await waitFor('online after the outage', online(w));
    expect(w.d.stats.inits).toBeGreaterThan(inits);
    await waitFor('frames again', () => w.frames.length === 2);
  });

  it('slow camera beyond the timeout: timeout error, then fine when fast again', async () => {
    const c = await camera();
    const w = driver(c, { timeoutMs: 1000 });
    w.d.start();
    await waitFor('first frame', () => w.frames.length === 1);
    c.setFault('slow', 2500);
    await expect(w.d.snapshot()).rejects.toMatchObject({ kind: 'timeout', reason: 'snapshot: no answer within 1000 ms' });
    expect(w.d.status).toMatchObject({ state: 'offline', reason: 'snapshot: no answer within 1000 ms' });
    await waitFor('init timing out too', () => w.errors.some((e) => e.reason === 'init: no answer within 1000 ms'));
    expect(w.d.stats.timeouts).toBeGreaterThanOrEqual(2);
    c.setFault('slow', 0);
    await waitFor('online when fast again', online(w));
    await waitFor('a frame', () => w.frames.length === 2);
  });

  it('silent camera (accepts, never answers): each call times out instead of hanging', async () => {
    const c = await camera({ faults: { offline: 'silent' } });
    const w = driver(c, { timeoutMs: 800 });
    w.d.start();
    await waitFor('offline by timeout', () => w.d.status.state === 'offline' && w.d.status.reason === 'init: no answer within 800 ms');
    c.setFault('offline', false);
    await waitFor('online', online(w));
  });

  it('corrupt JPEG: refused with the reason as an error event, never a frame; frames again when whole', async () => {
    const c = await camera();
    const w = driver(c);
    w.d.start();
    await waitFor('first frame', () => w.frames.length === 1);
    c.setFault('corrupt-jpeg', 'truncated');
    await expect(w.d.snapshot()).rejects.toMatchObject({ kind: 'corrupt' });
    expect(w.errors.at(-1)?.reason).toMatch(/^snapshot refused: truncated JPEG: no EOI marker ffd9/);
    expect(w.d.status).toMatchObject({ state: 'error' });
    c.setFault('corrupt-jpeg', 'garbage');
    await expect(w.d.snapshot()).rejects.toMatchObject({ kind: 'corrupt', reason: expect.stringMatching(/not a JPEG: starts 00/) });
    expect(w.frames).toHaveLength(1);
    expect(w.d.stats.corrupt).toBe(2);
    c.setFault('corrupt-jpeg', false);
    await w.d.snapshot();
    expect(w.frames).toHaveLength(2);
    expect(w.d.status.state).toBe('online');
    expect(w.d.stats.inits).toBe(1); // a camera sending bad pictures is still there: no re-init
  });

  it('connection reset during node-onvif\'s Digest retry: a network error, not a crash of the process', async () => {
    const c = await camera();
    const w = driver(c);
    w.d.start();
    await waitFor('first frame', () => w.frames.length === 1);
    c.setFault('drop-snapshot', true);
    await expect(w.d.snapshot()).rejects.toMatchObject({ kind: 'offline', reason: expect.stringMatching(/^snapshot: camera unreachable \(Network Error: socket hang up \(during the Digest retry\)\)/) });
    c.setFault('drop-snapshot', false);
    await waitFor('online again', online(w));
    await waitFor('a frame', () => w.frames.length === 2);
  });

  it('clock skew +3600 s: init still works (WS-Security signed on the camera clock) and the skew is reported', async () => {
    const c = await camera({ faults: { 'clock-skew': 3600 }, authWindowS: 30 });
    const w = driver(c);
    w.d.start();
    await waitFor('first frame', () => w.frames.length === 1);
    expect(Math.abs(w.d.status.skewS! - 3600)).toBeLessThanOrEqual(1);
    expect(w.d.status.reason).toMatch(/camera clock \+360[01] s off the station clock/);
    expect(c.stats.authFailures).toBe(0);
  });

  it('snapshots on the clock grid and at the new cadence after setInterval', async () => {
    const clock = new ManualClock(Date.UTC(2026, 6, 1, 3, 4, 30));
    const c = await camera({ clock: clock as Clock });
    const w = driver(c, { clock, intervalMs: 600_000 });
    w.d.start();
    await waitFor('first frame', () => w.frames.length === 1);
    expect(w.frames[0]!.ts).toBe(Date.UTC(2026, 6, 1, 3, 4, 30));
    clock.advance(5 * 60_000 + 30_000); // 03:10:00
    await waitFor('frame at 03:10', () => w.frames.length === 2);
    expect(w.frames[1]!.ts).toBe(Date.UTC(2026, 6, 1, 3, 10));
    w.d.setInterval(120_000); // severe weather
    for (let i = 1; i <= 3; i++) {
      clock.advance(120_000);
      await waitFor(`frame ${i} at the 2-min cadence`, () => w.frames.length === 2 + i);
    }
    expect(w.frames.slice(2).map((f) => new Date(f.ts).toISOString())).toEqual(['2026-07-01T03:12:00.000Z', '2026-07-01T03:14:00.000Z', '2026-07-01T03:16:00.000Z']);
    w.d.setInterval(600_000);
    clock.advance(120_000);
    await new Promise((r) => setTimeout(r, 300));
    expect(w.frames).toHaveLength(5); // 03:18 is off the 10-min grid
    clock.advance(120_000);
    await waitFor('frame at 03:20', () => w.frames.length === 6);
  });

  it('at 600× scenario speed (camera and driver on one ScaledClock): WS-Security still inside the window, frames on the 10-min grid', async () => {
    const fast = new ScaledClock({ speed: 600, origin: Date.UTC(2026, 6, 1, 2, 0) });
    const c = await camera({ clock: fast });
    const w = driver(c, { clock: fast, intervalMs: 600_000 });
    w.d.start();
    await waitFor('four frames (one a real second after the first)', () => w.frames.length >= 4, 60_000);
    expect(c.stats.authFailures).toBe(0);
    expect(w.frames.slice(1).every((f) => f.ts % 600_000 < 600 * 1000)).toBe(true); // within a real second of its grid time
    expect(Math.abs(w.d.status.skewS!)).toBeLessThan(600 * 2); // whole seconds on the wire are 600 clock s here
  });

  it('two cameras snapshotting at the same moment both get their frames (node-onvif shares one Digest helper)', async () => {
    const a = await camera({ name: 'east', user: 'east', password: 'pw-east' });
    const b = await camera({ name: 'west', user: 'west', password: 'pw-west' });
    const wa = driver(a, { id: 'east', user: 'east', password: 'pw-east' });
    const wb = driver(b, { id: 'west', user: 'west', password: 'pw-west' });
    wa.d.start();
    wb.d.start();
    await waitFor('both online', () => online(wa)() && online(wb)() && wa.frames.length === 1 && wb.frames.length === 1);
    for (let i = 0; i < 3; i++) {
      const [fa, fb] = await Promise.all([wa.d.snapshot(), wb.d.snapshot()]);
      expect([fa.camera, fb.camera]).toEqual(['east', 'west']);
    }
    expect([...wa.errors, ...wb.errors]).toEqual([]);
  });

  it('refuses settings node-onvif cannot carry, naming the field', () => {
    const base = { id: 'east', xaddr: 'http://192.0.2.10/onvif/device_service', user: 'admin', password: 'x', clock: realClock };
    expect(() => new OnvifCameraDriver({ ...base, password: 'a:b' })).toThrow(/camera east password must not contain ':'/);
    expect(() => new OnvifCameraDriver({ ...base, user: 'a&b' })).toThrow(/camera east user must not contain < > or &/);
    expect(() => new OnvifCameraDriver({ ...base, xaddr: 'https://192.0.2.10/onvif/device_service' })).toThrow(/xaddr: must be http:\/\//);
    expect(() => new OnvifCameraDriver({ ...base, intervalMs: 0 })).toThrow(/intervalMs: must be a positive/);
  });
});
