// What the status page shows, as one JSON object (`/api/status`, polled by the page every
// few seconds): the latest reading of each quantity with its QC flag, each sensor's health,
// the satellite link and the outbox, the disk, the clock and the latest camera frame.
// Ages are seconds before `now` (station clock); null means never or unknown.
import { QUANTITIES, type Clock, type Quantity } from '../../core/index.ts';
import type { Db } from '../store/index.ts';
import type { LogFileStats } from '../log-file.ts';

/** What the page reads of the gateway (StationGateway has it all; structural so a test can hand in less). */
export interface StatusSource {
  readonly config: { station: { id: string; name: string }; sensors: ReadonlyArray<{ id: string; type: string }>; storage: { quota_mb?: number | undefined } };
  readonly db: Db;
  readonly latest: ReadonlyMap<Quantity, { ts: number; sensor: string; value: number | null; qc: { flag: string; reasons: readonly string[] } }>;
  health(): Array<{ id: string; state: string; lines: number; observations: number; rejections: number; lastObservationAt: number | null }>;
  readonly outbox: { counts(): { outboxBatches: number; outboxRecords: number; oldestUnsent: number | null; recordsCommitted: number; recordsAcked: number } };
  readonly uplink: { readonly connected: boolean; readonly lastAckAt: number | null; readonly stats: { reconnects: number; messages: number; bytes: number } };
  readonly quota: { usedBytes(): number; summary(): { events: number; raw: number; records: number; batches: number } };
  readonly nowcast: { summary(): { state: string; model: string | null } } | null;
}

export interface PageStatus {
  station: { id: string; name: string };
  now: number;
  readings: Array<{ quantity: string; label: string; unit: string; value: number | null; flag: string; reasons: string[]; sensor: string; age_s: number }>;
  sensors: Array<{ id: string; type: string; state: string; lines: number; observations: number; rejections: number; last_value_age_s: number | null }>;
  link: { up: boolean; last_ack_age_s: number | null; messages: number; reconnects: number; bytes: number };
  queue: { batches: number; records: number; oldest_unsent_age_s: number | null; committed: number; acked: number };
  disk: { store_mb: number; quota_mb: number | null; evicted_rows: number };
  clock: { iso: string; state: string; detail: string };
  camera: { ts: number; age_s: number; url: string } | null;
  nowcast: { state: string; model: string | null } | null;
  log: LogFileStats | null;
}

const age = (now: number, t: number | null) => (t === null ? null : Math.max(0, Math.round((now - t) / 1000)));
const mb = (b: number) => Math.round(b / 104857.6) / 10;

/** Clock state from the health snapshot when the time-sync work provides it (gateway/health/), else what this page knows. */
export type ClockStateSource = () => { state: string; detail: string } | null;

export function pageStatus(g: StatusSource, clock: Clock, opts: { log?: LogFileStats | null; clockState?: ClockStateSource } = {}): PageStatus {
  const now = clock.now();
  const c = g.outbox.counts();
  const q = g.quota.summary();
  const types = new Map(g.config.sensors.map((s) => [s.id, s.type]));
  const readings = [...g.latest.entries()]
    .filter(([quantity]) => quantity !== 'precipitation_amount_since_reset') // a device counter, not a reading
    .map(([quantity, o]) => ({
      quantity, label: QUANTITIES[quantity]?.label ?? quantity, unit: QUANTITIES[quantity]?.unit ?? '',
      value: o.value, flag: o.qc.flag, reasons: [...o.qc.reasons], sensor: o.sensor, age_s: age(now, o.ts) ?? 0,
    }))
    .sort((a, b) => order(a.quantity) - order(b.quantity));
  const cs = opts.clockState?.() ?? null;
  return {
    station: { id: g.config.station.id, name: g.config.station.name },
    now,
    readings,
    sensors: g.health().map((s) => ({ id: s.id, type: types.get(s.id) ?? '', state: s.state, lines: s.lines, observations: s.observations, rejections: s.rejections, last_value_age_s: age(now, s.lastObservationAt) })),
    link: { up: g.uplink.connected, last_ack_age_s: age(now, g.uplink.lastAckAt), messages: g.uplink.stats.messages, reconnects: g.uplink.stats.reconnects, bytes: g.uplink.stats.bytes },
    queue: { batches: c.outboxBatches, records: c.outboxRecords, oldest_unsent_age_s: age(now, c.oldestUnsent), committed: c.recordsCommitted, acked: c.recordsAcked },
    disk: { store_mb: mb(g.quota.usedBytes()), quota_mb: g.config.storage.quota_mb ?? null, evicted_rows: q.raw + q.records + q.batches },
    clock: { iso: new Date(now).toISOString(), state: cs?.state ?? 'unknown', detail: cs?.detail ?? 'synchronisation state not reported by this gateway' },
    camera: latestFrame(g.db, now),
    nowcast: g.nowcast ? (({ state, model }) => ({ state, model }))(g.nowcast.summary()) : null,
    log: opts.log ?? null,
  };
}

const ORDER = Object.keys(QUANTITIES);
const order = (q: string) => (ORDER.includes(q) ? ORDER.indexOf(q) : ORDER.length);

/**
 * The newest camera frame with a thumbnail (table `frames` of the cameras work, issue 8), or
 * null when there is no such table or no frame yet. Read defensively: the table may come
 * from a newer gateway than this page knows.
 */
export function latestFrame(db: Db, now: number): PageStatus['camera'] {
  const row = frameQuery(db)?.get() as { ts: number } | undefined;
  return row ? { ts: row.ts, age_s: age(now, row.ts) ?? 0, url: `/camera/latest.jpg?ts=${row.ts}` } : null;
}

/** The newest thumbnail's JPEG bytes, or null. */
export function latestThumbnail(db: Db): Buffer | null {
  const row = frameQuery(db, true)?.get() as { thumb: Buffer | null } | undefined;
  return row?.thumb ?? null;
}

function frameQuery(db: Db, withThumb = false) {
  const cols = (db.prepare("SELECT name FROM pragma_table_info('frames')").all() as Array<{ name: string }>).map((r) => r.name);
  const ts = ['ts', 'taken_at', 'at'].find((c) => cols.includes(c));
  const thumb = ['thumbnail', 'thumb', 'thumbnail_jpeg'].find((c) => cols.includes(c));
  if (!ts || !thumb) return null;
  return db.prepare(`SELECT ${ts} AS ts${withThumb ? `, ${thumb} AS thumb` : ''} FROM frames WHERE ${thumb} IS NOT NULL ORDER BY ${ts} DESC LIMIT 1`);
}
