// Sky features of one camera frame, computed on the station (issue #8): what a forecaster
// wants from a picture when the numbers disagree, as numbers that travel with the minute
// records. Pure: a decoded frame (and the sun's elevation, when the station knows it) in,
// features out; jpeg-js decodes, nothing else is read.
//
// The framing the features assume (a camera mounted looking out to sea, horizon a little
// below the middle; hw-sim/weather/sky.ts renders the same): sky region = top 45 % of the
// frame, horizon band = 44–60 %, foreground = bottom 14 %. docs/cameras.md says how each is
// measured and what its flags mean.
//  - brightness: mean luma (Rec. 601) / 255;
//  - contrast: RMS of luma / 255 (over the whole frame);
//  - cloud fraction: share of sky-region pixels whose red/blue ratio exceeds 0.78 (clear
//    sky scatters blue, cloud is white/grey: R ≈ B). Only in daylight (sun ≥ 8° when known,
//    else a bright sky): at night and in twilight the sky is not blue and the ratio says nothing;
//  - visibility proxy: luma coefficient of variation in the horizon band (the distant ridge
//    against the sky); fog blends both toward the airlight (Koschmieder), so it falls with
//    visibility. A proxy, not metres: it is camera- and site-specific;
//  - lens wet: the foreground (tens of metres, sharp in any weather) has lost its detail:
//    mean |Laplacian| at 1 % of the frame width over mean luma below 0.15;
//  - lens obstructed: ≥ 15 % of a 16 × 12 grid of cells near-black and uniform.
import jpeg from 'jpeg-js';
import { qc, type Observation, type Qc, type Quantity } from '../../core/index.ts';

export interface Frame { width: number; height: number; data: Uint8Array }

export interface SkyFeatures {
  width: number;
  height: number;
  daylight: boolean;
  /** mean luma / 255, 0–1 */
  brightness: number;
  /** RMS luma / 255, 0–0.5 */
  contrast: number;
  /** 0–1; null when not daylight (not measurable) */
  cloud_fraction: number | null;
  /** dimensionless, higher = clearer air; null when not daylight */
  visibility_proxy: number | null;
  /** null when too dark to tell */
  lens_wet: boolean | null;
  lens_obstructed: boolean | null;
  /** the measures the lens verdicts come from (for tuning at a new site) */
  sharpness: number;
  dark_share: number;
}

export const SKY_FRAMING = { skyBottom: 0.45, bandTop: 0.5, bandBottom: 0.6, foregroundTop: 0.84, foregroundBottom: 0.98 } as const;
export const THRESHOLDS = { cloudRedBlue: 0.78, daylightSunDeg: 8, daylightSkyLuma: 0.3, skyMinLuma: 40, wetSharpness: 0.15, obscuredVisibility: 0.015, darkCellLuma: 30, darkCellStd: 6, obstructedShare: 0.15 } as const;

export class FrameError extends Error {}

/** Decode a JPEG; anything else (or a truncated/corrupt file) is a FrameError saying why. */
export function decodeFrame(bytes: Buffer | Uint8Array): Frame {
  if (!bytes || bytes.length < 4) throw new FrameError(`not a JPEG: ${bytes?.length ?? 0} bytes`);
  if (bytes[0] !== 0xff || bytes[1] !== 0xd8) throw new FrameError(`not a JPEG: starts with ${Buffer.from(bytes.subarray(0, 4)).toString('hex')} (expected ffd8, SOI)`);
  let img: { width: number; height: number; data: Uint8Array };
  try {
    img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxResolutionInMP: 40, maxMemoryUsageInMB: 256 });
  } catch (err) {
    throw new FrameError(`corrupt JPEG: ${(err as Error).message}`);
  }
  if (!(img.width >= 32 && img.height >= 24)) throw new FrameError(`frame too small for sky features: ${img.width}×${img.height}`);
  return img;
}

function luma(f: Frame): Float32Array {
  const out = new Float32Array(f.width * f.height);
  for (let i = 0, j = 0; i < out.length; i++, j += 4) out[i] = 0.299 * f.data[j]! + 0.587 * f.data[j + 1]! + 0.114 * f.data[j + 2]!;
  return out;
}

function meanStd(xs: Float32Array, W: number, y0: number, y1: number, x0 = 0, x1 = W): { mean: number; std: number } {
  let s = 0;
  let s2 = 0;
  let n = 0;
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      const v = xs[y * W + x]!;
      s += v;
      s2 += v * v;
      n++;
    }
  }
  const mean = n ? s / n : 0;
  return { mean, std: n ? Math.sqrt(Math.max(0, s2 / n - mean * mean)) : 0 };
}

export interface FeatureOptions {
  /** the sun's elevation at the station when the frame was taken (core/sun.ts); without it daylight is judged from the sky's brightness */
  sunElevationDeg?: number;
}

export function skyFeatures(f: Frame, opts: FeatureOptions = {}): SkyFeatures {
  const W = f.width;
  const H = f.height;
  if (!(W >= 32 && H >= 24) || f.data.length < W * H * 4) throw new FrameError(`bad frame: ${W}×${H} with ${f.data.length} bytes of RGBA`);
  const L = luma(f);
  const all = meanStd(L, W, 0, H);
  const skyRows = Math.floor(SKY_FRAMING.skyBottom * H);
  const sky = meanStd(L, W, 0, skyRows);
  const daylight = opts.sunElevationDeg !== undefined ? opts.sunElevationDeg >= THRESHOLDS.daylightSunDeg : sky.mean / 255 >= THRESHOLDS.daylightSkyLuma;

  // Pixels too dark to be sky (something on the lens, a mast) are left out of the ratio.
  let cloudy = 0;
  let skyPixels = 0;
  for (let i = 0; i < skyRows * W; i++) {
    if (L[i]! < THRESHOLDS.skyMinLuma) continue;
    skyPixels++;
    if (f.data[i * 4]! > THRESHOLDS.cloudRedBlue * Math.max(1, f.data[i * 4 + 2]!)) cloudy++;
  }
  const band = meanStd(L, W, Math.floor(SKY_FRAMING.bandTop * H), Math.ceil(SKY_FRAMING.bandBottom * H));

  // Sharpness of the foreground: mean |Laplacian| at a scale of 1 % of the frame width (above
  // the pixel noise, below the texture of rocks and scrub 30 m away) over the mean luma. A wet
  // lens blurs that scale away; rain and haze only dim it (simulated: clear ≈ 0.55, 30 mm/h
  // ≈ 0.3, fog of 200 m ≈ 0.2, wet lens ≈ 0.12).
  const s = Math.max(1, Math.round(W / 107));
  const fy0 = Math.max(s, Math.floor(SKY_FRAMING.foregroundTop * H));
  const fy1 = Math.min(H - s, Math.ceil(SKY_FRAMING.foregroundBottom * H));
  let lap = 0;
  let n = 0;
  for (let y = fy0; y < fy1; y++) {
    for (let x = s; x < W - s; x++) {
      const i = y * W + x;
      lap += Math.abs(4 * L[i]! - L[i - s]! - L[i + s]! - L[i - s * W]! - L[i + s * W]!);
      n++;
    }
  }
  const fg = meanStd(L, W, fy0, fy1);
  const sharpness = lap / Math.max(1, n) / (fg.mean + 8);

  // Obstruction: near-black, uniform cells of a 16 × 12 grid.
  let dark = 0;
  const GX = 16;
  const GY = 12;
  for (let gy = 0; gy < GY; gy++) {
    for (let gx = 0; gx < GX; gx++) {
      const c = meanStd(L, W, Math.floor((gy * H) / GY), Math.floor(((gy + 1) * H) / GY), Math.floor((gx * W) / GX), Math.floor(((gx + 1) * W) / GX));
      if (c.mean < THRESHOLDS.darkCellLuma && c.std < THRESHOLDS.darkCellStd) dark++;
    }
  }
  const darkShare = dark / (GX * GY);
  const canSeeLens = daylight || all.mean / 255 >= 0.15;

  return {
    width: W,
    height: H,
    daylight,
    brightness: all.mean / 255,
    contrast: all.std / 255,
    cloud_fraction: daylight && skyPixels >= 0.3 * skyRows * W ? cloudy / skyPixels : null,
    visibility_proxy: daylight ? band.std / (band.mean + 8) : null,
    lens_wet: canSeeLens ? sharpness < THRESHOLDS.wetSharpness : null,
    lens_obstructed: canSeeLens ? darkShare >= THRESHOLDS.obstructedShare : null,
    sharpness,
    dark_share: darkShare,
  };
}

/**
 * The features as observations of the camera (sensor = camera id), QC-flagged here because
 * only here is known why a value cannot be trusted: at night the cloud fraction and the
 * visibility proxy are `missing` (not measurable); with a wet or obstructed lens they are
 * `suspect` + sensor_status (the lens is the sensor); a sky hidden by fog or heavy rain
 * (visibility proxy < 0.015) makes the cloud fraction `suspect` + consistency (a red/blue
 * ratio cannot tell fog from cloud). Range QC runs after, as for every sensor.
 */
export function featureObservations(f: SkyFeatures, ts: number, sensor: string): Observation[] {
  const lensBad = f.lens_wet === true || f.lens_obstructed === true;
  const obs = (quantity: Quantity, value: number | null, flag: Qc): Observation => ({ ts, sensor, quantity, value, qc: value === null ? qc('missing') : flag });
  const notChecked = qc('not_checked');
  const cloudQc = lensBad ? qc('suspect', 'sensor_status')
    : f.visibility_proxy !== null && f.visibility_proxy < THRESHOLDS.obscuredVisibility ? qc('suspect', 'consistency') : notChecked;
  const round = (v: number | null, d: number) => (v === null ? null : Math.round(v * 10 ** d) / 10 ** d);
  const bool = (b: boolean | null) => (b === null ? null : b ? 1 : 0);
  return [
    obs('sky_brightness', round(f.brightness, 4), notChecked),
    obs('image_contrast', round(f.contrast, 4), notChecked),
    obs('cloud_area_fraction', round(f.cloud_fraction === null ? null : 100 * f.cloud_fraction, 1), cloudQc),
    obs('visibility_proxy', round(f.visibility_proxy, 4), lensBad ? qc('suspect', 'sensor_status') : notChecked),
    obs('lens_wet', bool(f.lens_wet), notChecked),
    obs('lens_obstructed', bool(f.lens_obstructed), notChecked),
  ];
}
