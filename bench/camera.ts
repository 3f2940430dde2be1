// Camera figures (issue #8), on frames of the simulated sky at the simulated camera's 640 × 360:
//  - sky_render_ms: hw-sim renders one frame (renderSky + JPEG encode), the simulator's cost;
//  - camera_features_ms: the station decodes a frame and computes its sky features;
//  - camera_thumbnail_ms: the 160 × 90 thumbnail (area downscale + JPEG encode);
//  - camera_frame_bytes, camera_thumb_bytes: mean JPEG sizes over six skies (day, cloud,
//    rain, fog, twilight, night); camera_thumb_wire_bytes: one thumbnail message on the link
//    (image envelope with its header and features, MQTT 5 framing counted).
import { encodeImage } from '../core/image-wire.ts';
import { decodeFrame, skyFeatures } from '../gateway/camera/sky-features.ts';
import { makeThumbnail } from '../gateway/camera/thumbnail.ts';
import { publishBytes } from '../gateway/uplink/budget.ts';
import { skyJpeg, type SkyTruth } from '../hw-sim/weather/sky.ts';

const DAY: SkyTruth = { sun_elevation: 50, cloud_fraction: 0.3, rainfall_rate: 0, visibility_m: 30_000, lens: 'clear' };
const SKIES: SkyTruth[] = [
  DAY, { ...DAY, cloud_fraction: 0.8 }, { ...DAY, cloud_fraction: 1, rainfall_rate: 8, visibility_m: 3000, lens: 'wet' },
  { ...DAY, visibility_m: 800 }, { ...DAY, sun_elevation: 0 }, { ...DAY, sun_elevation: -30 },
];

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const time = (fn: () => void) => { const t = performance.now(); fn(); return performance.now() - t; };
const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;

export function benchCamera(rounds = 3) {
  const size = { width: 640, height: 360 };
  const render: number[] = [];
  const features: number[] = [];
  const thumbs: number[] = [];
  const frameBytes: number[] = [];
  const thumbBytes: number[] = [];
  const wire: number[] = [];
  for (let r = 0; r < rounds; r++) {
    SKIES.forEach((truth, i) => {
      let jpeg: Buffer = Buffer.alloc(0);
      render.push(time(() => { jpeg = skyJpeg(truth, { ...size, seed: r * 10 + i }); }));
      let f: ReturnType<typeof skyFeatures> | null = null;
      let img: ReturnType<typeof decodeFrame> | null = null;
      features.push(time(() => { img = decodeFrame(jpeg); f = skyFeatures(img, { sunElevationDeg: truth.sun_elevation }); }));
      let thumb: ReturnType<typeof makeThumbnail> | null = null;
      thumbs.push(time(() => { thumb = makeThumbnail(img!); }));
      frameBytes.push(jpeg.length);
      thumbBytes.push(thumb!.jpeg.length);
      const msg = encodeImage({ station: '0-392-0-47971', camera: 'cam-east', ts: Date.UTC(2026, 6, 1), kind: 'thumb', width: thumb!.width, height: thumb!.height, features: f as unknown as Record<string, unknown> }, thumb!.jpeg);
      wire.push(publishBytes('bonin/v1/0-392-0-47971/image', msg.length, 5));
    });
  }
  const mean = (xs: number[]) => Math.round(xs.reduce((a, b) => a + b, 0) / xs.length);
  return {
    sky_render_ms: round(median(render)),
    camera_features_ms: round(median(features)),
    camera_thumbnail_ms: round(median(thumbs)),
    camera_frame_bytes: mean(frameBytes),
    camera_thumb_bytes: mean(thumbBytes),
    camera_thumb_wire_bytes: mean(wire),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) process.stdout.write(`${JSON.stringify(benchCamera())}\n`);
