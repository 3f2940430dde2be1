// nowcast_load_ms, nowcast_p99_ms, nowcast_rss_mb: the shipped model in LiteRT. Measured in a
// child process of its own, so the RSS is that of a process holding the runtime and the model
// (what the gateway adds), not of the bench's other work. Inference = one station hour:
// building the inputs from the hourly series, normalising, running, turning outputs back
// into values (NowcastModel.predict), as the gateway will call it. The child runs with the
// station's V8 flags (core/node-flags.ts), as `bonin run` does.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { STATION_NODE_FLAGS } from '../core/node-flags.ts';

export interface NowcastFigures { nowcast_load_ms: number; nowcast_p50_ms: number; nowcast_p99_ms: number; nowcast_loadavg_1min: number; nowcast_rss_mb: number; nowcast_rss_before_load_mb: number; nowcast_runs: number }

async function measure(runs = 5000): Promise<NowcastFigures> {
  const { parseHourlyCsv } = await import('../edge-model/data.ts');
  const { NowcastModel } = await import('../edge-model/nowcast.ts');
  const csv = fileURLToPath(new URL('../../shared/data/nyc-2013-hourly.csv', import.meta.url));
  // One station, September–October: the history the measured hours need, and no more heap.
  const lines = readFileSync(csv, 'utf8').split('\n');
  const series = parseHourlyCsv([lines[0], ...lines.filter((l) => /^JFK,2013,(9|10),/.test(l))].join('\n'));
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.(); // the CSV's parse garbage is not the model's
  const rssBefore = process.memoryUsage().rss / 2 ** 20;
  const t0 = performance.now();
  const model = await NowcastModel.load(); // includes the LiteRT runtime's first load
  const loadMs = performance.now() - t0;
  const s = series.find((x) => x.station === 'JFK')!;
  const hours: number[] = [];
  for (let i = (Date.UTC(2013, 9, 1) - s.start) / 3_600_000; i < s.temperature.length && hours.length < 500; i++) if (model.inputsAt(s, i)) hours.push(i);
  for (let k = 0; k < 200; k++) await model.predict(s, hours[k % hours.length]!); // warm-up
  // Wall time, what the gateway waits. On a shared machine its tail is mostly the scheduler:
  // the 1-minute load average is kept beside it so a reader can tell a busy run.
  const times = new Float64Array(runs);
  for (let k = 0; k < runs; k++) {
    const t = performance.now();
    await model.predict(s, hours[k % hours.length]!);
    times[k] = performance.now() - t;
  }
  times.sort();
  const round = (v: number, d = 3) => Math.round(v * 10 ** d) / 10 ** d;
  gc?.();
  const rss = process.memoryUsage().rss / 2 ** 20;
  model.close();
  return { nowcast_load_ms: round(loadMs, 1), nowcast_p50_ms: round(times[Math.floor(runs * 0.5)]!), nowcast_p99_ms: round(times[Math.floor(runs * 0.99)]!), nowcast_loadavg_1min: round(loadavg()[0]!, 2), nowcast_rss_mb: round(rss, 1), nowcast_rss_before_load_mb: round(rssBefore, 1), nowcast_runs: runs };
}

/** Runs the measurement in a fresh Node process (tsx loader, the station's V8 flags) and returns its figures. */
export function benchNowcast(): NowcastFigures {
  const out = execFileSync(process.execPath, ['--expose-gc', ...STATION_NODE_FLAGS, '--import', 'tsx', fileURLToPath(import.meta.url), '--child'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  return JSON.parse(out.trim().split('\n').at(-1)!) as NowcastFigures;
}

if (process.argv.includes('--child')) process.stdout.write(`${JSON.stringify(await measure())}\n`);
