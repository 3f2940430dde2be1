// The retained `status` message's body (docs/uplink.md "status"): the health snapshot in a
// few hundred bytes, because it crosses a satellite link paid by the byte every minute.
// Short keys, ages in whole seconds, sizes in MB with one decimal; a reader's table is in
// docs/health.md. The uplink adds v, station, state and ts.
import type { HealthSnapshot } from './snapshot.ts';

const mb = (b: number | null) => (b === null ? null : Math.round(b / 104857.6) / 10);
const s = (x: number | null) => (x === null ? null : Math.round(x));

export interface StatusBody {
  up_s: number;
  boot: string;
  sw: string;
  model: string | null;
  /** per sensor: [state, last value age s, lines, rejections, reconnects] */
  sensors: Record<string, [string, number | null, number, number, number]>;
  queue: { batches: number; records: number; oldest_s: number | null };
  link: { ack_s: number | null; reconnects: number; msgs: number; held: number };
  disk: { free_mb: number | null; store_mb: number | null; quota_pct: number | null; evicted: number; damaged: number };
  mem: { rss_mb: number | null; heap_mb: number | null };
  clock: { sync: boolean; src: string | null; off_ms: number | null; since: number | null; unc: number };
}

export function statusBody(h: HealthSnapshot): StatusBody {
  return {
    up_s: h.uptime_s,
    boot: h.boot_id.slice(0, 8),
    sw: h.software,
    model: h.model,
    sensors: Object.fromEntries(h.sensors.map((x) => [x.id, [x.state, s(x.last_value_age_s), x.lines, x.rejections, x.reconnects]])),
    queue: { batches: h.queue.batches, records: h.queue.records, oldest_s: s(h.queue.oldest_unsent_age_s) },
    link: { ack_s: s(h.link.last_ack_age_s), reconnects: h.link.reconnects, msgs: h.link.messages, held: h.link.held_by_budget },
    disk: {
      free_mb: mb(h.disk.free_bytes), store_mb: mb(h.disk.store_bytes),
      quota_pct: h.disk.quota_bytes ? Math.round((h.disk.quota_used_bytes / h.disk.quota_bytes) * 1000) / 10 : null, evicted: h.disk.evicted_rows, damaged: h.disk.damaged_blocks,
    },
    mem: { rss_mb: mb(h.memory.rss_bytes), heap_mb: mb(h.memory.heap_used_bytes) },
    clock: { sync: h.clock.synchronised, src: h.clock.source, off_ms: h.clock.offset_ms, since: h.clock.since === null ? null : Math.round(h.clock.since), unc: h.clock.uncertain_readings },
  };
}
