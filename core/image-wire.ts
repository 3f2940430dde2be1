// The camera image message on bonin/v1/{station}/image (issue #8, docs/wire-format.md):
// a small JSON header and the JPEG, in one binary envelope so the picture is not base64'd
// (a third bigger on a link paid by the byte). Shared by the gateway (encodes) and the
// reference receiver (decodes), hence in core.
//
//   bytes 0–3   "BIMG" (magic)
//   byte  4     envelope version (1)
//   bytes 5–6   header length H, unsigned big-endian
//   bytes 7…    header: UTF-8 JSON, H bytes (ImageHeader)
//   then        the JPEG, header.bytes long, whose SHA-256 is header.sha256
import { createHash } from 'node:crypto';

export const IMAGE_MAGIC = 'BIMG';
export const IMAGE_VERSION = 1;
const MAX_HEADER = 16 * 1024;

export interface ImageHeader {
  /** wire contract version (core/wire.ts WIRE_VERSION) */
  v: 1;
  station: string;
  camera: string;
  /** when the snapshot was taken, UTC ms */
  ts: number;
  /** thumb: the station's small copy, sent unasked at the lowest priority; full: the frame as stored, sent when the centre asks */
  kind: 'thumb' | 'full';
  width: number;
  height: number;
  /** JPEG length and SHA-256 (hex) */
  bytes: number;
  sha256: string;
  /** the sky features computed on the station from the full frame (null: it could not be read) */
  features: Record<string, unknown> | null;
}

export type ImageDecode = { ok: true; header: ImageHeader; jpeg: Buffer } | { ok: false; error: string };

export function encodeImage(h: Omit<ImageHeader, 'v' | 'bytes' | 'sha256'>, jpeg: Buffer): Buffer {
  const header: ImageHeader = { v: 1, ...h, bytes: jpeg.length, sha256: createHash('sha256').update(jpeg).digest('hex') };
  const json = Buffer.from(JSON.stringify(header));
  if (json.length > MAX_HEADER) throw new RangeError(`image header is ${json.length} bytes (at most ${MAX_HEADER})`);
  const head = Buffer.alloc(7);
  head.write(IMAGE_MAGIC, 0, 'ascii');
  head[4] = IMAGE_VERSION;
  head.writeUInt16BE(json.length, 5);
  return Buffer.concat([head, json, jpeg]);
}

/** Check and split an image message; every way it can be wrong is an error saying which. */
export function decodeImage(msg: Buffer): ImageDecode {
  if (msg.length < 7 || msg.toString('ascii', 0, 4) !== IMAGE_MAGIC) return { ok: false, error: 'not an image message (no BIMG magic)' };
  if (msg[4] !== IMAGE_VERSION) return { ok: false, error: `image envelope version ${msg[4]} unknown (this side reads ${IMAGE_VERSION})` };
  const n = msg.readUInt16BE(5);
  if (7 + n > msg.length) return { ok: false, error: `header of ${n} bytes runs past the message (${msg.length} bytes)` };
  let header: ImageHeader;
  try {
    header = JSON.parse(msg.toString('utf8', 7, 7 + n)) as ImageHeader;
  } catch (err) {
    return { ok: false, error: `header is not JSON: ${(err as Error).message}` };
  }
  const missing = (['station', 'camera', 'ts', 'kind', 'bytes', 'sha256'] as const).filter((k) => header[k] === undefined);
  if (missing.length) return { ok: false, error: `header lacks ${missing.join(', ')}` };
  if (header.kind !== 'thumb' && header.kind !== 'full') return { ok: false, error: `kind "${String(header.kind)}" is neither thumb nor full` };
  const jpeg = msg.subarray(7 + n);
  if (jpeg.length !== header.bytes) return { ok: false, error: `JPEG is ${jpeg.length} bytes, header says ${header.bytes}` };
  if (createHash('sha256').update(jpeg).digest('hex') !== header.sha256) return { ok: false, error: 'JPEG fails its sha256' };
  return { ok: true, header, jpeg: Buffer.from(jpeg) };
}
