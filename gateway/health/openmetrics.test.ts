import { describe, expect, it } from 'vitest';
import { renderOpenMetrics } from './openmetrics.ts';
import type { HealthSnapshot } from './snapshot.ts';
import { statusBody } from './status.ts';
import { parseOpenMetrics } from '../../test/helpers/openmetrics.ts';

const snapshot: HealthSnapshot = {
  station: '0-392-0-47971', at: Date.UTC(2026, 11, 1, 12), uptime_s: 86_400, boot_id: '3f2a9c1e-4b7d-4c1e-9a2b-1234567890ab', software: '0.1.0', model: 'nowcast-2026.11 "b"',
  sensors: [
    { id: 'wxt530', type: 'vaisala-wxt530', state: 'open', last_value_age_s: 0.8, lines: 86_000, observations: 400_000, rejections: 3, reconnects: 1 },
    { id: 'rg15', type: 'hydreon-rg15', state: 'connecting', last_value_age_s: null, lines: 0, observations: 0, rejections: 0, reconnects: 0 },
  ],
  queue: { batches: 2, records: 3, oldest_unsent_age_s: 95.5 },
  link: { up: true, last_ack_age_s: 12.3, reconnects: 4, messages: 1500, bytes: 123_456, held_by_budget: 0, in_flight: 1 },
  disk: { free_bytes: 7_000_000_000, total_bytes: 30_000_000_000, store_bytes: 52_000_000, quota_bytes: 200 * 1024 * 1024, quota_used_bytes: 50_000_000, evicted_rows: 0, damaged_blocks: 0 },
  memory: { rss_bytes: 90_000_000, heap_used_bytes: 30_000_000, heap_total_bytes: 40_000_000 },
  clock: { synchronised: true, source: 'gnss', offset_ms: -1_234_567, since: Date.UTC(2026, 11, 1, 11, 58), boot_id: '3f2a9c1e', floor: Date.UTC(2026, 10, 25), uncertain_readings: 7 },
  cameras: [{ id: 'cam-east', state: 'online', last_frame_age_s: 412, frames: 30 }, { id: 'cam-west', state: 'auth-failed', last_frame_age_s: null, frames: 0 }],
};

describe('OpenMetrics rendering', () => {
  const families = parseOpenMetrics(renderOpenMetrics(snapshot));
  const value = (family: string, labels: Record<string, string> = {}) => {
    const f = families.get(family);
    if (!f) throw new Error(`no family ${family}`);
    const s = f.samples.filter((x) => Object.entries(labels).every(([k, v]) => x.labels[k] === v));
    if (s.length !== 1) throw new Error(`${s.length} samples of ${family} with ${JSON.stringify(labels)}`);
    return s[0]!.value;
  };

  it('parses strictly: every family typed, helped, unit-suffixed, counters as _total, ends with # EOF', () => {
    expect(families.size).toBeGreaterThan(20);
    for (const [name, f] of families) {
      expect(name.startsWith('bonin_')).toBe(true);
      if (/_(seconds|bytes)$/.test(name) && !name.endsWith('_timestamp_seconds')) expect(f.unit, name).toBeDefined();
      for (const s of f.samples) expect(s.labels.station).toBe(snapshot.station);
    }
  });

  it('carries the snapshot values', () => {
    expect(value('bonin_uptime_seconds')).toBe(86_400);
    expect(value('bonin_sensor_up', { sensor: 'wxt530' })).toBe(1);
    expect(value('bonin_sensor_up', { sensor: 'rg15' })).toBe(0);
    expect(value('bonin_sensor_last_value_age_seconds', { sensor: 'wxt530' })).toBe(0.8);
    expect(families.get('bonin_sensor_last_value_age_seconds')!.samples.map((s) => s.labels.sensor)).toEqual(['wxt530']); // never spoke: no sample
    expect(value('bonin_sensor_lines', { sensor: 'wxt530' })).toBe(86_000);
    expect(value('bonin_sensor_rejections', { sensor: 'wxt530' })).toBe(3);
    expect(value('bonin_sensor_reconnects', { sensor: 'wxt530' })).toBe(1);
    expect(value('bonin_queue_batches')).toBe(2);
    expect(value('bonin_queue_records')).toBe(3);
    expect(value('bonin_queue_oldest_unsent_age_seconds')).toBe(95.5);
    expect(value('bonin_link_up')).toBe(1);
    expect(value('bonin_link_last_ack_age_seconds')).toBe(12.3);
    expect(value('bonin_link_reconnects')).toBe(4);
    expect(value('bonin_camera_up', { camera: 'cam-east' })).toBe(1);
    expect(value('bonin_camera_up', { camera: 'cam-west', state: 'auth-failed' })).toBe(0);
    expect(value('bonin_camera_last_frame_age_seconds', { camera: 'cam-east' })).toBe(412);
    expect(families.get('bonin_camera_last_frame_age_seconds')!.samples.map((s) => s.labels.camera)).toEqual(['cam-east']); // no frame yet: no sample
    expect(value('bonin_camera_frames', { camera: 'cam-west' })).toBe(0);
    expect(value('bonin_link_sent_bytes')).toBe(123_456);
    expect(value('bonin_disk_free_bytes')).toBe(7_000_000_000);
    expect(value('bonin_store_file_bytes')).toBe(52_000_000);
    expect(value('bonin_store_quota_bytes')).toBe(200 * 1024 * 1024);
    expect(value('bonin_store_used_bytes')).toBe(50_000_000);
    expect(value('bonin_memory_rss_bytes')).toBe(90_000_000);
    expect(value('bonin_clock_synchronised', { source: 'gnss' })).toBe(1);
    expect(value('bonin_clock_offset_seconds')).toBe(-1234.567);
    expect(value('bonin_clock_uncertain_readings')).toBe(7);
    expect(value('bonin_clock_synchronised_since_timestamp_seconds')).toBe(snapshot.clock.since! / 1000);
    const info = families.get('bonin_build')!.samples[0]!;
    expect(info.labels).toMatchObject({ version: '0.1.0', model: 'nowcast-2026.11 "b"', boot_id: snapshot.boot_id });
  });

  it('an unsynchronised clock says so, with no offset sample', () => {
    const f = parseOpenMetrics(renderOpenMetrics({ ...snapshot, clock: { ...snapshot.clock, synchronised: false, source: null, offset_ms: null, since: null } }));
    expect(f.get('bonin_clock_synchronised')!.samples).toEqual([{ name: 'bonin_clock_synchronised', labels: { station: snapshot.station, source: 'none' }, value: 0 }]);
    expect(f.get('bonin_clock_offset_seconds')!.samples).toEqual([]);
  });
});

describe('status body', () => {
  it('is compact and carries the same figures', () => {
    const body = statusBody(snapshot);
    expect(Buffer.byteLength(JSON.stringify(body))).toBeLessThan(600);
    expect(body.sensors.wxt530).toEqual(['open', 1, 86_000, 3, 1]);
    expect(body.queue).toEqual({ batches: 2, records: 3, oldest_s: 96 });
    expect(body.clock).toEqual({ sync: true, src: 'gnss', off_ms: -1_234_567, since: snapshot.clock.since, unc: 7 });
    expect(body.disk.quota_pct).toBe(23.8);
  });
});
