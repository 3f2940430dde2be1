// Health (issue #10 part 2): what a snapshot costs (taken every minute for the status message
// and on every /metrics scrape) and what the status message costs on the satellite link.
//   health_snapshot_ms       one healthSnapshot of a five-sensor station (statfs, memoryUsage, store counts)
//   health_openmetrics_ms    snapshot + renderOpenMetrics (a /metrics scrape)
//   status_message_bytes     the retained status body as published (JSON), five sensors
//   status_wire_bytes_per_day one status a minute, MQTT 5 framing counted
//   openmetrics_bytes        the /metrics body, five sensors
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../core/index.ts';
import { validateConfig } from '../gateway/config/load.ts';
import { healthSnapshot, renderOpenMetrics, statusBody, type HealthSource } from '../gateway/health/index.ts';
import { createLogger } from '../gateway/log.ts';
import { openDatabase, Outbox } from '../gateway/store/index.ts';
import { StoreQuota } from '../gateway/store/quota.ts';
import { TimeSync } from '../gateway/time/sync.ts';
import { publishBytes } from '../gateway/uplink/budget.ts';

const SENSORS = ['wxt530', 'ptb330', 'rg15', 'windsonic', 'met'];

export function benchHealth(): Record<string, number> {
  const dir = mkdtempSync(join(tmpdir(), 'bonin-bench-health-'));
  try {
    const clock = new ManualClock(Date.UTC(2026, 11, 1));
    const log = createLogger({ level: 'silent' });
    const config = validateConfig({
      station: { id: '0-392-0-47971', name: 'Chichijima', latitude: 27.09, longitude: 142.19, elevation_m: 3 },
      storage: { path: join(dir, 'station.db'), quota_mb: 200 },
      uplink: { broker: 'mqtt://127.0.0.1:1883' },
      sensors: [{ id: 'wxt530', type: 'vaisala-wxt530', port: '/dev/ttyUSB0' }],
      nowcast: { enabled: false },
    });
    const db = openDatabase(config.storage.path);
    const time = new TimeSync({ base: clock, systemBacked: false, monotonic: () => clock.now(), log });
    const g: HealthSource = {
      config, time, startedMono: time.mono() - 86_400_000,
      health: () => SENSORS.map((id, i) => ({ id, state: 'open', lines: 86_400 + i, observations: 500_000 + i, rejections: i, reconnects: i, lastObservationAt: clock.now() - 1000 * i })),
      outbox: new Outbox(db, config.station.id),
      uplink: { connected: true, lastAckAt: clock.now() - 12_000, stats: { reconnects: 3, messages: 1440, bytes: 987_654, heldByBudget: 0 }, figures: () => ({ in_flight: 1 }) },
      quota: new StoreQuota(db, { quotaBytes: 200 * 1024 * 1024, clock, log }),
      nowcast: { summary: () => ({ model: '2026.11.1' }) },
      stationTime: { uncertain: () => 0 },
    };
    const n = 2000;
    let t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) healthSnapshot(g);
    const snapshotMs = Number(process.hrtime.bigint() - t0) / 1e6 / n;
    t0 = process.hrtime.bigint();
    let text = '';
    for (let i = 0; i < n; i++) text = renderOpenMetrics(healthSnapshot(g));
    const metricsMs = Number(process.hrtime.bigint() - t0) / 1e6 / n;
    const status = JSON.stringify({ v: 1, station: config.station.id, state: 'online', ts: clock.now(), ...statusBody(healthSnapshot(g)) });
    const bytes = Buffer.byteLength(status);
    db.close();
    return {
      health_snapshot_ms: Math.round(snapshotMs * 1000) / 1000,
      health_openmetrics_ms: Math.round(metricsMs * 1000) / 1000,
      status_message_bytes: bytes,
      status_wire_bytes_per_day: publishBytes(`bonin/v1/${config.station.id}/status`, bytes, 5) * 1440,
      openmetrics_bytes: Buffer.byteLength(text),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) process.stdout.write(`${JSON.stringify(benchHealth())}\n`);
