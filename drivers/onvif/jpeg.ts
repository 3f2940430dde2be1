// Is this snapshot a whole JPEG? Cameras on a weak link hand out truncated transfers and
// spoiled frame buffers with a 200 and image/jpeg; a frame store must never keep one.
// Checks: SOI at the start, EOI at the end (trailing zero padding, which some firmwares add,
// allowed), then a full decode with jpeg-js (bounded in size and memory).
import jpeg from 'jpeg-js';

export interface JpegOk {
  ok: true;
  width: number;
  height: number;
  /** decoded pixels, RGBA, row-major (width × height × 4) */
  rgba: Uint8Array;
}

export interface JpegBad {
  ok: false;
  reason: string;
}

/** Largest picture decoded (megapixels): 4K is 8.3. */
const MAX_MP = 20;

export function inspectJpeg(bytes: Buffer): JpegOk | JpegBad {
  if (bytes.length < 4) return { ok: false, reason: `not a JPEG: ${bytes.length} bytes` };
  if (bytes[0] !== 0xff || bytes[1] !== 0xd8) {
    return { ok: false, reason: `not a JPEG: starts ${bytes.subarray(0, 4).toString('hex')} instead of the SOI marker ffd8 (${bytes.length} bytes)` };
  }
  let end = bytes.length;
  while (end > 2 && bytes[end - 1] === 0x00 && bytes.length - end < 64) end--;
  if (bytes[end - 2] !== 0xff || bytes[end - 1] !== 0xd9) {
    return { ok: false, reason: `truncated JPEG: no EOI marker ffd9 at the end (${bytes.length} bytes, ends ${bytes.subarray(Math.max(0, bytes.length - 4)).toString('hex')})` };
  }
  try {
    const img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxResolutionInMP: MAX_MP, maxMemoryUsageInMB: 256 });
    if (!(img.width > 0 && img.height > 0)) return { ok: false, reason: `JPEG decodes to ${img.width}×${img.height}` };
    return { ok: true, width: img.width, height: img.height, rgba: img.data };
  } catch (e) {
    return { ok: false, reason: `JPEG does not decode: ${(e as Error).message}` };
  }
}
