// The health snapshot as OpenMetrics text (application/openmetrics-text; version=1.0.0), for
// a Prometheus on the station's LAN. Rendered by hand: one pass over a snapshot taken on
// request, no registry state to keep in step (prom-client's registry wants to own the values).
// Names: bonin_<what>_<unit>; counters are exposed as <family>_total; a figure that is unknown
// (a sensor that never spoke, a link never acked) has no sample rather than a made-up value.
import type { HealthSnapshot } from './snapshot.ts';

export const OPENMETRICS_CONTENT_TYPE = 'application/openmetrics-text; version=1.0.0; charset=utf-8';

type Labels = Record<string, string>;
type Sample = [Labels, number | null];
interface Family { name: string; type: 'gauge' | 'counter' | 'info'; unit?: string; help: string; samples: Sample[] }

const esc = (v: string) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

function num(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}

function render(f: Family): string {
  const out = [`# TYPE ${f.name} ${f.type}`];
  if (f.unit) out.push(`# UNIT ${f.name} ${f.unit}`);
  out.push(`# HELP ${f.name} ${esc(f.help)}`);
  const sampleName = f.type === 'counter' ? `${f.name}_total` : f.type === 'info' ? `${f.name}_info` : f.name;
  for (const [labels, value] of f.samples) {
    if (value === null) continue;
    const l = Object.entries(labels).map(([k, v]) => `${k}="${esc(v)}"`).join(',');
    out.push(`${sampleName}${l ? `{${l}}` : ''} ${num(value)}`);
  }
  return out.join('\n');
}

/** The metric families and their samples, in the order they are rendered (docs/health.md lists them). */
export function metricFamilies(h: HealthSnapshot): Family[] {
  const st = { station: h.station };
  const per = <T>(xs: T[], label: (x: T) => Labels, v: (x: T) => number | null): Sample[] => xs.map((x) => [{ ...st, ...label(x) }, v(x)]);
  const sensor = (x: { id: string; type: string }) => ({ sensor: x.id, type: x.type });
  const c = h.clock;
  return [
    { name: 'bonin_build', type: 'info', help: 'Software and nowcast model versions, and the boot of the board.', samples: [[{ ...st, version: h.software, model: h.model ?? '', boot_id: h.boot_id }, 1]] },
    { name: 'bonin_uptime_seconds', type: 'gauge', unit: 'seconds', help: 'Seconds since the gateway started (monotonic).', samples: [[st, h.uptime_s]] },
    { name: 'bonin_sensor_up', type: 'gauge', help: '1 when the sensor port is open, 0 when connecting or closed.', samples: per(h.sensors, sensor, (x) => (x.state === 'open' ? 1 : 0)) },
    { name: 'bonin_sensor_last_value_age_seconds', type: 'gauge', unit: 'seconds', help: 'Seconds since the sensor last gave a value.', samples: per(h.sensors, sensor, (x) => x.last_value_age_s) },
    { name: 'bonin_sensor_lines', type: 'counter', help: 'Frames (lines, packets) received from the sensor since start.', samples: per(h.sensors, sensor, (x) => x.lines) },
    { name: 'bonin_sensor_observations', type: 'counter', help: 'Values the sensor gave since start.', samples: per(h.sensors, sensor, (x) => x.observations) },
    { name: 'bonin_sensor_rejections', type: 'counter', help: 'Frames or fields refused (checksum, garbled, out of format) since start.', samples: per(h.sensors, sensor, (x) => x.rejections) },
    { name: 'bonin_sensor_reconnects', type: 'counter', help: 'Times the sensor port was opened again after a loss since start.', samples: per(h.sensors, sensor, (x) => x.reconnects) },
    { name: 'bonin_queue_batches', type: 'gauge', help: 'Batches in the outbox not yet acknowledged by the central system.', samples: [[st, h.queue.batches]] },
    { name: 'bonin_queue_records', type: 'gauge', help: 'Records in those batches.', samples: [[st, h.queue.records]] },
    { name: 'bonin_queue_oldest_unsent_age_seconds', type: 'gauge', unit: 'seconds', help: 'Age of the oldest unacknowledged batch.', samples: [[st, h.queue.oldest_unsent_age_s]] },
    { name: 'bonin_link_up', type: 'gauge', help: '1 when connected to the broker.', samples: [[st, h.link.up ? 1 : 0]] },
    { name: 'bonin_link_last_ack_age_seconds', type: 'gauge', unit: 'seconds', help: 'Seconds since the central system last acknowledged a batch.', samples: [[st, h.link.last_ack_age_s]] },
    { name: 'bonin_link_reconnects', type: 'counter', help: 'Reconnects to the broker since start.', samples: [[st, h.link.reconnects]] },
    { name: 'bonin_link_messages', type: 'counter', help: 'Messages published since start.', samples: [[st, h.link.messages]] },
    { name: 'bonin_link_sent_bytes', type: 'counter', unit: 'bytes', help: 'Bytes on the wire published since start, MQTT framing counted.', samples: [[st, h.link.bytes]] },
    { name: 'bonin_link_held_by_budget', type: 'counter', help: 'Times sending waited for the byte budget since start.', samples: [[st, h.link.held_by_budget]] },
    { name: 'bonin_link_in_flight_batches', type: 'gauge', help: 'Batches sent and awaiting acknowledgement.', samples: [[st, h.link.in_flight]] },
    { name: 'bonin_disk_free_bytes', type: 'gauge', unit: 'bytes', help: 'Free bytes on the filesystem of the station database.', samples: [[st, h.disk.free_bytes]] },
    { name: 'bonin_disk_size_bytes', type: 'gauge', unit: 'bytes', help: 'Size of that filesystem.', samples: [[st, h.disk.total_bytes]] },
    { name: 'bonin_store_file_bytes', type: 'gauge', unit: 'bytes', help: 'Station database on disk (database, WAL and shared-memory files).', samples: [[st, h.disk.store_bytes]] },
    { name: 'bonin_store_used_bytes', type: 'gauge', unit: 'bytes', help: 'Bytes of data in the store, as the quota counts them.', samples: [[st, h.disk.quota_used_bytes]] },
    { name: 'bonin_store_quota_bytes', type: 'gauge', unit: 'bytes', help: 'The store quota (storage.quota_mb); absent without one.', samples: [[st, h.disk.quota_bytes]] },
    { name: 'bonin_store_evicted_rows', type: 'counter', help: 'Rows the quota or a full disk made the store give up, ever.', samples: [[st, h.disk.evicted_rows]] },
    { name: 'bonin_store_damaged_blocks', type: 'counter', help: 'Stored raw-reading blocks that failed their checksum when read (a failing SD card), since start; skipped, never read as values.', samples: [[st, h.disk.damaged_blocks]] },
    { name: 'bonin_memory_rss_bytes', type: 'gauge', unit: 'bytes', help: 'Resident set size of the gateway process.', samples: [[st, h.memory.rss_bytes]] },
    { name: 'bonin_memory_heap_used_bytes', type: 'gauge', unit: 'bytes', help: 'V8 heap in use.', samples: [[st, h.memory.heap_used_bytes]] },
    { name: 'bonin_clock_synchronised', type: 'gauge', help: '1 when the station time is known to be right; the source says how (system, gnss, ack, assumed).', samples: [[{ ...st, source: c.source ?? 'none' }, c.synchronised ? 1 : 0]] },
    { name: 'bonin_clock_offset_seconds', type: 'gauge', unit: 'seconds', help: 'True time minus the board clock at the last sync.', samples: [[st, c.offset_ms === null ? null : c.offset_ms / 1000]] },
    { name: 'bonin_clock_uncertain_readings', type: 'gauge', help: 'Readings stored without a known time (held until the time is known; another boot\'s for good).', samples: [[st, c.uncertain_readings]] },
    { name: 'bonin_camera_up', type: 'gauge', help: '1 when the camera answers (online), 0 when offline, refusing the password or failing.', samples: per(h.cameras, (x) => ({ camera: x.id, state: x.state }), (x) => (x.state === 'online' ? 1 : 0)) },
    { name: 'bonin_camera_last_frame_age_seconds', type: 'gauge', unit: 'seconds', help: 'Seconds since the camera\'s newest stored frame (absent: none since start).', samples: per(h.cameras, (x) => ({ camera: x.id }), (x) => x.last_frame_age_s) },
    { name: 'bonin_camera_frames', type: 'counter', help: 'Frames taken from the camera since start.', samples: per(h.cameras, (x) => ({ camera: x.id }), (x) => x.frames) },
    { name: 'bonin_clock_synchronised_since_timestamp_seconds', type: 'gauge', unit: 'seconds', help: 'When the time became known (Unix seconds).', samples: [[st, c.since === null ? null : Math.round(c.since) / 1000]] },
  ];
}

/** The whole exposition, ending with `# EOF`. */
export function renderOpenMetrics(h: HealthSnapshot): string {
  return `${metricFamilies(h).map(render).join('\n')}\n# EOF\n`;
}
