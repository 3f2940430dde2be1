// The whole chain on a tiny synthetic network (never the real training, which takes
// minutes): train → ensemble → .tflite + manifest → NowcastModel in LiteRT forecasts what
// the tfjs network forecasts, in forecast units.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { type HourlySeries } from './data.ts';
import { FEATURES, REGRESSION_OUTPUTS, featuresAt } from './features.ts';
import { NowcastModel } from './nowcast.ts';
import { trainNowcast } from './train.ts';

function station(name: string, phase: number): HourlySeries {
  const n = 50 * 24;
  const f = (g: (i: number) => number) => Float64Array.from({ length: n }, (_, i) => g(i));
  return {
    station: name,
    start: Date.UTC(2013, 0, 1),
    temperature: f((i) => 10 + 5 * Math.sin((2 * Math.PI * (i + phase)) / 24) + Math.sin(i / 37)),
    dewPoint: f((i) => 5 + Math.sin(i / 50)),
    pressure: f((i) => 1012 + 8 * Math.sin(i / 60)),
    windSpeed: f((i) => 4 + 2 * Math.sin(i / 13)),
    windFrom: f((i) => (i * 7) % 360),
    precip: f((i) => (i % 31 < 3 ? 0.5 : 0)),
    localHour: f((i) => i % 24),
  };
}

describe('trainNowcast → export → NowcastModel', () => {
  it('the exported model in LiteRT forecasts what the trained tfjs network forecasts', async () => {
    const series = [station('A', 0), station('B', 3)];
    const epochsSeen: number[] = [];
    const t = await trainNowcast(series, {
      fromMs: Date.UTC(2013, 0, 1), toMs: Date.UTC(2013, 1, 19), validationDays: 7, hidden: [8], epochs: 2, members: 2,
      onEpoch: (e) => epochsSeen.push(e.epoch),
    });
    expect(epochsSeen).toEqual([1, 2, 1, 2]);
    expect(t.manifest.input.features.map((f) => f.name)).toEqual(FEATURES.map((f) => f.name));
    expect(t.manifest.architecture.hidden).toEqual([{ units: 16, activation: 'relu' }]);
    // The wind change is shrunk per horizon by a factor fitted on the early-stopping days, folded into the scale.
    const shrink = t.manifest.training.wind_shrink as Record<string, { factor: number; validation_mae: number; validation_mae_unshrunk: number }>;
    expect(Object.keys(shrink)).toEqual(['1h', '3h', '6h']);
    for (const f of Object.values(shrink)) {
      expect(f.factor).toBeGreaterThanOrEqual(0.5);
      expect(f.factor).toBeLessThanOrEqual(1);
      expect(f.validation_mae).toBeLessThanOrEqual(f.validation_mae_unshrunk);
    }
    const dir = mkdtempSync(join(tmpdir(), 'bonin-train-'));
    writeFileSync(join(dir, 'nowcast.tflite'), t.tflite);
    writeFileSync(join(dir, 'nowcast.manifest.json'), JSON.stringify(t.manifest));
    const model = await NowcastModel.load(join(dir, 'nowcast.manifest.json'));
    const s = series[1]!;
    for (const i of [24 * 45, 24 * 45 + 7]) {
      const got = await model.predict(s, i);
      const want = tf.tidy(() => (t.net.predict(tf.tensor2d(t.normalise(featuresAt(s, i)!), [1, FEATURES.length])) as tf.Tensor[]).map((x) => x.dataSync()));
      REGRESSION_OUTPUTS.forEach((o, k) => {
        const now = s[o.key][i]!;
        const expected = now + want[0]![k]! * t.manifest.outputs.change.items[k]!.scale;
        expect(got!.values[k]!.value).toBeCloseTo(o.quantity === 'wind_speed' ? Math.max(0, expected) : expected, 4);
      });
      expect(got!.rain_probability).toBeCloseTo(want[1]![0]!, 5);
    }
    model.close();
  });
});
