// One typed picture of the station's health, taken on demand: the retained `status` message
// (status.ts), the OpenMetrics page (openmetrics.ts) and the local status page all read it,
// so the three never disagree. Ages are seconds before `at`; null means "never" or "unknown".
import { statfsSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { readFileSync } from 'node:fs';
import type { StationConfig } from '../config/schema.ts';
import type { ClockState, TimeSync } from '../time/sync.ts';
import { damagedRawBlocks } from '../store/raw.ts';

export interface SensorHealthSnapshot {
  id: string;
  type: string;
  /** the driver's state: connecting, open, closed */
  state: string;
  last_value_age_s: number | null;
  lines: number;
  observations: number;
  rejections: number;
  /** times the port was opened again after the first */
  reconnects: number;
}

export interface HealthSnapshot {
  station: string;
  /** clock ms of the snapshot */
  at: number;
  uptime_s: number;
  boot_id: string;
  software: string;
  /** the nowcast model's version (null: nowcast off or no model loaded) */
  model: string | null;
  sensors: SensorHealthSnapshot[];
  queue: { batches: number; records: number; oldest_unsent_age_s: number | null };
  link: { up: boolean; last_ack_age_s: number | null; reconnects: number; messages: number; bytes: number; held_by_budget: number; in_flight: number };
  /** free_bytes: on the filesystem of the database (null for an in-memory store) */
  disk: { free_bytes: number | null; total_bytes: number | null; store_bytes: number; quota_bytes: number | null; quota_used_bytes: number; evicted_rows: number; damaged_blocks: number };
  memory: { rss_bytes: number; heap_used_bytes: number; heap_total_bytes: number };
  /** the time state, and readings still waiting for their time (this boot's before sync, or another boot's that never synced) */
  clock: ClockState & { uncertain_readings: number };
  /** the ONVIF cameras: online, offline, auth-failed or error; age of the newest frame (null: none since start); frames since start */
  cameras: Array<{ id: string; state: string; last_frame_age_s: number | null; frames: number }>;
}

/** What healthSnapshot reads; StationGateway has it all (structural, so tests can hand in a stand-in). */
export interface HealthSource {
  readonly config: StationConfig;
  readonly time: TimeSync;
  /** monotonic ms when the gateway started (uptime) */
  readonly startedMono: number;
  health(): Array<{ id: string; state: string; lines: number; observations: number; rejections: number; reconnects?: number; lastObservationAt: number | null }>;
  readonly outbox: { counts(): { outboxBatches: number; outboxRecords: number; oldestUnsent: number | null } };
  readonly uplink: { readonly connected: boolean; readonly lastAckAt: number | null; readonly stats: { reconnects: number; messages: number; bytes: number; heldByBudget: number }; figures(): { in_flight: number } };
  readonly quota: { usedBytes(): number; summary(): { raw: number; records: number; batches: number } };
  readonly nowcast: { summary(): { model: string | null } } | null;
  readonly stationTime?: { uncertain(): number };
  readonly cameras?: { status(): { cams: Record<string, [string, string, number | null, number]> } } | null;
}

let softwareVersion: string | null = null;
function software(): string {
  if (softwareVersion) return softwareVersion;
  try {
    softwareVersion = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    softwareVersion = 'unknown';
  }
  return softwareVersion;
}

const age = (now: number, t: number | null): number | null => (t === null ? null : Math.max(0, Math.round((now - t) / 100) / 10));

function fileSize(path: string): number {
  try { return statSync(path).size; } catch { return 0; }
}

function disk(path: string): { free_bytes: number | null; total_bytes: number | null; store_bytes: number } {
  if (path === ':memory:') return { free_bytes: null, total_bytes: null, store_bytes: 0 };
  let free: number | null = null;
  let total: number | null = null;
  try {
    const s = statfsSync(dirname(path));
    free = s.bavail * s.bsize; // what an unprivileged writer may still use
    total = s.blocks * s.bsize;
  } catch { /* the folder is gone: unknown */ }
  return { free_bytes: free, total_bytes: total, store_bytes: fileSize(path) + fileSize(`${path}-wal`) + fileSize(`${path}-shm`) };
}

export function healthSnapshot(g: HealthSource): HealthSnapshot {
  const now = g.time.clock.now();
  const c = g.outbox.counts();
  const types = new Map(g.config.sensors.map((s) => [s.id, s.type]));
  const mem = process.memoryUsage();
  const ev = g.quota.summary();
  const st = g.config.storage;
  return {
    station: g.config.station.id,
    at: Math.round(now),
    uptime_s: Math.round((g.time.mono() - g.startedMono) / 1000),
    boot_id: g.time.bootId,
    software: software(),
    model: g.nowcast?.summary().model ?? null,
    sensors: g.health().map((s) => ({
      id: s.id, type: types.get(s.id) ?? 'unknown', state: s.state, last_value_age_s: age(now, s.lastObservationAt),
      lines: s.lines, observations: s.observations, rejections: s.rejections, reconnects: s.reconnects ?? 0,
    })),
    queue: { batches: c.outboxBatches, records: c.outboxRecords, oldest_unsent_age_s: age(now, c.oldestUnsent) },
    link: {
      up: g.uplink.connected, last_ack_age_s: age(now, g.uplink.lastAckAt), reconnects: g.uplink.stats.reconnects,
      messages: g.uplink.stats.messages, bytes: g.uplink.stats.bytes, held_by_budget: g.uplink.stats.heldByBudget, in_flight: g.uplink.figures().in_flight,
    },
    disk: { ...disk(st.path), quota_bytes: st.quota_mb ? st.quota_mb * 1024 * 1024 : null, quota_used_bytes: g.quota.usedBytes(), evicted_rows: ev.raw + ev.records + ev.batches, damaged_blocks: damagedRawBlocks.count },
    memory: { rss_bytes: mem.rss, heap_used_bytes: mem.heapUsed, heap_total_bytes: mem.heapTotal },
    clock: { ...g.time.state(), uncertain_readings: g.stationTime?.uncertain() ?? 0 },
    cameras: Object.entries(g.cameras?.status().cams ?? {}).map(([id, [state, , ageS, frames]]) => ({ id, state, last_frame_age_s: ageS, frames })),
  };
}
