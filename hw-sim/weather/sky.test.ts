import { describe, expect, it } from 'vitest';
import jpeg from 'jpeg-js';
import { renderSky, skyJpeg, skyTruthAt, sunElevation, SCENE, type SkyTruth } from './sky.ts';
import { tradeWindDay, DEFAULT_TRADE_WIND_START } from './trade-wind.ts';

const CHICHIJIMA = { lat: 27.09, lon: 142.19 };
const DAY: SkyTruth = { sun_elevation: 50, cloud_fraction: 0.4, rainfall_rate: 0, visibility_m: 30_000, lens: 'clear' };

/** Fraction of the sky region whose red/blue ratio says cloud (the test's own reading of the picture). */
function cloudyShare(img: { width: number; height: number; data: Uint8Array }): number {
  const rows = Math.floor(SCENE.skyRegionBottom * img.height);
  let n = 0;
  for (let i = 0; i < rows * img.width; i++) if (img.data[i * 4]! / Math.max(1, img.data[i * 4 + 2]!) > 0.78) n++;
  return n / (rows * img.width);
}

describe('sunElevation', () => {
  it('puts the sun near the zenith at Chichijima local noon in July and below the horizon at midnight', () => {
    // Solar noon at 142.19°E is ≈ 02:30 UTC; declination ≈ +23.1° on 1 July → 90 − |27.09 − 23.1| ≈ 86°.
    expect(sunElevation(CHICHIJIMA.lat, CHICHIJIMA.lon, Date.UTC(2026, 6, 1, 2, 30))).toBeCloseTo(86, 0);
    expect(sunElevation(CHICHIJIMA.lat, CHICHIJIMA.lon, Date.UTC(2026, 6, 1, 14, 30))).toBeLessThan(-30);
    // Equinox at the equator and Greenwich, 12:00 UTC: within a degree or two of overhead.
    expect(sunElevation(0, 0, Date.UTC(2026, 2, 20, 12, 7))).toBeGreaterThan(88);
  });

  it('refuses non-numbers', () => {
    expect(() => sunElevation(Number.NaN, 0, 0)).toThrow(/finite/);
  });
});

describe('renderSky', () => {
  it('is deterministic in (truth, seed) and covers the sky region with the asked cloud fraction', () => {
    const a = renderSky(DAY, { width: 320, height: 240, seed: 5 });
    const b = renderSky(DAY, { width: 320, height: 240, seed: 5 });
    expect(Buffer.from(a.data).equals(Buffer.from(b.data))).toBe(true);
    for (const cf of [0, 0.25, 0.6, 0.95]) {
      expect(Math.abs(cloudyShare(renderSky({ ...DAY, cloud_fraction: cf }, { width: 320, height: 240, seed: 9 })) - cf)).toBeLessThan(0.06);
    }
  });

  it('is dark at night and darker in rain', () => {
    const mean = (t: SkyTruth) => {
      const img = renderSky(t, { width: 160, height: 120 });
      let s = 0;
      for (let i = 0; i < img.data.length; i += 4) s += img.data[i + 1]!;
      return s / (img.data.length / 4);
    };
    expect(mean({ ...DAY, sun_elevation: -20 })).toBeLessThan(15);
    expect(mean({ ...DAY, rainfall_rate: 10 })).toBeLessThan(mean(DAY));
  });

  it('encodes a JPEG jpeg-js reads back, and refuses a bad truth with the field named', () => {
    const img = jpeg.decode(skyJpeg(DAY, { width: 160, height: 120 }), { useTArray: true });
    expect([img.width, img.height]).toEqual([160, 120]);
    expect(() => renderSky({ ...DAY, cloud_fraction: 1.5 })).toThrow(/cloud_fraction/);
    expect(() => renderSky({ ...DAY, visibility_m: 0 })).toThrow(/visibility_m/);
    expect(() => renderSky(DAY, { width: 5 })).toThrow(/size/);
  });
});

describe('skyTruthAt', () => {
  it('follows the trade-wind day: overcast, wet lens and lower visibility in the afternoon shower; dark at night', () => {
    const s = tradeWindDay();
    const HOUR = 3_600_000;
    const shower = skyTruthAt(s, DEFAULT_TRADE_WIND_START + 15 * HOUR + 10 * 60_000, CHICHIJIMA.lat, CHICHIJIMA.lon);
    const morning = skyTruthAt(s, DEFAULT_TRADE_WIND_START + 9 * HOUR, CHICHIJIMA.lat, CHICHIJIMA.lon);
    const night = skyTruthAt(s, DEFAULT_TRADE_WIND_START + 23 * HOUR, CHICHIJIMA.lat, CHICHIJIMA.lon);
    expect(shower.cloud_fraction).toBeGreaterThan(0.9);
    expect(shower.lens).toBe('wet');
    expect(shower.visibility_m).toBeLessThan(morning.visibility_m);
    expect(morning.cloud_fraction).toBeLessThan(0.5);
    expect(morning.lens).toBe('clear');
    expect(morning.sun_elevation).toBeGreaterThan(20);
    expect(night.sun_elevation).toBeLessThan(-10);
  });
});
