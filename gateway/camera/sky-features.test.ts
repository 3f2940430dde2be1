import { describe, expect, it } from 'vitest';
import { skyJpeg, type SkyTruth } from '../../hw-sim/weather/sky.ts';
import { decodeFrame, featureObservations, FrameError, skyFeatures } from './sky-features.ts';

const DAY: SkyTruth = { sun_elevation: 40, cloud_fraction: 0.4, rainfall_rate: 0, visibility_m: 30_000, lens: 'clear' };
// Most frames at 320 × 240 to keep the suite quick; the larger sizes are covered a few times.
const features = (t: SkyTruth, seed = 1, size = { width: 320, height: 240 }) =>
  skyFeatures(decodeFrame(skyJpeg(t, { seed, ...size })), { sunElevationDeg: t.sun_elevation });

describe('sky features on frames rendered from a known truth', () => {
  it('recovers the cloud fraction within ±0.15 in daylight (sun high and low, several skies and sizes)', () => {
    for (const cf of [0, 0.1, 0.3, 0.5, 0.7, 0.9, 1]) {
      const runs: Array<[number, number, { width: number; height: number }]> = [[1, 60, { width: 320, height: 240 }], [2, 12, { width: 320, height: 240 }]];
      if (cf === 0.5) runs.push([3, 35, { width: 1280, height: 720 }]);
      for (const [seed, elev, size] of runs) {
        const f = features({ ...DAY, cloud_fraction: cf, sun_elevation: elev }, seed, size);
        expect(f.daylight).toBe(true);
        expect(Math.abs(f.cloud_fraction! - cf), `cf ${cf} seed ${seed}`).toBeLessThanOrEqual(0.15);
      }
    }
  });

  it('gives no cloud fraction at night or in twilight, and says it is missing', () => {
    for (const elev of [-30, -8, 3]) {
      const f = features({ ...DAY, sun_elevation: elev });
      expect(f.daylight).toBe(false);
      expect(f.cloud_fraction).toBeNull();
      const cloud = featureObservations(f, 0, 'cam1').find((o) => o.quantity === 'cloud_area_fraction')!;
      expect(cloud.value).toBeNull();
      expect(cloud.qc.flag).toBe('missing');
    }
    // Without the sun's elevation a dark sky is judged night from its brightness.
    expect(skyFeatures(decodeFrame(skyJpeg({ ...DAY, sun_elevation: -20 }))).daylight).toBe(false);
    expect(skyFeatures(decodeFrame(skyJpeg(DAY))).daylight).toBe(true);
  });

  it('is darker at night and in rain', () => {
    const day = features(DAY).brightness;
    expect(features({ ...DAY, sun_elevation: -20 }).brightness).toBeLessThan(0.1);
    expect(features({ ...DAY, rainfall_rate: 10, cloud_fraction: 1 }).brightness).toBeLessThan(day);
  });

  it('lowers the visibility proxy monotonically as fog thickens', () => {
    const vis = [50_000, 20_000, 8_000, 3_000, 1_200, 500];
    const proxy = vis.map((v) => features({ ...DAY, visibility_m: v }).visibility_proxy!);
    for (let i = 1; i < proxy.length; i++) expect(proxy[i], `V ${vis[i]} m vs ${vis[i - 1]} m: ${proxy.join(', ')}`).toBeLessThan(proxy[i - 1]!);
  });

  it('detects a wet lens and an obstructed one, and neither in rain or fog with a clear lens', () => {
    for (const size of [{ width: 320, height: 240 }, { width: 640, height: 480 }]) {
      expect(features({ ...DAY, lens: 'wet' }, 4, size).lens_wet).toBe(true);
      expect(features({ ...DAY, lens: 'wet', rainfall_rate: 8, cloud_fraction: 1, visibility_m: 3000 }, 5, size).lens_wet).toBe(true);
      expect(features(DAY, 4, size).lens_wet).toBe(false);
    }
    for (const seed of [1, 2, 3]) {
      const f = features({ ...DAY, lens: 'obstructed' }, seed);
      expect(f.lens_obstructed).toBe(true);
      expect(f.lens_wet).toBe(false);
      const o = featureObservations(f, 0, 'cam1');
      expect(o.find((x) => x.quantity === 'cloud_area_fraction')!.qc).toEqual({ flag: 'suspect', reasons: ['sensor_status'] });
      expect(o.find((x) => x.quantity === 'lens_obstructed')!.value).toBe(1);
    }
    for (const t of [{ ...DAY, rainfall_rate: 30, cloud_fraction: 1, visibility_m: 1300 }, { ...DAY, visibility_m: 300 }, DAY]) {
      const f = features(t, 6);
      expect(f.lens_wet, JSON.stringify(t)).toBe(false);
      expect(f.lens_obstructed, JSON.stringify(t)).toBe(false);
    }
  });

  it('makes one observation per feature for the camera, flagged as the frame allows', () => {
    const o = featureObservations(features(DAY), 1_700_000_000_000, 'cam-east');
    expect(o.map((x) => x.quantity).sort()).toEqual(['cloud_area_fraction', 'image_contrast', 'lens_obstructed', 'lens_wet', 'sky_brightness', 'visibility_proxy']);
    for (const x of o) {
      expect(x.sensor).toBe('cam-east');
      expect(x.ts).toBe(1_700_000_000_000);
      expect(x.qc.flag).toBe('not_checked');
      expect(x.value).not.toBeNull();
    }
    const cloud = o.find((x) => x.quantity === 'cloud_area_fraction')!.value!;
    expect(cloud).toBeGreaterThan(25);
    expect(cloud).toBeLessThan(55);
  });

  it('refuses garbage with a clear error', () => {
    expect(() => decodeFrame(Buffer.from('<html>401 Unauthorized</html>'))).toThrow(FrameError);
    expect(() => decodeFrame(Buffer.from('<html>401 Unauthorized</html>'))).toThrow(/not a JPEG: starts with 3c68746d/);
    expect(() => decodeFrame(Buffer.alloc(0))).toThrow(/not a JPEG: 0 bytes/);
    const good = skyJpeg(DAY, { width: 320, height: 240 });
    expect(() => decodeFrame(good.subarray(0, 200))).toThrow(/corrupt JPEG/);
    const scrambled = Buffer.from(good);
    for (let i = 600; i < scrambled.length - 2; i += 7) scrambled[i] = 0xff;
    expect(() => skyFeatures(decodeFrame(scrambled))).toThrow(FrameError);
    expect(() => skyFeatures({ width: 640, height: 480, data: new Uint8Array(10) })).toThrow(/bad frame/);
  });
});
