import { describe, expect, it } from 'vitest';
import { decodeImage, encodeImage } from './image-wire.ts';

const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(500, 7), Buffer.from([0xff, 0xd9])]);
const head = { station: 'st1', camera: 'cam-east', ts: 1_782_000_000_000, kind: 'thumb' as const, width: 160, height: 90, features: { cloud_fraction: 0.4 } };

describe('image envelope', () => {
  it('round-trips header and JPEG, with length and sha256 filled in', () => {
    const msg = encodeImage(head, jpeg);
    expect(msg.subarray(0, 4).toString()).toBe('BIMG');
    const d = decodeImage(msg);
    expect(d.ok).toBe(true);
    if (!d.ok) return;
    expect(d.header).toMatchObject({ v: 1, ...head, bytes: jpeg.length });
    expect(d.header.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(d.jpeg.equals(jpeg)).toBe(true);
  });

  it('says what is wrong with a bad message', () => {
    const msg = encodeImage(head, jpeg);
    expect(decodeImage(Buffer.from('{"v":1}'))).toEqual({ ok: false, error: 'not an image message (no BIMG magic)' });
    const v2 = Buffer.from(msg); v2[4] = 2;
    expect(decodeImage(v2)).toMatchObject({ ok: false, error: expect.stringMatching(/version 2 unknown/) });
    expect(decodeImage(msg.subarray(0, msg.length - 10))).toMatchObject({ ok: false, error: expect.stringMatching(/JPEG is 496 bytes, header says 506/) });
    const flipped = Buffer.from(msg); flipped[flipped.length - 5]! ^= 1;
    expect(decodeImage(flipped)).toEqual({ ok: false, error: 'JPEG fails its sha256' });
    expect(decodeImage(msg.subarray(0, 20))).toMatchObject({ ok: false, error: expect.stringMatching(/runs past the message/) });
  });
});
