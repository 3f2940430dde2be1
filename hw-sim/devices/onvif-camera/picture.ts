// What the simulated camera's sensor sees when nobody gave it a sky: a plain vertical
// gradient (pale at the top, darker at the bottom), encoded with a real JPEG library
// (jpeg-js), so every byte a driver receives is a decodable baseline JPEG. And the ways a
// flaky camera spoils one.
import { randomBytes } from 'node:crypto';
import jpeg from 'jpeg-js';
import { skyJpeg, skyTruthAt, type LensState } from '../../weather/sky.ts';
import type { WeatherScenario } from '../../weather/types.ts';

export type FrameSource = (now: number) => Buffer | Promise<Buffer>;

/** A sky-blue to slate gradient of width × height, JPEG quality 80. */
export function gradientJpeg(width: number, height: number): Buffer {
  const data = Buffer.alloc(width * height * 4);
  for (let y = 0; y < height; y++) {
    const f = height > 1 ? y / (height - 1) : 0;
    const r = Math.round(170 - 110 * f);
    const g = Math.round(200 - 110 * f);
    const b = Math.round(235 - 120 * f);
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      data[i] = r;
      data[i + 1] = g;
      data[i + 2] = b;
      data[i + 3] = 255;
    }
  }
  return jpeg.encode({ data, width, height }, 80).data;
}

/** The default frame source: one gradient, encoded once. */
export function gradientSource(width: number, height: number): FrameSource {
  let cached: Buffer | null = null;
  return () => (cached ??= gradientJpeg(width, height));
}

/** Chichijima, Ogasawara: where the demo station's cameras stand (degrees, east positive). */
export const CHICHIJIMA = { lat: 27.094, lon: 142.191 } as const;

export interface SkySourceOptions {
  scenario: WeatherScenario;
  position?: { lat: number; lon: number };
  width: number;
  height: number;
  /** decorrelates two cameras' clouds */
  seed?: number;
  /** the lens now (default: wet in rain, as sky.ts decides); read at each frame, so a fault can set it */
  lens?: () => LensState | undefined;
}

/**
 * Pictures from the weather truth (hw-sim/weather/sky.ts): daylight by sun elevation at the
 * camera's position, cloud, rain, fog, lens. The clouds move once a minute (the render seed
 * is the minute); a minute's frame is rendered once, since a render costs ~0.5–1 s of CPU.
 */
export function skySource(o: SkySourceOptions): FrameSource {
  const pos = o.position ?? CHICHIJIMA;
  let cache: { key: string; jpeg: Buffer } | null = null;
  return (now) => {
    const minute = Math.floor(now / 60_000);
    const lens = o.lens?.();
    const key = `${minute}:${lens ?? ''}`;
    if (cache?.key === key) return cache.jpeg;
    const truth = skyTruthAt(o.scenario, now, pos.lat, pos.lon, lens);
    const bytes = skyJpeg(truth, { width: o.width, height: o.height, seed: ((o.seed ?? 0) * 7919 + minute) >>> 0 });
    cache = { key, jpeg: bytes };
    return bytes;
  };
}

export type JpegCorruption = 'truncated' | 'garbage';

/**
 * Spoil a JPEG the way cameras do: `truncated` = the first 60 % (a transfer cut short by a
 * firmware buffer; SOI present, no EOI), `garbage` = random bytes of the same length (a
 * corrupted frame buffer; no SOI). Both still go out as image/jpeg.
 */
export function corruptJpeg(jpegBytes: Buffer, how: JpegCorruption): Buffer {
  if (how === 'truncated') return Buffer.from(jpegBytes.subarray(0, Math.max(2, Math.floor(jpegBytes.length * 0.6))));
  const g = randomBytes(Math.max(16, jpegBytes.length));
  g[0] = 0x00; // never start with a valid SOI by chance
  return g;
}
