// Health (issue #10 part 2) end to end: the retained status message and the OpenMetrics page
// of a running station say the same as its health snapshot; a gateway SIGKILLed leaves the
// broker its last will, so the retained status turns offline (real Mosquitto).
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import mqtt from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { ScaledClock, topics } from '../../core/index.ts';
import { validateConfig } from '../../gateway/config/load.ts';
import { createLogger } from '../../gateway/log.ts';
import { healthSnapshot } from '../../gateway/health/index.ts';
import { StationGateway } from '../../gateway/pipeline/station.ts';
import { startGatewayStatusPage } from '../../gateway/web/index.ts';
import { parseOpenMetrics } from '../helpers/openmetrics.ts';
import { STATION, startRig } from '../helpers/station.ts';
import { waitFor } from '../helpers/wait.ts';

const BONIN = resolve(dirname(fileURLToPath(import.meta.url)), '../../bin/bonin.js');
const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

/** Every status message on the station's topic (the retained one first), as a subscriber sees them. */
async function watchStatus(url: string) {
  const seen: Array<Record<string, unknown> & { retained: boolean }> = [];
  const c = await mqtt.connectAsync(url, { clientId: `status-watch-${Math.random().toString(16).slice(2)}` });
  c.on('message', (_t, payload, packet) => seen.push({ ...(JSON.parse(payload.toString()) as Record<string, unknown>), retained: packet.retain }));
  await c.subscribeAsync(topics(STATION).status, { qos: 1 });
  cleanup.push(() => c.endAsync(true));
  return seen;
}

describe('station health (real Mosquitto)', () => {
  it('retained status and /metrics carry the snapshot: sensors, queue, link, disk, memory, clock', async () => {
    const clock = new ScaledClock({ speed: 30 });
    const rig = await startRig(clock);
    cleanup.push(() => rig.stop());
    // the status page off: /metrics alone on its host and port, as `bonin run` starts it
    const config = validateConfig({ ...rig.config, nowcast: { enabled: false }, status_page: { enabled: false, host: '127.0.0.1', port: 0 } });
    const gateway = new StationGateway(config, clock, createLogger({ level: 'silent' }));
    cleanup.push(() => gateway.stop());
    const seen = await watchStatus(rig.broker.url);
    gateway.start();
    const metrics = (await startGatewayStatusPage(gateway, clock, createLogger({ level: 'silent' })))!;
    cleanup.push(() => metrics.close());
    expect(metrics.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    await clock.sleep(2 * 60_000 + 5000);
    await waitFor('a minute acked', () => gateway.uplink.lastAckAt !== null);
    // (the rig's PTY idle timeout, 1/3 s real at 30×, can catch the port reopening on a loaded machine: take a status with it open)
    const ready = (s: Record<string, unknown>) => s.state === 'online' && (s.up_s as number) >= 60 && (s.sensors as Record<string, string[]>).wxt530?.[0] === 'open';
    await waitFor('a status after the first minute, the sensor open', () => seen.some(ready), 60_000);

    const status = seen.filter(ready).at(-1)!;
    expect(Buffer.byteLength(JSON.stringify(status))).toBeLessThan(700); // it crosses a satellite link every minute
    expect(status).toMatchObject({ v: 1, station: STATION, boot: gateway.time.bootId.slice(0, 8), clock: { sync: true, src: 'assumed' } });
    const sensor = (status.sensors as Record<string, [string, number, number, number, number]>).wxt530!;
    expect(sensor[0]).toBe('open');
    expect(sensor[1]).toBeLessThan(30);
    expect(sensor[2]).toBeGreaterThan(100);
    expect((status.disk as { free_mb: number }).free_mb).toBeGreaterThan(1);
    expect((status.mem as { rss_mb: number }).rss_mb).toBeGreaterThan(10);

    const res = await fetch(metrics.url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/openmetrics-text; version=1\.0\.0/);
    let families = parseOpenMetrics(await res.text());
    const one = (name: string) => families.get(name)!.samples[0]!.value;
    // The PTY's idle timeout (10 clock-s, 1/3 s real at 30×) can catch the port reopening on a
    // loaded machine: read again until the port and the link are both up.
    await waitFor('sensor and link up in /metrics', async () => {
      families = parseOpenMetrics(await (await fetch(metrics.url)).text());
      return one('bonin_sensor_up') === 1 && one('bonin_link_up') === 1;
    }, 20_000, 200);
    const snap = healthSnapshot(gateway);
    expect(one('bonin_sensor_lines')).toBeGreaterThan(100);
    expect(one('bonin_sensor_lines')).toBeLessThanOrEqual(snap.sensors[0]!.lines);
    expect(one('bonin_sensor_up')).toBe(1);
    expect(one('bonin_link_up')).toBe(1);
    expect(one('bonin_link_last_ack_age_seconds')).toBeLessThan(120);
    expect(one('bonin_disk_free_bytes')).toBeGreaterThan(1e6);
    expect(one('bonin_store_file_bytes')).toBeGreaterThan(0);
    expect(one('bonin_memory_rss_bytes')).toBeGreaterThan(1e7);
    expect(families.get('bonin_clock_synchronised')!.samples[0]!).toMatchObject({ labels: { source: 'assumed' }, value: 1 });
    expect((await fetch(metrics.url.replace('/metrics', '/other'))).status).toBe(404);
  });

  it('uplink.status_every_s spaces the status messages (a satellite link may be paid by the byte)', async () => {
    const clock = new ScaledClock({ speed: 60 });
    const rig = await startRig(clock);
    cleanup.push(() => rig.stop());
    const config = validateConfig({ ...rig.config, nowcast: { enabled: false }, uplink: { ...rig.config.uplink, status_every_s: 180 } });
    const gateway = new StationGateway(config, clock, createLogger({ level: 'silent' }));
    cleanup.push(() => gateway.stop());
    const seen = await watchStatus(rig.broker.url);
    gateway.start();
    await clock.sleep(7 * 60_000 + 5000);
    const online = seen.filter((s) => !s.retained && s.state === 'online').map((s) => s.ts as number);
    // one at connect, then one every 3 minutes: 3 in 7 minutes, where one a minute gives 8
    expect(online.length).toBeGreaterThanOrEqual(2);
    expect(online.length).toBeLessThanOrEqual(4);
    online.slice(2).forEach((t, i) => expect(t - online[i + 1]!).toBeGreaterThanOrEqual(170_000));
  });

  it('a gateway SIGKILLed: its last will turns the retained status offline', async () => {
    const clock = new ScaledClock({ speed: 30 });
    const rig = await startRig(clock);
    cleanup.push(() => rig.stop());
    const configPath = join(rig.dir, 'station-health.json');
    writeFileSync(configPath, JSON.stringify({ ...rig.config, nowcast: { enabled: false } }));
    const seen = await watchStatus(rig.broker.url);
    const gw: ChildProcess = spawn(process.execPath, [BONIN, 'run', '--config', configPath, '--clock', clock.toSpec()], { stdio: ['ignore', 'ignore', 'pipe'] });
    gw.stderr!.on('data', () => {});
    cleanup.push(() => { gw.kill('SIGKILL'); });
    await waitFor('the gateway to say it is online', () => seen.some((s) => s.state === 'online'), 30_000);

    gw.kill('SIGKILL');
    await waitFor('the broker to publish the last will', () => seen.some((s) => s.state === 'offline'), 30_000);
    expect(seen.find((s) => s.state === 'offline')).toMatchObject({ v: 1, station: STATION, state: 'offline', reason: 'connection lost' });
    // A subscriber arriving later (the central system after a restart) gets the retained offline.
    const later = await watchStatus(rig.broker.url);
    await waitFor('the retained status', () => later.length > 0, 10_000);
    expect(later[0]).toMatchObject({ state: 'offline', retained: true });
  });
});
