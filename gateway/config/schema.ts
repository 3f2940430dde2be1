// The station file's schema. Every key a technician can set is here, with its default and
// its limits, so an invalid file is refused at load with the key and the reason.
import { z } from 'zod';
import { QUANTITY_NAMES, type Quantity } from '../../core/index.ts';
import { SENSOR_SCHEMAS } from '../sensors/index.ts';

const limits = z.tuple([z.number(), z.number()]).refine(([lo, hi]) => lo < hi, { message: 'must be [low, high] with low < high' });

export const stationConfigSchema = z.object({
  station: z.object({
    /** WIGOS station identifier, e.g. 0-392-0-47971 */
    id: z.string().regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, _ and - only (it becomes an MQTT topic level)'),
    name: z.string().min(1),
    latitude: z.number().min(-90).max(90),
    longitude: z.number().min(-180).max(180),
    elevation_m: z.number().min(-500).max(9000),
    /** metadata written by `bonin provision` (issue 9): heights above ground of the sensors, m */
    sensor_heights_m: z.object({ wind: z.number().min(0).max(200), temperature: z.number().min(0).max(200), humidity: z.number().min(0).max(200), rain: z.number().min(0).max(200), pressure: z.number().min(-500).max(9000) }).partial().strict().optional(),
    /** degrees clockwise from true north to the mast's sensor north mark (applied to NMEA and Firmata vanes by provisioning) */
    mast_heading_offset_deg: z.number().min(-360).max(360).optional(),
  }).strict(),
  storage: z.object({
    path: z.string().min(1),
    raw_retention_days: z.number().positive().default(30),
    /** live data the store may hold, MB; past it the oldest data goes by priority (gateway/store/quota.ts). Unset: no quota */
    quota_mb: z.number().positive().optional(),
    /** a file this big is kept beside the database and given up when the disk is full, so eviction has room to run. 0: none */
    reserve_mb: z.number().nonnegative().default(8),
    /**
     * raw readings wait in memory this long (clock s) before a commit of their own writes them;
     * below 60 only. At 60 (the default) they wait for the station's commit (commit_every_min),
     * which writes them with the minutes it closes: no commit of their own. Each commit rewrites
     * whole pages, so this sets the SD card's wear (docs/decisions.md, "SD card writes").
     */
    raw_commit_s: z.number().min(1).max(60).default(60),
    /**
     * minutes are closed and committed together every this many minutes (the station's one
     * durable commit). Each commit rewrites the same few pages, so this sets most of the SD
     * card's wear (docs/decisions.md, "SD card writes"; measured 74 MB/day at 1, 49 at 2, 38 at
     * 3). A power cut loses at most this many minutes of readings; records reach the uplink up
     * to this much later.
     */
    commit_every_min: z.number().int().min(1).max(10).default(2),
    /**
     * let other programs (sqlite3, a backup tool) read the database while the gateway runs.
     * Off, the gateway holds the file alone and keeps SQLite's WAL index in memory instead of
     * the mapped -shm file, which is rewritten at every commit: about 30 MB a day less on the
     * card (docs/decisions.md, "SD card writes"). The status page and /metrics read it live.
     */
    shared_reads: z.boolean().default(false),
  }).strict(),
  uplink: z.object({
    broker: z.string().regex(/^(mqtts?|wss?|tcp|ssl):\/\/.+/, 'must be a URL like mqtt://host:1883 or mqtts://host:8883'),
    protocol_version: z.union([z.literal(4), z.literal(5)]).default(5),
    username: z.string().optional(),
    password_file: z.string().optional(),
    /** batches sent and not yet acknowledged, at most */
    in_flight: z.number().int().positive().max(1000).default(16),
    /** an unacknowledged batch is sent again after this long */
    resend_after_s: z.number().positive().default(30),
    keepalive_s: z.number().int().positive().default(60),
    /**
     * the retained status message is published this often (and at every connect). About 600 bytes
     * with MQTT framing: 0.9 MB a day at 60 s, on a link that may be paid by the byte
     */
    status_every_s: z.number().int().min(60).max(86_400).default(60),
    /** 'compact' (docs/wire-format.md) or 'json' (debug: one readable batch a message) */
    encoding: z.enum(['compact', 'json']).default('compact'),
    /** records packed in one compact message, at most (80: an hour of one sensor: 60 minutes, six 10-min and one hourly aggregate) */
    max_message_records: z.number().int().positive().max(5000).default(80),
    /** after an outage, which end of the backlog drains first (fresh minutes always go first) */
    backlog_order: z.enum(['oldest-first', 'newest-first']).default('oldest-first'),
    /** bytes on the wire per UTC hour / day, MQTT framing counted; what does not fit waits. Unset: no limit */
    budget_bytes_per_hour: z.number().int().positive().optional(),
    budget_bytes_per_day: z.number().int().positive().optional(),
    /** bytes of unacknowledged messages on the wire, at most (the link's bandwidth × round trip). Unset: no limit */
    in_flight_bytes: z.number().int().positive().optional(),
    /** reconnect backoff: first delay and ceiling (exponential, full jitter) */
    reconnect_min_s: z.number().positive().default(2),
    reconnect_max_s: z.number().positive().default(600),
    /** mqtts:// to the broker: CA file, and this station's client certificate and key (the key must be mode 0600) */
    tls: z.object({ ca_file: z.string().optional(), cert_file: z.string().optional(), key_file: z.string().optional() }).strict().optional(),
  }).strict(),
  sensors: z.array(z.discriminatedUnion('type', SENSOR_SCHEMAS)).min(1, 'at least one sensor'),
  qc: z.object({
    /** Per-station climatological limits: values outside are `suspect` (qc.md §2). */
    climate_limits: z.partialRecord(z.enum(QUANTITY_NAMES as [Quantity, ...Quantity[]]), limits).default({}),
    /** Step limits per minute, overriding qc.md §3 (gateway/qc/step.ts). */
    step: z.partialRecord(z.enum(QUANTITY_NAMES as [Quantity, ...Quantity[]]), z.object({ suspect: z.number().positive(), bad: z.number().positive().optional() }).strict()).default({}),
    /** Minimum variability over 60 min, overriding qc.md §4 (gateway/qc/persistence.ts). */
    persistence: z.partialRecord(z.enum(QUANTITY_NAMES as [Quantity, ...Quantity[]]), z.number().positive()).default({}),
    /** Redundant sensors: per quantity, the sensor ids of the primary and the backup (gateway/qc/redundancy.ts). */
    redundancy: z.partialRecord(z.enum(QUANTITY_NAMES as [Quantity, ...Quantity[]]), z.object({ primary: z.string(), backup: z.string(), tolerance: z.number().positive().optional() }).strict()
      .refine((r) => r.primary !== r.backup, { message: 'primary and backup must be two different sensors' })).default({}),
  }).strict().default({ climate_limits: {}, step: {}, persistence: {}, redundancy: {} }),
  /** The station's nowcast (gateway/pipeline/nowcast.ts): on by default with the shipped model. */
  nowcast: z.object({
    enabled: z.boolean().default(true),
    /** the model's manifest (.json beside its .tflite); unset: the shipped edge-model/model/ */
    model: z.string().min(1).optional(),
    /** run this often (minutes of clock time); the inputs are hourly, so a new nowcast comes once an hour */
    every_min: z.number().int().positive().max(1440).default(10),
    /** Ed25519 public key a model must be signed with: PEM file path or inline PEM; unset: edge-model/model/nowcast-signing.pub.pem */
    public_key: z.string().min(1).optional(),
    /** model updates (incoming/, active/, previous/, rejected/); unset: `models/` beside storage.path (none for ':memory:') */
    models_dir: z.string().min(1).optional(),
  }).strict().default({ enabled: true, every_min: 10 }),
  /** Signed remote commands on bonin/v1/{station}/cmd (gateway/commands/, docs/commands.md). No key: every command is refused. */
  commands: z.object({
    /** Ed25519 public keys of the centre: PEM file paths (relative to the station file) or inline PEM */
    public_keys: z.array(z.string().min(1)).default([]),
    /** longest lifetime (expires − issued) of a command accepted, seconds */
    max_age_s: z.number().positive().max(7 * 86400).default(3600),
    /** a command issued this far ahead of the station clock is still accepted (clock skew), seconds */
    future_tolerance_s: z.number().nonnegative().max(86400).default(300),
  }).strict().default({ public_keys: [], max_age_s: 3600, future_tolerance_s: 300 }),
  /** ONVIF cameras (issue 8, docs/cameras.md): snapshots, sky features, frames on disk, thumbnails up. */
  cameras: z.object({
    /** frame files and thumbnails kept at most, MB; the oldest go first (and before anything else on a full disk) */
    frames_quota_mb: z.number().positive().default(200),
    /** full frames written to the card in any 24 hours (the card's wear): severe weather's extra snapshots stop when it is reached; one per camera per interval_min and the centre's are kept whatever (docs/cameras.md) */
    frames_mb_per_day: z.number().min(0).default(8),
    /** where the JPEGs go; unset: frames/ beside storage.path */
    frames_dir: z.string().min(1).optional(),
    devices: z.array(z.object({
      /** the camera's id: its frames' folder and the sensor id of its sky features */
      id: z.string().regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, _ and - only (it names a folder and a sensor)'),
      /** device service URL (http://host/onvif/device_service); or discover: true */
      xaddr: z.string().regex(/^http:\/\/.+/, 'must be an http:// URL (node-onvif cannot talk https)').optional(),
      /** find it by WS-Discovery at start (matching `name` when given) */
      discover: z.boolean().default(false),
      /** with discover: the camera's ONVIF name scope to pick */
      name: z.string().min(1).optional(),
      user: z.string().min(1),
      /** file holding the password (relative to the station file; keep it mode 0600) */
      password_file: z.string().min(1),
      /** snapshot every this many minutes */
      interval_min: z.number().positive().max(1440).default(10),
      /** … and this often while the weather is severe (docs/cameras.md) */
      severe_interval_min: z.number().positive().max(1440).default(2),
      /** a camera call with no answer after this long fails */
      timeout_s: z.number().positive().max(300).default(10),
      /** extra attempts before the camera is flagged offline */
      retries: z.number().int().min(0).max(10).default(2),
    }).strict().refine((c) => c.xaddr !== undefined || c.discover, { message: 'needs xaddr, or discover: true' })).default([]),
  }).strict().default({ frames_quota_mb: 200, frames_mb_per_day: 8, devices: [] }),
  /** systemd watchdog (gateway/service/): pings stop when no reading / no store commit / no uplink tick within these windows (clock s); store_stale_s must exceed the commit interval (storage.commit_every_min) */
  watchdog: z.object({
    readings_stale_s: z.number().positive().default(300),
    store_stale_s: z.number().positive().default(300),
    uplink_stale_s: z.number().positive().default(300),
  }).strict().default({ readings_stale_s: 300, store_stale_s: 300, uplink_stale_s: 300 }),
  /** Time without a real-time clock (gateway/time/, docs/decisions.md "Time"). */
  time: z.object({
    /**
     * Until a source says the time is right, readings are flagged time-uncertain and minutes wait.
     * auto: required on the board's own clock, not on a simulated one (--clock, tests). false: the
     * clock is believed when it reads after the build floor (never in 1970).
     */
    require_sync: z.union([z.literal('auto'), z.boolean()]).default('auto'),
    /** what may say the time is right, best first: system (timesyncd/chrony), gnss (NMEA RMC/ZDA), ack (the central system's acks) */
    sources: z.array(z.enum(['system', 'gnss', 'ack'])).min(1).default(['system', 'gnss', 'ack']),
    /** while the time is unknown, an empty batch goes this often to get the central system's time in its ack */
    probe_every_s: z.number().positive().default(300),
  }).strict().default({ require_sync: 'auto', sources: ['system', 'gnss', 'ack'], probe_every_s: 300 }),
  log: z.object({
    level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).default('info'),
    file: z.string().optional(),
    /** log.file: size-based rotation; on disk at most files × max_file_mb (gateway/log-file.ts) */
    max_file_mb: z.number().min(0.01).max(1024).default(10),
    files: z.number().int().min(1).max(50).default(5),
  }).strict().default({ level: 'info', max_file_mb: 10, files: 5 }),
  /** The local status page for a visiting technician (gateway/web/, docs/status-page.md): read-only. */
  status_page: z.object({
    enabled: z.boolean().default(true),
    /** 0.0.0.0: every interface (the station LAN); 127.0.0.1: this board only */
    host: z.string().min(1).default('0.0.0.0'),
    /** 0: any free port (tests) */
    port: z.number().int().min(0).max(65535).default(8080),
  }).strict().default({ enabled: true, host: '0.0.0.0', port: 8080 }),
}).strict().superRefine((c, ctx) => {
  // qc.redundancy names sensors: refuse an id the station file does not define.
  const ids = new Set(c.sensors.map((s) => s.id));
  // A camera's id is the sensor id of its sky features: it must be unique among both.
  c.cameras.devices.forEach((cam, i) => {
    if (ids.has(cam.id) || c.cameras.devices.findIndex((o) => o.id === cam.id) !== i) ctx.addIssue({ code: 'custom', path: ['cameras', 'devices', i, 'id'], message: `"${cam.id}" is already a sensor or camera id` });
  });
  // The watchdog blames the store when nothing was committed for store_stale_s while readings arrive.
  const commitS = c.storage.commit_every_min * 60;
  if (c.watchdog.store_stale_s <= commitS) ctx.addIssue({ code: 'custom', path: ['watchdog', 'store_stale_s'], message: `must be more than storage.commit_every_min (${commitS} s), or the watchdog restarts a healthy gateway between two commits` });
  for (const [q, r] of Object.entries(c.qc.redundancy)) {
    for (const key of ['primary', 'backup'] as const) {
      if (r && !ids.has(r[key])) ctx.addIssue({ code: 'custom', path: ['qc', 'redundancy', q, key], message: `no sensor "${r[key]}" in sensors (${[...ids].join(', ')})` });
    }
  }
});

export type StationConfig = z.infer<typeof stationConfigSchema>;
export type SensorConfig = StationConfig['sensors'][number];
