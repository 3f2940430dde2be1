// The gateway's nowcast runner on the real LiteRT model with a ManualClock and a synthetic
// hourly history written to the `aggregates` table as the minute closer would.
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/index.ts';
import { SHIPPED_MANIFEST, SHIPPED_MODEL_DIR } from '../../edge-model/nowcast.ts';
import type { PeriodAggregate } from '../aggregate/period.ts';
import { openDatabase, unpackJson } from '../store/index.ts';
import { NowcastRunner, type NowcastMessage, type NowcastRunnerOptions } from './nowcast.ts';
import { memoryLog, seedHours } from './nowcast-test-helpers.ts';

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 0, 10, 0, 0); // a whole hour

/** Let a run's promise finish (a run on a short history does no I/O). */
const settle = () => new Promise((r) => setImmediate(r));

let runners: NowcastRunner[] = [];
afterEach(async () => {
  for (const r of runners) await r.stop();
  runners = [];
});

function rig(opts: Partial<NowcastRunnerOptions> = {}, start = T0 + 5 * 60_000) {
  const clock = new ManualClock(start);
  const db = openDatabase(':memory:');
  const { log, lines } = memoryLog();
  const sent: NowcastMessage[] = [];
  const runner = new NowcastRunner({
    db, clock, log, station: { id: 'TEST-1', longitude: 142.19 },
    send: (body, done) => { sent.push(JSON.parse(body)); done(true); return true; },
    ...opts,
  });
  runners.push(runner);
  return { clock, db, runner, sent, lines };
}

describe('NowcastRunner', () => {
  it('runs at each multiple of every_min (+30 s), and withholds with one warning an hour when history is short', async () => {
    const { clock, db, runner, lines } = rig({ everyMin: 10 });
    seedHours(db, T0 - 3 * HOUR, T0); // 3 hours: far short of the model's window
    runner.start();
    clock.advance(5 * 60_000); // 00:10:00
    expect(runner.stats.runs).toBe(0);
    clock.advance(30_000); // 00:10:30
    expect(runner.stats.runs).toBe(1);
    for (let k = 0; k < 5; k++) { await settle(); clock.advance(10 * 60_000); } // 00:20:30 … 01:00:30
    expect(runner.stats.runs).toBe(6);
    expect(runner.stats.withheld).toBe(6);
    expect(runner.stats.made).toBe(0);
    expect(runner.summary().state).toBe('idle'); // never loaded: LiteRT stays out of a short-history station
    expect(lines.filter((l) => l.msg === 'nowcast: withheld')).toHaveLength(1);
    expect(db.prepare('SELECT COUNT(*) AS n FROM nowcasts').get()).toEqual({ n: 0 });
  });

  it('every_min changes the period', async () => {
    const { clock, runner } = rig({ everyMin: 15 });
    runner.start();
    for (let k = 0; k < 4; k++) { clock.advance(15 * 60_000); await settle(); } // to 01:05
    expect(runner.stats.runs).toBe(4); // 00:15:30, 00:30:30, 00:45:30, 01:00:30
  });

  it('makes, stores and sends one nowcast per hour of inputs from a week of hourly aggregates', async () => {
    const { clock, db, runner, sent } = rig();
    seedHours(db, T0 - 200 * HOUR, T0);
    const out = await runner.run();
    expect('made' in out).toBe(true);
    const stored = runner.store.all();
    expect(stored).toHaveLength(1);
    expect(stored[0]!.ts).toBe(T0);
    expect(stored[0]!.sent).toBe(clock.now());
    const msg = JSON.parse(stored[0]!.payload) as NowcastMessage;
    expect(sent).toEqual([msg]);
    expect(msg.station).toBe('TEST-1');
    expect(msg.values).toHaveLength(9);
    for (const v of msg.values) expect(Number.isFinite(v.value)).toBe(true);
    const t1 = msg.values.find((v) => v.quantity === 'air_temperature' && v.horizon_h === 1)!;
    expect(Math.abs(t1.value - 20)).toBeLessThan(6); // near the synthetic station's temperature, not a unit slip
    const p3 = msg.values.find((v) => v.quantity === 'air_pressure_at_mean_sea_level' && v.horizon_h === 3)!;
    expect(Math.abs(p3.value - 1013)).toBeLessThan(8);
    expect(msg.rain_probability).toBeGreaterThanOrEqual(0);
    expect(msg.rain_probability).toBeLessThanOrEqual(1);

    // The next runs in the same hour find it made: nothing new stored or sent.
    clock.advance(10 * 60_000);
    expect(await runner.run()).toEqual({ already: T0 });
    expect(sent).toHaveLength(1);

    // A new hour closes: a new nowcast.
    seedHours(db, T0, T0 + HOUR);
    clock.advance(HOUR);
    const next = await runner.run();
    expect('made' in next && next.made.ts).toBe(T0 + HOUR);
    expect(runner.store.all().map((n) => n.ts)).toEqual([T0, T0 + HOUR]);
    expect(sent).toHaveLength(2);

    // Sent nowcasts older than 30 days go when a new one is stored.
    db.prepare('UPDATE nowcasts SET ts = ts - ? WHERE ts = ?').run(31 * 24 * HOUR, T0);
    seedHours(db, T0 + HOUR, T0 + 2 * HOUR);
    clock.advance(HOUR);
    await runner.run();
    expect(runner.store.all().map((n) => n.ts)).toEqual([T0 + HOUR, T0 + 2 * HOUR]);
  });

  it('withholds (stores and sends nothing, never NaN) when the current hour has no usable temperature', async () => {
    const { db, runner, sent } = rig();
    seedHours(db, T0 - 200 * HOUR, T0);
    const row = db.prepare("SELECT record FROM aggregates WHERE ts = ?").get(T0 - HOUR) as { record: Buffer };
    const agg = unpackJson<PeriodAggregate>(row.record);
    agg.values.air_temperature = { v: 31, f: 'suspect', n: 60 };
    db.prepare("UPDATE aggregates SET record = ? WHERE ts = ?").run(JSON.stringify(agg), T0 - HOUR);
    const out = await runner.run();
    expect(out).toEqual({ withheld: expect.stringContaining('input is missing') });
    expect(runner.store.all()).toHaveLength(0);
    expect(sent).toHaveLength(0);
  });

  it('keeps a nowcast the uplink could not take and sends it when it can', async () => {
    let online = false;
    const sent: string[] = [];
    const { db, runner } = rig({ send: (body, done) => { if (!online) return false; sent.push(body); done(true); return true; } });
    seedHours(db, T0 - 200 * HOUR, T0);
    await runner.run();
    expect(runner.store.unsent(10)).toHaveLength(1);
    online = true;
    runner.sendPending();
    expect(sent).toHaveLength(1);
    expect(runner.store.unsent(10)).toHaveLength(0);
  });

  it('refuses a model whose .tflite fails its sha256, says so once, and runs on without nowcast', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bonin-nowcast-'));
    const manifest = JSON.parse(readFileSync(SHIPPED_MANIFEST, 'utf8')) as { model_file: string };
    writeFileSync(join(dir, 'nowcast.manifest.json'), JSON.stringify(manifest));
    copyFileSync(join(SHIPPED_MODEL_DIR, manifest.model_file), join(dir, manifest.model_file));
    const bytes = readFileSync(join(dir, manifest.model_file));
    bytes[bytes.length - 8]! ^= 0xff;
    writeFileSync(join(dir, manifest.model_file), bytes);
    const { db, runner, sent, lines } = rig({ model: join(dir, 'nowcast.manifest.json') });
    seedHours(db, T0 - 200 * HOUR, T0);
    expect(await runner.run()).toEqual({ refused: expect.stringContaining('sha256') });
    expect(await runner.run()).toEqual({ refused: expect.stringContaining('sha256') });
    expect(lines.filter((l) => l.msg.startsWith('nowcast: model refused'))).toHaveLength(1);
    expect(runner.summary().state).toBe('refused');
    expect(sent).toHaveLength(0);
  });
});
