// The shipped model in the real LiteRT runtime: it loads, checks what it loads, forecasts
// finite values from real data, withholds over a gap, and refuses a tampered file.
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseHourlyCsv, type HourlySeries } from './data.ts';
import { FEATURE_NAMES, WINDOW_HOURS } from './features.ts';
import { NowcastModel, SHIPPED_MANIFEST, SHIPPED_MODEL_DIR, SHIPPED_PUBLIC_KEY } from './nowcast.ts';
import { loadPublicKey, readVerifiedModel } from './signing.ts';

const CSV = join(import.meta.dirname, '../../shared/data/nyc-2013-hourly.csv');
let model: NowcastModel;
let series: HourlySeries[];

beforeAll(async () => {
  model = await NowcastModel.load();
  series = parseHourlyCsv(readFileSync(CSV, 'utf8'));
});
afterAll(() => model?.close());

function copyModel(): string {
  const dir = mkdtempSync(join(tmpdir(), 'bonin-model-'));
  copyFileSync(SHIPPED_MANIFEST, join(dir, 'nowcast.manifest.json'));
  copyFileSync(join(SHIPPED_MODEL_DIR, model.manifest.model_file), join(dir, model.manifest.model_file));
  return dir;
}

describe('shipped nowcast model', () => {
  it('declares the features this code builds, in order, and is signed with the shipped project key', () => {
    expect(model.manifest.input.features.map((f) => f.name)).toEqual(FEATURE_NAMES);
    expect(model.manifest.window_hours).toBe(WINDOW_HOURS + 1);
    expect(model.manifest.outputs.change.items).toHaveLength(9);
    expect(() => readVerifiedModel(SHIPPED_MANIFEST, loadPublicKey(SHIPPED_PUBLIC_KEY))).not.toThrow();
  });

  it('forecasts finite, plausible values for a real November hour', async () => {
    const s = series.find((x) => x.station === 'JFK')!;
    const i = (Date.UTC(2013, 10, 15, 18) - s.start) / 3_600_000;
    const f = await model.predict(s, i);
    expect(f).toBeDefined();
    for (const v of f!.values) {
      expect(Number.isFinite(v.value)).toBe(true);
      const now = v.quantity === 'air_temperature' ? s.temperature[i]! : v.quantity === 'wind_speed' ? s.windSpeed[i]! : s.pressure[i]!;
      expect(Math.abs(v.value - now)).toBeLessThan(v.quantity === 'air_pressure_at_mean_sea_level' ? 10 : 8);
    }
    expect(f!.rain_probability).toBeGreaterThanOrEqual(0);
    expect(f!.rain_probability).toBeLessThanOrEqual(1);
  });

  it('withholds the nowcast when an input is missing, never NaN', async () => {
    const s = structuredClone(series.find((x) => x.station === 'LGA')!);
    const i = (Date.UTC(2013, 10, 15, 18) - s.start) / 3_600_000;
    expect(await model.predict(s, i)).toBeDefined();
    s.pressure[i - 1] = NaN;
    expect(await model.predict(s, i)).toBeUndefined();
  });

  it('stands in "none" for unreported precipitation and flags the nowcast with it', async () => {
    const s = structuredClone(series.find((x) => x.station === 'EWR')!);
    const i = (Date.UTC(2013, 10, 15, 18) - s.start) / 3_600_000;
    expect((await model.predict(s, i))!.substituted).toEqual([]);
    s.precip[i] = NaN;
    const f = await model.predict(s, i);
    expect(f!.substituted).toEqual(['precipitation_1h', 'precipitation_6h']);
    expect(f!.values.every((v) => Number.isFinite(v.value))).toBe(true);
  });

  it('refuses a .tflite whose bytes do not match the manifest sha256', async () => {
    const dir = copyModel();
    const file = join(dir, model.manifest.model_file);
    const bytes = readFileSync(file);
    bytes[bytes.length - 9]! ^= 0xff;
    writeFileSync(file, bytes);
    await expect(NowcastModel.load(join(dir, 'nowcast.manifest.json'))).rejects.toThrow(/sha256/);
  });

  it('refuses a manifest naming a feature this gateway cannot build', async () => {
    const dir = copyModel();
    const m = JSON.parse(readFileSync(SHIPPED_MANIFEST, 'utf8'));
    m.input.features[0].name = 'soil_moisture_change_1h';
    writeFileSync(join(dir, 'nowcast.manifest.json'), JSON.stringify(m));
    await expect(NowcastModel.load(join(dir, 'nowcast.manifest.json'))).rejects.toThrow(/soil_moisture_change_1h/);
  });
});
