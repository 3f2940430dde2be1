// What a station camera looking out to sea from Chichijima would see, rendered from the
// weather truth: the pictures of the simulated ONVIF camera (hw-sim/devices/onvif-camera/)
// and the known-truth frames the gateway's sky features are tested on.
//
// The scene (fractions of the frame height): sky above 0.58 (the sea horizon), a distant
// island ridge 4 km away rising to 0.46, sea to 0.82 (4 km → 300 m), rocks and scrub in the
// foreground (30 m). Rendering, in the order light goes:
//   sky (blue gradient, zenith deep, horizon pale; twilight glow near the horizon) with
//   clouds: a seeded fractal noise field thresholded at its own quantile, so exactly
//   `cloud_fraction` of the sky region (rows above 0.45, SKY_REGION_ROWS) is cloud — white
//   to grey, red ≈ blue, which is what a red/blue-ratio method keys on;
//   → fog: every pixel blends toward the airlight by Koschmieder, t = exp(−3.912·d/V);
//   → daylight by sun elevation (night −6° and below: near black), rain darkens and washes out;
//   → lens: wet = blur plus refracting droplets; obstructed = a large dark out-of-focus blob;
//   → sensor noise (more gain at night).
// Everything is deterministic in (truth, seed).
import jpeg from 'jpeg-js';
import { sunElevation } from '../../core/sun.ts';
import { uniform, channelId } from './noise.ts';
import type { WeatherScenario } from './types.ts';

export { sunElevation };

export type LensState = 'clear' | 'wet' | 'obstructed';

export interface SkyTruth {
  /** degrees above the horizon (sunElevation at the station) */
  sun_elevation: number;
  /** 0–1, fraction of the sky covered by cloud */
  cloud_fraction: number;
  /** mm/h */
  rainfall_rate: number;
  /** metres (meteorological optical range); fog below 1000 */
  visibility_m: number;
  lens: LensState;
}

export interface RenderOptions {
  width?: number;
  height?: number;
  /** Same seed, same clouds and noise. Change it (e.g. per frame time) to make the clouds move. */
  seed?: number;
}

export interface RgbaImage {
  width: number;
  height: number;
  /** RGBA, row-major, 4 bytes a pixel */
  data: Uint8Array;
}

/** Scene geometry as fractions of the frame height; the gateway's feature extractor assumes the same framing. */
export const SCENE = {
  horizon: 0.58,
  ridgeTop: 0.46,
  skyRegionBottom: 0.45,
  seaBottom: 0.82,
  islandDistanceM: 4000,
  foregroundDistanceM: 30,
} as const;

const CH = { cloud: channelId('sky-cloud'), ridge: channelId('sky-ridge'), island: channelId('sky-island'), sea: channelId('sky-sea'), fg: channelId('sky-fg'), drops: channelId('sky-drops'), blob: channelId('sky-blob') };

/** Value noise on a lattice of cell × cell pixels, cosine-eased: one array fill, then cheap lookups. */
function lattice(seed: number, channel: number, w: number, h: number, cellX: number, cellY = cellX): (x: number, y: number) => number {
  const nx = Math.ceil(w / cellX) + 2;
  const ny = Math.ceil(h / cellY) + 2;
  const v = new Float32Array(nx * ny);
  for (let i = 0; i < v.length; i++) v[i] = uniform(seed, channel, i);
  return (x, y) => {
    const fx = x / cellX;
    const fy = y / cellY;
    const ix = Math.floor(fx);
    const iy = Math.floor(fy);
    const ux = (1 - Math.cos(Math.PI * (fx - ix))) / 2;
    const uy = (1 - Math.cos(Math.PI * (fy - iy))) / 2;
    const i = iy * nx + ix;
    const a = v[i]! + (v[i + 1]! - v[i]!) * ux;
    const b = v[i + nx]! + (v[i + nx + 1]! - v[i + nx]!) * ux;
    return a + (b - a) * uy;
  };
}

const smoothstep = (e0: number, e1: number, x: number): number => {
  const t = Math.min(1, Math.max(0, (x - e0) / (e1 - e0)));
  return t * t * (3 - 2 * t);
};

function checkTruth(t: SkyTruth): void {
  const bad = (k: string, why: string): never => { throw new RangeError(`renderSky: truth.${k} ${why}`); };
  if (!Number.isFinite(t.sun_elevation)) bad('sun_elevation', 'must be a finite number of degrees');
  if (!(t.cloud_fraction >= 0 && t.cloud_fraction <= 1)) bad('cloud_fraction', `must be 0–1 (got ${t.cloud_fraction})`);
  if (!(t.rainfall_rate >= 0)) bad('rainfall_rate', `must be ≥ 0 mm/h (got ${t.rainfall_rate})`);
  if (!(t.visibility_m > 0)) bad('visibility_m', `must be > 0 m (got ${t.visibility_m})`);
  if (!['clear', 'wet', 'obstructed'].includes(t.lens)) bad('lens', `must be clear, wet or obstructed (got ${String(t.lens)})`);
}

/** Render the scene for one truth as an RGBA image. */
export function renderSky(truth: SkyTruth, opts: RenderOptions = {}): RgbaImage {
  checkTruth(truth);
  const W = Math.round(opts.width ?? 640);
  const H = Math.round(opts.height ?? 480);
  if (!(W >= 32 && H >= 24 && W <= 4096 && H <= 4096)) throw new RangeError(`renderSky: size ${W}×${H} outside 32×24 … 4096×4096`);
  const seed = (opts.seed ?? 1) >>> 0;
  const rgb = new Float32Array(W * H * 3);

  const horizonY = SCENE.horizon * H;
  const skyRegionRows = Math.floor(SCENE.skyRegionBottom * H);
  const seaBottomY = SCENE.seaBottom * H;

  // Clouds: 4-octave fractal noise, stretched sideways (clouds look flattened toward the
  // horizon), thresholded at the (1 − fraction) quantile of the sky region, found by histogram.
  const octaves = [1, 2, 4, 8].map((k, i) => ({ f: lattice(seed, CH.cloud + i, W, H, W / (3 * k), H / (3.5 * k)), w: 1 / k }));
  const wsum = octaves.reduce((s, o) => s + o.w, 0);
  const skyRows = Math.ceil(horizonY);
  const cloudNoise = new Float32Array(W * skyRows);
  const hist = new Uint32Array(2048);
  for (let y = 0; y < skyRows; y++) {
    for (let x = 0; x < W; x++) {
      let n = 0;
      for (const o of octaves) n += o.w * o.f(x, y);
      n /= wsum;
      cloudNoise[y * W + x] = n;
      if (y < skyRegionRows) hist[Math.min(2047, Math.floor(n * 2048))]!++;
    }
  }
  const cf = truth.cloud_fraction;
  let threshold = 2; // no cloud
  if (cf > 0) {
    const target = (1 - cf) * W * skyRegionRows;
    let acc = 0;
    threshold = 0;
    for (let b = 0; b < 2048; b++) {
      if (acc + hist[b]! > target) { threshold = (b + (target - acc) / hist[b]!) / 2048; break; }
      acc += hist[b]!;
    }
  }

  // Island ridge height (rows above the horizon) per column: present from 12 % to 78 % of the width.
  const ridge = lattice(seed, CH.ridge, W, 1, W / 6, 1);
  const ridgeTop = new Float32Array(W);
  for (let x = 0; x < W; x++) {
    const u = x / W;
    const envelope = Math.max(0, Math.sin(Math.PI * Math.min(1, Math.max(0, (u - 0.12) / 0.66))));
    ridgeTop[x] = horizonY - envelope ** 0.6 * (horizonY - SCENE.ridgeTop * H) * (0.55 + 0.45 * ridge(x, 0));
  }
  const islandTex = lattice(seed, CH.island, W, H, 5);
  const islandTex2 = lattice(seed, CH.island + 1, W, H, 16);
  const seaTex = lattice(seed, CH.sea, W, H, 24, 2);
  const fgTex = lattice(seed, CH.fg, W, H, 3);
  const fgTex2 = lattice(seed, CH.fg + 1, W, H, 14);

  const elev = truth.sun_elevation;
  const light = 0.03 + 0.97 * smoothstep(-6, 12, elev);
  // Twilight glow: strongest with the sun just below the horizon, gone above 8°.
  const glow = smoothstep(-8, -1, elev) * (1 - smoothstep(2, 8, elev));
  const rain = truth.rainfall_rate;
  const rainDark = Math.max(0.5, 1 / (1 + 0.05 * rain));
  const washout = Math.min(0.5, 0.06 * rain);
  const V = truth.visibility_m;
  const air = [200, 205, 215];

  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      let r: number, g: number, b: number, dist: number;
      if (y < ridgeTop[x]!) {
        const t = y / horizonY;
        r = 70 + 80 * t; g = 130 + 60 * t; b = 225 + 15 * t;
        if (glow > 0) {
          const w = glow * t * t * 0.8;
          r += (255 - r) * w; g += (150 - g) * w; b += (90 - b) * w;
        }
        const n = cloudNoise[y * W + x]!;
        const a = smoothstep(threshold - 0.015, threshold + 0.015, n); // soft edge centred on the threshold
        if (a > 0) {
          // Thicker cloud is greyer underneath; overcast in rain is a dull grey.
          const thick = Math.min(1, Math.max(0, n - threshold) / 0.25);
          const c = (250 - 85 * thick) * (rain > 0 ? 0.8 : 1);
          r += (c - r) * a; g += (c - g) * a; b += (c * 1.02 - b) * a;
        }
        dist = 1000 - 800 * (1 - t);
      } else if (y < horizonY) {
        const n = islandTex(x, y) * 0.6 + islandTex2(x, y) * 0.4;
        r = 25 + 45 * n; g = 45 + 60 * n; b = 30 + 35 * n;
        dist = SCENE.islandDistanceM;
      } else if (y < seaBottomY) {
        const t = (y - horizonY) / (seaBottomY - horizonY);
        const n = seaTex(x, y);
        r = 20 + 25 * n; g = 60 + 35 * n; b = 100 + 45 * n;
        dist = SCENE.islandDistanceM * (1 - t) + 300 * t;
      } else {
        const n = fgTex(x, y) * 0.65 + fgTex2(x, y) * 0.35;
        r = 40 + 110 * n; g = 38 + 100 * n; b = 28 + 70 * n;
        dist = SCENE.foregroundDistanceM;
      }
      const tr = Math.exp((-3.912 * dist) / V);
      r = r * tr + air[0]! * (1 - tr);
      g = g * tr + air[1]! * (1 - tr);
      b = b * tr + air[2]! * (1 - tr);
      const k = (y * W + x) * 3;
      rgb[k] = r * light * rainDark;
      rgb[k + 1] = g * light * rainDark;
      rgb[k + 2] = b * light * rainDark;
    }
  }
  if (washout > 0) washOut(rgb, washout, W, Math.floor(seaBottomY));
  if (truth.lens === 'wet') wetLens(rgb, W, H, seed);
  if (truth.lens === 'obstructed') obstruct(rgb, W, H, seed);
  return { width: W, height: H, data: toRgba(rgb, W, H, seed, light) };
}

/** Rain: blend toward the frame's mean grey (contrast and colour fall), the near foreground (rows from `nearRow`) less: less rain between it and the lens. */
function washOut(rgb: Float32Array, w: number, W: number, nearRow: number): void {
  let sum = 0;
  for (let i = 0; i < rgb.length; i++) sum += rgb[i]!;
  const mean = sum / rgb.length;
  for (let i = 0; i < rgb.length; i++) {
    const k = Math.floor(i / 3 / W) >= nearRow ? 0.4 * w : w;
    rgb[i] = rgb[i]! * (1 - k) + mean * k;
  }
}

/** Separable box blur, three passes (≈ Gaussian), radius r pixels. */
function blur(rgb: Float32Array, W: number, H: number, r: number): void {
  const tmp = new Float32Array(rgb.length);
  const pass = (src: Float32Array, dst: Float32Array, horizontal: boolean): void => {
    const n = horizontal ? W : H;
    const lines = horizontal ? H : W;
    for (let l = 0; l < lines; l++) {
      for (let c = 0; c < 3; c++) {
        const at = (i: number): number => (horizontal ? (l * W + i) * 3 + c : (i * W + l) * 3 + c);
        let acc = 0;
        for (let i = -r; i <= r; i++) acc += src[at(Math.min(n - 1, Math.max(0, i)))]!;
        for (let i = 0; i < n; i++) {
          dst[at(i)] = acc / (2 * r + 1);
          acc += src[at(Math.min(n - 1, i + r + 1))]! - src[at(Math.max(0, i - r))]!;
        }
      }
    }
  };
  for (let p = 0; p < 3; p++) {
    pass(rgb, tmp, true);
    pass(tmp, rgb, false);
  }
}

/** Wet lens: the whole picture out of focus, plus droplets that show a shrunken, flipped view with a dark rim. */
function wetLens(rgb: Float32Array, W: number, H: number, seed: number): void {
  blur(rgb, W, H, Math.max(2, Math.round(W / 80)));
  const src = rgb.slice();
  const drops = 14;
  for (let d = 0; d < drops; d++) {
    const cx = uniform(seed, CH.drops, d * 3) * W;
    const cy = uniform(seed, CH.drops, d * 3 + 1) * H;
    const rad = (0.03 + 0.05 * uniform(seed, CH.drops, d * 3 + 2)) * W;
    for (let y = Math.max(0, Math.floor(cy - rad)); y < Math.min(H, Math.ceil(cy + rad)); y++) {
      for (let x = Math.max(0, Math.floor(cx - rad)); x < Math.min(W, Math.ceil(cx + rad)); x++) {
        const q = Math.hypot(x - cx, y - cy) / rad;
        if (q >= 1) continue;
        const sx = Math.min(W - 1, Math.max(0, Math.round(cx - (x - cx) * 0.5)));
        const sy = Math.min(H - 1, Math.max(0, Math.round(cy - (y - cy) * 0.5)));
        const k = (y * W + x) * 3;
        const s = (sy * W + sx) * 3;
        const shade = q > 0.85 ? 0.7 : 1.08;
        for (let c = 0; c < 3; c++) rgb[k + c] = src[s + c]! * shade;
      }
    }
  }
}

/** Something stuck on the lens (a leaf, a bag, bird droppings): a soft-edged near-black ellipse over about a third of the frame. */
function obstruct(rgb: Float32Array, W: number, H: number, seed: number): void {
  const cx = (0.3 + 0.4 * uniform(seed, CH.blob, 0)) * W;
  const cy = (0.35 + 0.3 * uniform(seed, CH.blob, 1)) * H;
  const ax = 0.36 * W;
  const ay = 0.4 * H;
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const q = Math.hypot((x - cx) / ax, (y - cy) / ay);
      const a = 1 - smoothstep(0.85, 1.05, q);
      if (a <= 0) continue;
      const k = (y * W + x) * 3;
      rgb[k] = rgb[k]! * (1 - a) + 16 * a;
      rgb[k + 1] = rgb[k + 1]! * (1 - a) + 14 * a;
      rgb[k + 2] = rgb[k + 2]! * (1 - a) + 12 * a;
    }
  }
}

/** Sensor noise (σ ≈ 2 by day, ≈ 5 at night when the gain is up), clamp, RGBA. */
function toRgba(rgb: Float32Array, W: number, H: number, seed: number, light: number): Uint8Array {
  const out = new Uint8Array(W * H * 4);
  const sigma = 2 + 3 * (1 - Math.min(1, light / 0.3));
  let s = (seed * 2654435761) >>> 0 || 1;
  const rnd = (): number => { // xorshift32: fast per-pixel noise, deterministic per seed
    s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
    return s / 4294967296;
  };
  for (let i = 0, j = 0; i < W * H; i++) {
    const n = (rnd() + rnd() + rnd() - 1.5) * 2 * sigma; // ≈ normal, σ ≈ sigma
    for (let c = 0; c < 3; c++) out[j + c] = Math.min(255, Math.max(0, Math.round(rgb[i * 3 + c]! + n)));
    out[j + 3] = 255;
    j += 4;
  }
  return out;
}

/** The scene as a JPEG (jpeg-js, baseline). quality 1–100, default 85. */
export function skyJpeg(truth: SkyTruth, opts: RenderOptions & { quality?: number } = {}): Buffer {
  const img = renderSky(truth, opts);
  return jpeg.encode({ data: img.data, width: img.width, height: img.height }, opts.quality ?? 85).data;
}

/** Sky truth at a place and time from a weather scenario; lens wet while it rains ≥ 1 mm/h unless `lens` says otherwise. */
export function skyTruthAt(scenario: WeatherScenario, ts: number, lat: number, lon: number, lens?: LensState): SkyTruth {
  const s = scenario.at(ts);
  const rain = Math.max(0, s.rainfall_rate);
  return {
    sun_elevation: sunElevation(lat, lon, ts),
    // Scenarios without sky fields: overcast in rain, a fair-weather sky otherwise.
    cloud_fraction: Math.min(1, Math.max(0, s.cloud_fraction ?? (rain > 0 ? 0.95 : 0.3))),
    rainfall_rate: rain,
    visibility_m: Math.max(50, s.visibility_m ?? 30_000),
    lens: lens ?? (rain >= 1 ? 'wet' : 'clear'),
  };
}
