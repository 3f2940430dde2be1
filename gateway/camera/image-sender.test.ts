// The image sender's rules on a real store (SQLite file, frames folder, outbox, byte budget);
// the link is a recorder standing for the MQTT client (the real Uplink and Mosquitto are in
// test/e2e/cameras.test.ts): asked full frames first, thumbnails newest first only when the
// outbox has nothing due and the hour's budget keeps its reserve, an unreadable frame dropped.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeImage } from '../../core/image-wire.ts';
import { ManualClock } from '../../core/index.ts';
import { createLogger } from '../log.ts';
import { openDatabase, Outbox } from '../store/index.ts';
import { ByteBudget, publishBytes } from '../uplink/budget.ts';
import { FrameStore } from './frame-store.ts';
import { ImageSender, type ImageLink } from './image-sender.ts';

const T0 = Date.UTC(2026, 6, 1, 3);
const log = createLogger({ level: 'silent' });
const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8]), Buffer.alloc(3000, 1), Buffer.from([0xff, 0xd9])]);
const bases: string[] = [];
afterEach(() => bases.splice(0).forEach((b) => rmSync(b, { recursive: true, force: true })));

function rig(perHour: number | null) {
  const base = mkdtempSync(join(tmpdir(), 'bonin-images-'));
  bases.push(base);
  const db = openDatabase(join(base, 'station.db'));
  const clock = new ManualClock(T0);
  const outbox = new Outbox(db, 'STN');
  const frames = new FrameStore(db, { dir: join(base, 'frames'), quotaBytes: 50e6, clock, log });
  const budget = new ByteBudget({ perHour }, outbox);
  const sent: Buffer[] = [];
  const link: ImageLink = {
    connected: true,
    budget,
    publishDirect: (_kind, body, done) => {
      const wire = publishBytes('bonin/v1/STN/image', body.length, 5);
      if (budget.left(clock.now()) < wire) return false;
      budget.spend(wire, clock.now());
      sent.push(body);
      done(true);
      return true;
    },
  };
  const sender = new ImageSender({ station: 'STN', frames, outbox, link, clock, log, resendAfterMs: 30_000 });
  for (let i = 0; i < 6; i++) frames.save({ camera: 'cam1', ts: T0 - (6 - i) * 600_000, jpeg: JPEG, width: 640, height: 360, thumb: Buffer.alloc(2000, i), features: { i } });
  const kinds = () => sent.map((b) => { const d = decodeImage(b); return d.ok ? `${d.header.kind}@${(d.header.ts - T0) / 600_000}` : d.error; });
  return { db, clock, outbox, frames, sender, sent, kinds, budget };
}

describe('image sender', () => {
  it('holds thumbnails while a record batch is due, then sends the newest first, marked sent', () => {
    const r = rig(null);
    r.outbox.commitMinutes([{ ts: T0, sensor: 'wxt', values: { wind_speed: { v: 3, f: 'good', n: 60 } } }], T0);
    r.sender.pump();
    expect(r.sent).toHaveLength(0);
    expect(r.sender.stats.heldByOutbox).toBe(1);
    r.outbox.markSent([1], T0); // in flight, not due until its resend time
    r.sender.pump();
    expect(r.kinds()).toEqual(['thumb@-1', 'thumb@-2', 'thumb@-3', 'thumb@-4']);
    const d = decodeImage(r.sent[0]!);
    expect(d.ok && d.header).toMatchObject({ station: 'STN', camera: 'cam1', width: 160, height: 90, features: { i: 5 } });
    expect(r.frames.summary()).toMatchObject({ thumbsSent: 4, thumbsUnsent: 2 });
  });

  it('keeps 20 % of the hourly budget for records, and sends an asked full frame before thumbnails', () => {
    // Thumbnail messages are ≈ 2–3 kB here, the full frame ≈ 3–4 kB: 18 kB an hour fits the full
    // frame and a few thumbnails before the 3.6 kB reserve; the rest wait.
    const perHour = 18_000;
    const r = rig(perHour);
    const newest = r.frames.nearest('cam1')!;
    r.frames.mark(r.frames.nearest('cam1', T0 - 3 * 600_000)!.id, 'full_asked', T0);
    r.sender.pump();
    // The full frame first; then thumbnails only while ≥ 20 % of the hour stays.
    expect(r.kinds()[0]).toBe('full@-3');
    for (let k = 0; k < 5; k++) r.sender.pump();
    const left = r.budget.left(T0);
    expect(left).toBeGreaterThanOrEqual(0.2 * perHour);
    // … and one more thumbnail would have cut into it.
    const thumbWire = publishBytes('bonin/v1/STN/image', r.sent[r.sent.length - 1]!.length, 5);
    expect(left - thumbWire).toBeLessThan(0.2 * perHour);
    expect(r.frames.summary().thumbsUnsent).toBeGreaterThan(0);
    expect(r.sender.stats.heldByBudget).toBeGreaterThan(0);
    expect(r.kinds().filter((k) => k.startsWith('thumb'))[0]).toBe(`thumb@${(newest.ts - T0) / 600_000}`);
  });

  it('drops the request for a frame whose file is gone instead of blocking the thumbnails', () => {
    const r = rig(null);
    const f = r.frames.nearest('cam1', T0 - 2 * 600_000)!;
    rmSync(join(r.frames.dir, f.path));
    r.frames.mark(f.id, 'full_asked', T0);
    expect(r.sender.sendFull(f)).toMatchObject({ sent: false, unreadable: expect.stringMatching(/ENOENT/) });
    r.sender.pump();
    expect(r.frames.askedFulls()).toHaveLength(0);
    expect(r.kinds().every((k) => k.startsWith('thumb'))).toBe(true);
    expect(r.sent.length).toBeGreaterThan(0);
  });
});
