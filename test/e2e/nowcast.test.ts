// The nowcast end to end (issue #7): a gateway whose database holds a week of hourly
// aggregates (JFK's, from the shared NYC data, moved to end at the current hour) runs the
// shipped model in LiteRT and publishes a nowcast that a real Mosquitto delivers to the
// reference receiver, which stores it. A broken model file is refused and the station keeps
// sending its minute records.
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ScaledClock } from '../../core/index.ts';
import { parseHourlyCsv, type HourlySeries } from '../../edge-model/data.ts';
import { SHIPPED_MANIFEST, SHIPPED_MODEL_DIR } from '../../edge-model/nowcast.ts';
import { validateConfig } from '../../gateway/config/load.ts';
import { createLogger } from '../../gateway/log.ts';
import { StationGateway } from '../../gateway/pipeline/station.ts';
import { startSatelliteLink } from '../../hw-sim/link/satellite-link.ts';
import type { Db } from '../../gateway/store/index.ts';
import { STATION, startRig } from '../helpers/station.ts';
import { waitFor } from '../helpers/wait.ts';

const HOUR = 3_600_000;
const HISTORY_HOURS = 200;
const NYC = new URL('../../../shared/data/nyc-2013-hourly.csv', import.meta.url);

/** The first HISTORY_HOURS-hour stretch of JFK with temperature, dew point, pressure and wind in every hour. */
function jfkStretch(): { s: HourlySeries; first: number } {
  const s = parseHourlyCsv(readFileSync(NYC, 'utf8')).find((x) => x.station === 'JFK')!;
  let run = 0;
  for (let i = 0; i < s.temperature.length; i++) {
    const ok = [s.temperature, s.dewPoint, s.pressure, s.windSpeed].every((a) => Number.isFinite(a[i]));
    run = ok ? run + 1 : 0;
    if (run === HISTORY_HOURS) return { s, first: i - HISTORY_HOURS + 1 };
  }
  throw new Error('no complete stretch of JFK');
}

/** Writes JFK's hours as the gateway's hourly aggregates, the last one being the hour ending at `end`. */
function seedHistory(db: Db, end: number): void {
  const { s, first } = jfkStretch();
  const ins = db.prepare("INSERT OR REPLACE INTO aggregates (period, sensor, ts, record) VALUES ('1h', 'wxt530', ?, ?)");
  const g = (v: number) => ({ v, f: 'good', n: 60 });
  db.transaction(() => {
    for (let k = 0; k < HISTORY_HOURS; k++) {
      const i = first + k;
      const ts = end - (HISTORY_HOURS - k) * HOUR; // start of the hour (the series' index is its end)
      const values: Record<string, unknown> = {
        air_temperature: g(s.temperature[i]!), dew_point_temperature: g(s.dewPoint[i]!), air_pressure_at_mean_sea_level: g(s.pressure[i]!),
        wind_speed: g(s.windSpeed[i]!),
      };
      if (Number.isFinite(s.windFrom[i])) values.wind_from_direction = g(s.windFrom[i]!);
      if (Number.isFinite(s.precip[i])) values.precipitation_amount = g(s.precip[i]!);
      ins.run(ts, JSON.stringify({ period: '1h', ts, sensor: 'wxt530', values }));
    }
  })();
}

const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

async function station(nowcast: Record<string, unknown>) {
  // Five minutes into an hour: the seeded history's last hour stays the current one for the test's runs.
  const clock = new ScaledClock({ speed: 30, origin: Math.floor(Date.now() / HOUR) * HOUR + 5 * 60_000 });
  const rig = await startRig(clock);
  cleanup.push(() => rig.stop());
  const config = validateConfig({ ...rig.config, nowcast });
  const gateway = new StationGateway(config, clock, createLogger({ level: 'silent' }));
  cleanup.push(() => gateway.stop());
  seedHistory(gateway.db, Math.floor(clock.now() / HOUR) * HOUR);
  return { clock, rig, gateway };
}

describe('nowcast end to end (real LiteRT, real Mosquitto)', () => {
  it('a gateway with a week of hourly history publishes a nowcast; the receiver stores it', async () => {
    const { rig, gateway } = await station({ every_min: 2 });
    gateway.start();
    await waitFor('a nowcast at the receiver', () => rig.receiver.nowcasts.list(STATION).length > 0, 30_000);
    const [got] = rig.receiver.nowcasts.list(STATION);
    const [stored] = gateway.nowcast!.store.all();
    expect(got).toEqual(JSON.parse(stored!.payload));
    expect(got!.values).toHaveLength(9);
    expect(got!.values.map((v) => `${v.quantity}+${v.horizon_h}`)).toContain('air_temperature+3');
    for (const v of got!.values) expect(Number.isFinite(v.value)).toBe(true);
    const t0 = got!.values.find((v) => v.quantity === 'air_temperature' && v.horizon_h === 1)!.value;
    expect(t0).toBeGreaterThan(-30);
    expect(t0).toBeLessThan(45);
    expect(gateway.nowcast!.summary()).toMatchObject({ state: 'ready', made: 1 });
    await waitFor('the PUBACK marks it sent', () => gateway.nowcast!.store.unsent(10).length === 0);
  });

  it('a model that fails its sha256 is refused; the station keeps publishing minute records', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bonin-nowcast-e2e-'));
    const manifest = JSON.parse(readFileSync(SHIPPED_MANIFEST, 'utf8')) as { model_file: string };
    writeFileSync(join(dir, 'm.json'), JSON.stringify(manifest));
    copyFileSync(join(SHIPPED_MODEL_DIR, manifest.model_file), join(dir, manifest.model_file));
    const bytes = readFileSync(join(dir, manifest.model_file));
    bytes[100]! ^= 0x55;
    writeFileSync(join(dir, manifest.model_file), bytes);

    const { clock, rig, gateway } = await station({ every_min: 1, model: join(dir, 'm.json') });
    gateway.start();
    await waitFor('the model refused', () => gateway.nowcast!.summary().state === 'refused', 30_000);
    expect(gateway.nowcast!.summary().last_reason).toContain('sha256');
    // Minutes that started after the refusal reach the receiver: the station runs on.
    const refusedAt = clock.now();
    const after = () => (rig.receiver.store.db.prepare('SELECT count(*) AS n FROM records WHERE station = ? AND ts > ?').get(STATION, refusedAt) as { n: number }).n;
    await waitFor('two minute records made after the refusal at the receiver', () => after() >= 2, 30_000);
    expect(rig.receiver.nowcasts.list(STATION)).toEqual([]);
    expect(gateway.nowcast!.store.all()).toEqual([]);
  });

  it('a nowcast made while the link is down is kept and delivered when the link comes back', async () => {
    // The receiver stays subscribed on the broker; the station reaches it through a link that
    // starts down. (A broker started late races the receiver's subscription: a QoS 1 nowcast
    // published before anyone subscribes is lost — the outbox's end-to-end ack is not on this path.)
    const clock = new ScaledClock({ speed: 30, origin: Math.floor(Date.now() / HOUR) * HOUR + 5 * 60_000 });
    const rig = await startRig(clock);
    cleanup.push(() => rig.stop());
    const link = await startSatelliteLink({ target: { host: '127.0.0.1', port: rig.broker.port }, clock, bitsPerSecond: 512_000 });
    cleanup.push(() => link.stop());
    link.setDown(true);
    const config = validateConfig({ ...rig.config, nowcast: { every_min: 2 }, uplink: { ...rig.config.uplink, broker: link.url } });
    const gateway = new StationGateway(config, clock, createLogger({ level: 'silent' }));
    cleanup.push(() => gateway.stop());
    seedHistory(gateway.db, Math.floor(clock.now() / HOUR) * HOUR);
    gateway.start();
    await waitFor('a nowcast made offline', () => gateway.nowcast!.store.all().length > 0, 30_000);
    expect(gateway.nowcast!.store.unsent(10)).toHaveLength(1);
    link.setDown(false);
    await waitFor('the nowcast at the receiver', () => rig.receiver.nowcasts.list(STATION).length > 0, 30_000);
    expect(rig.receiver.nowcasts.list(STATION)[0]).toEqual(JSON.parse(gateway.nowcast!.store.all()[0]!.payload));
    await waitFor('marked sent', () => gateway.nowcast!.store.unsent(10).length === 0);
  });
});
