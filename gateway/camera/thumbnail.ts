// Thumbnails for the uplink: the frame shrunk to fit 160 × 120 (aspect kept) by area
// averaging (every source pixel counts, so no aliasing of the fine texture), JPEG quality 70:
// a few kB, what a forecaster needs to see the sky's state on a link paid by the byte.
import jpeg from 'jpeg-js';
import type { Frame } from './sky-features.ts';

export const THUMB = { width: 160, height: 120, quality: 70 } as const;

/** The size a frame of width × height shrinks to, aspect kept, never enlarged. */
export function thumbSize(width: number, height: number, maxW: number = THUMB.width, maxH: number = THUMB.height): { width: number; height: number } {
  if (!(width > 0 && height > 0)) return { width: 0, height: 0 };
  const k = Math.min(maxW / width, maxH / height, 1);
  return { width: Math.max(1, Math.round(width * k)), height: Math.max(1, Math.round(height * k)) };
}

export function downscale(f: Frame, maxW: number, maxH: number): Frame {
  const { width: w, height: h } = thumbSize(f.width, f.height, maxW, maxH);
  const out = new Uint8Array(w * h * 4);
  for (let y = 0; y < h; y++) {
    const sy0 = Math.floor((y * f.height) / h);
    const sy1 = Math.max(sy0 + 1, Math.floor(((y + 1) * f.height) / h));
    for (let x = 0; x < w; x++) {
      const sx0 = Math.floor((x * f.width) / w);
      const sx1 = Math.max(sx0 + 1, Math.floor(((x + 1) * f.width) / w));
      let r = 0;
      let g = 0;
      let b = 0;
      for (let sy = sy0; sy < sy1; sy++) {
        for (let sx = sx0; sx < sx1; sx++) {
          const i = (sy * f.width + sx) * 4;
          r += f.data[i]!;
          g += f.data[i + 1]!;
          b += f.data[i + 2]!;
        }
      }
      const n = (sy1 - sy0) * (sx1 - sx0);
      const o = (y * w + x) * 4;
      out[o] = Math.round(r / n);
      out[o + 1] = Math.round(g / n);
      out[o + 2] = Math.round(b / n);
      out[o + 3] = 255;
    }
  }
  return { width: w, height: h, data: out };
}

/** The thumbnail JPEG of a decoded frame, and its size. */
export function makeThumbnail(f: Frame, opts: { width?: number; height?: number; quality?: number } = {}): { jpeg: Buffer; width: number; height: number } {
  const small = downscale(f, opts.width ?? THUMB.width, opts.height ?? THUMB.height);
  const data = jpeg.encode({ data: small.data, width: small.width, height: small.height }, opts.quality ?? THUMB.quality).data;
  return { jpeg: data, width: small.width, height: small.height };
}
