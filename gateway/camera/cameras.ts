// The station's cameras (issue #8): one ONVIF driver per camera of the station file, each
// frame turned into sky features (observations of the camera, through the same range QC, raw
// store, minute records and uplink as every sensor), a thumbnail and a file under the frames
// quota; images go up at the lowest priority (image-sender.ts); the `frame` command sends a
// full frame the centre asks for. Snapshots come faster while the weather is severe (rule in
// severeWeather below and docs/cameras.md). A camera never stops the station: every failure
// is a status, a log line and a count.
import { mkdtempSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { tmpdir } from 'node:os';
import type { Clock, MinuteRecord, Observation, Timer } from '../../core/index.ts';
import { sunElevation } from '../../core/sun.ts';
import { discoverCameras, OnvifCameraDriver, type CameraFrame, type CameraStatus, type DiscoveredCamera } from '../../drivers/onvif/index.ts';
import type { CommandRegistry, CommandResult } from '../commands/registry.ts';
import type { StationConfig } from '../config/schema.ts';
import { RateLimitedLog, type Logger } from '../log.ts';
import type { Db } from '../store/db.ts';
import type { Outbox } from '../store/outbox.ts';
import type { StoreQuota } from '../store/quota.ts';
import { FrameStore, type StoredFrame } from './frame-store.ts';
import { ImageSender, type ImageLink } from './image-sender.ts';
import { decodeFrame, featureObservations, FrameError, skyFeatures, type Frame, type SkyFeatures } from './sky-features.ts';
import { makeThumbnail } from './thumbnail.ts';

type CameraConfig = StationConfig['cameras']['devices'][number];

/** What the hub needs of a camera driver (OnvifCameraDriver; a test may give another). */
export interface CameraDriverLike {
  readonly status: Readonly<CameraStatus>;
  readonly intervalMs: number;
  start(): void;
  stop(): Promise<void>;
  snapshot(): Promise<CameraFrame>;
  setInterval(ms: number): void;
  on(event: 'frame', fn: (f: CameraFrame) => void): unknown;
  on(event: 'status', fn: (s: CameraStatus) => void): unknown;
  on(event: 'error', fn: (e: Error) => void): unknown;
}

export interface CameraHubOptions {
  config: StationConfig;
  db: Db;
  clock: Clock;
  log: Logger;
  quota: StoreQuota;
  outbox: Outbox;
  link: ImageLink;
  commands: CommandRegistry;
  /** the pipeline's entry for observations (range QC, raw store): the camera is one more sensor */
  addObservations: (obs: Observation[]) => void;
}

/**
 * Severe weather, from the latest closed minute of the weather sensors: gust ≥ 17.2 m/s (gale,
 * Beaufort 8) or mean wind ≥ 13.9 m/s (Beaufort 7); rain intensity ≥ 10 mm/h or ≥ 0.2 mm in
 * the minute; or a value the step test flagged suspect (a squall front). Also the latest nowcast, if
 * under 2 h old, with rain probability ≥ 0.7. It lasts until 30 min after the last minute
 * that met it.
 */
export const SEVERE = { gust: 17.2, wind: 13.9, rainRate: 10, rainMinute: 0.2, rainProbability: 0.7, nowcastMaxAgeMs: 2 * 3_600_000, holdMs: 30 * 60_000 } as const;

export function severeWeather(records: readonly MinuteRecord[]): string | null {
  for (const r of records) {
    const v = r.values;
    const ok = (x: { v: number | null; f: string } | undefined) => (x && x.v !== null && x.f !== 'bad' && x.f !== 'missing' ? x.v : null);
    if ((ok(v.wind_speed_of_gust) ?? 0) >= SEVERE.gust) return `gust ${ok(v.wind_speed_of_gust)} m/s (${r.sensor})`;
    if ((ok(v.wind_speed) ?? 0) >= SEVERE.wind) return `wind ${ok(v.wind_speed)} m/s (${r.sensor})`;
    if ((ok(v.rainfall_rate) ?? 0) >= SEVERE.rainRate) return `rain ${ok(v.rainfall_rate)} mm/h (${r.sensor})`;
    if ((ok(v.precipitation_amount) ?? 0) >= SEVERE.rainMinute) return `rain ${ok(v.precipitation_amount)} mm in a minute (${r.sensor})`;
    // `suspect` step: a sudden change (a squall front); a `bad` step is a sensor spike, not weather.
    const step = Object.entries(v).find(([, x]) => x?.f === 'suspect' && x.r?.includes('step'));
    if (step) return `${step[0]} step-flagged (${r.sensor})`;
  }
  return null;
}

interface Running {
  cfg: CameraConfig; driver: CameraDriverLike | null; status: CameraStatus; frames: number; unreadable: number; lastFrameAt: number | null; xaddr: string | null;
  /** the next frame is the centre's (frame command): its full frame is kept whatever the daily budget */
  keepNext: boolean;
}

/** A snapshot this close to the usual interval after the camera's last kept full frame is the usual one (timers drift). */
const USUAL_INTERVAL_SLACK = 0.9;

const round = (x: number, d = 4) => Math.round(x * 10 ** d) / 10 ** d;

export class CameraHub {
  readonly frames: FrameStore;
  readonly sender: ImageSender;
  private readonly cams = new Map<string, Running>();
  private readonly warn: RateLimitedLog;
  private severeUntil = 0;
  private severeWhy: string | null = null;
  /** severe weather, but the full frames of the last 24 hours reached cameras.frames_mb_per_day: no extra snapshots */
  private budgetSpent = false;
  /** the largest of the last frames' sizes (decays towards new sizes) */
  private frameBytes = 0;
  private discoveryTimer: Timer | null = null;
  private stopped = false;

  constructor(private readonly o: CameraHubOptions) {
    const c = o.config;
    this.warn = new RateLimitedLog(o.log, o.clock);
    // An in-memory store (tests) gets a folder of its own: the sweep at start removes files its empty table does not name.
    const dir = c.cameras.frames_dir ?? (c.storage.path === ':memory:' ? mkdtempSync(join(tmpdir(), `bonin-frames-${c.station.id}-`)) : join(dirname(c.storage.path), 'frames'));
    this.frames = new FrameStore(o.db, {
      dir, quotaBytes: c.cameras.frames_quota_mb * 1024 * 1024, clock: o.clock, log: o.log, cameras: c.cameras.devices.map((d) => d.id),
      dailyBytes: c.cameras.frames_mb_per_day * 1024 * 1024,
    });
    // Frames before anything else when the store or the disk is full.
    o.quota.evictFirstWith((reason, minBytes) => this.frames.evictOldest(reason, minBytes));
    this.sender = new ImageSender({
      station: c.station.id, frames: this.frames, outbox: o.outbox, link: o.link, clock: o.clock, log: o.log,
      resendAfterMs: c.uplink.resend_after_s * 1000, protocolVersion: c.uplink.protocol_version,
    });
    for (const cfg of c.cameras.devices) {
      this.cams.set(cfg.id, { cfg, driver: null, frames: 0, unreadable: 0, lastFrameAt: null, xaddr: cfg.xaddr ?? null, keepNext: false, status: { camera: cfg.id, state: 'offline', reason: cfg.xaddr ? 'not started' : 'waiting for discovery', since: o.clock.now(), skewS: null } });
    }
    o.commands.register('frame', (args) => this.frameCommand(args));
  }

  /** Camera ids, for the minute closer (each is a sensor whose minutes hold only what it sent). */
  get ids(): string[] {
    return [...this.cams.keys()];
  }

  start(): void {
    for (const cam of this.cams.values()) if (cam.xaddr) this.startDriver(cam, cam.xaddr);
    if ([...this.cams.values()].some((c) => !c.xaddr)) void this.discover();
    this.sender.start();
  }

  /** Build a driver; the demo and tests may replace this to hand in their own. */
  protected makeDriver(cfg: CameraConfig, xaddr: string, password: string): CameraDriverLike {
    return new OnvifCameraDriver({
      id: cfg.id, xaddr, user: cfg.user, password, clock: this.o.clock, log: this.o.log,
      timeoutMs: cfg.timeout_s * 1000, retries: cfg.retries, intervalMs: this.intervalFor(cfg),
    });
  }

  private intervalFor(cfg: CameraConfig): number {
    return (this.o.clock.now() < this.severeUntil && !this.budgetSpent ? Math.min(cfg.severe_interval_min, cfg.interval_min) : cfg.interval_min) * 60_000;
  }

  private startDriver(cam: Running, xaddr: string): void {
    let password: string;
    try {
      password = readFileSync(cam.cfg.password_file, 'utf8').trim();
      cam.driver = this.makeDriver(cam.cfg, xaddr, password);
    } catch (err) {
      cam.status = { camera: cam.cfg.id, state: 'error', reason: (err as Error).message, since: this.o.clock.now(), skewS: null };
      this.o.log.error({ camera: cam.cfg.id, err: (err as Error).message }, 'camera: cannot start its driver');
      return;
    }
    const d = cam.driver;
    d.on('status', (s) => { cam.status = { ...s }; });
    d.on('error', (e) => this.warn.warn(`camera:${cam.cfg.id}`, { camera: cam.cfg.id, err: e.message }, 'camera: a call failed'));
    d.on('frame', (f) => this.onFrame(cam, f));
    d.start();
  }

  /** Cameras given as `discover: true`: probe, match by name (or take the next unclaimed), retry every 10 min until all are found. */
  private async discover(): Promise<void> {
    let found: DiscoveredCamera[] = [];
    try {
      found = await discoverCameras({ timeoutMs: 3000 });
    } catch (err) {
      this.warn.warn('camera:discovery', { err: (err as Error).message }, 'camera: discovery failed');
    }
    if (this.stopped) return;
    const claimed = new Set([...this.cams.values()].map((c) => c.xaddr).filter(Boolean));
    for (const cam of this.cams.values()) {
      if (cam.xaddr) continue;
      const hit = found.find((d) => !claimed.has(d.xaddr) && (cam.cfg.name === undefined || d.name === cam.cfg.name));
      if (!hit) {
        cam.status = { ...cam.status, reason: `not found by discovery${cam.cfg.name ? ` (name "${cam.cfg.name}")` : ''}; ${found.length} camera(s) answered` };
        continue;
      }
      claimed.add(hit.xaddr);
      cam.xaddr = hit.xaddr;
      this.o.log.info({ camera: cam.cfg.id, xaddr: hit.xaddr, name: hit.name, urn: hit.urn }, 'camera: found by discovery');
      this.startDriver(cam, hit.xaddr);
    }
    if ([...this.cams.values()].some((c) => !c.xaddr)) this.discoveryTimer = this.o.clock.after(10 * 60_000, () => void this.discover());
  }

  /** A frame from a driver: features, thumbnail, file, observations. Never throws. */
  private onFrame(cam: Running, f: CameraFrame): StoredFrame | null {
    cam.frames++;
    this.frameBytes = Math.max(f.jpeg.length, Math.round(this.frameBytes * 0.9));
    cam.lastFrameAt = f.ts;
    let img: Frame | null = null;
    let features: SkyFeatures | null = null;
    let thumb: { jpeg: Buffer; width: number; height: number } | null = null;
    let error: string | null = null;
    try {
      img = f.rgba && f.rgba.length === f.width * f.height * 4 ? { width: f.width, height: f.height, data: f.rgba } : decodeFrame(f.jpeg);
      features = skyFeatures(img, { sunElevationDeg: sunElevation(this.o.config.station.latitude, this.o.config.station.longitude, f.ts) });
      thumb = makeThumbnail(img);
    } catch (err) {
      if (!(err instanceof FrameError)) this.o.log.error({ camera: cam.cfg.id, err: (err as Error).stack }, 'camera: frame processing failed');
      error = (err as Error).message;
      cam.unreadable++;
      this.warn.warn(`camera:unreadable:${cam.cfg.id}`, { camera: cam.cfg.id, ts: f.ts, err: error }, 'camera: frame unreadable; kept on disk, no features');
    }
    let stored: StoredFrame | null = null;
    try {
      const rounded = features ? Object.fromEntries(Object.entries(features).map(([k, v]) => [k, typeof v === 'number' ? round(v) : v])) : null;
      stored = this.frames.save({ camera: cam.cfg.id, ts: f.ts, jpeg: f.jpeg, width: img?.width ?? f.width ?? null, height: img?.height ?? f.height ?? null, thumb: thumb?.jpeg ?? null, features: rounded, error }, { keep: this.mustKeep(cam, f.ts) });
    } catch (err) {
      this.warn.error(`camera:store:${cam.cfg.id}`, { camera: cam.cfg.id, err: (err as Error).message }, 'camera: frame could not be stored');
    }
    if (features) {
      try {
        this.o.addObservations(featureObservations(features, f.ts, cam.cfg.id));
      } catch (err) {
        this.warn.error(`camera:obs:${cam.cfg.id}`, { camera: cam.cfg.id, err: (err as Error).message }, 'camera: features could not be stored');
      }
    }
    this.sender.pump();
    return stored;
  }

  /**
   * A full frame kept whatever the daily write budget (cameras.frames_mb_per_day): the one the
   * centre asked for, and one per usual interval — the budget bounds severe weather's extra
   * snapshots, never the camera's usual record.
   */
  private mustKeep(cam: Running, ts: number): boolean {
    if (cam.keepNext) {
      cam.keepNext = false;
      return true;
    }
    const last = this.frames.nearest(cam.cfg.id, undefined, true);
    return !last || ts - last.ts >= cam.cfg.interval_min * 60_000 * USUAL_INTERVAL_SLACK;
  }

  /** Each closed minute: severe weather shortens the snapshot interval (rule above). */
  onMinute(records: readonly MinuteRecord[]): void {
    const now = this.o.clock.now();
    const weather = records.filter((r) => !this.cams.has(r.sensor));
    const why = severeWeather(weather) ?? this.nowcastSevere(now);
    if (why) {
      if (now >= this.severeUntil) this.o.log.warn({ why }, 'camera: severe weather, snapshots more often');
      this.severeUntil = now + SEVERE.holdMs;
      this.severeWhy = why;
    } else if (this.severeWhy && now >= this.severeUntil) {
      this.o.log.info({}, 'camera: weather no longer severe, snapshots at the usual interval');
      this.severeWhy = null;
    }
    // Severe weather's extra snapshots stop once the day's full frames leave no room for one
    // more (the card's wear): each costs the card its file, its row and their commits
    // (docs/cameras.md). "One more" is the largest frame seen lately: as the day's oldest frames
    // leave the 24 hours, room for a byte or two must not bring back snapshots whose full frame
    // the store would not keep anyway.
    const spent = this.severeWhy !== null && this.frameBytes > this.dayBudgetLeft(now);
    if (spent && !this.budgetSpent) this.o.log.warn({ why: this.severeWhy, budgetMb: this.o.config.cameras.frames_mb_per_day }, 'camera: severe weather, but the day\'s full frames reached cameras.frames_mb_per_day: snapshots at the usual interval');
    this.budgetSpent = spent;
    for (const cam of this.cams.values()) {
      try {
        cam.driver?.setInterval(this.intervalFor(cam.cfg));
      } catch (err) {
        this.warn.warn(`camera:interval:${cam.cfg.id}`, { err: (err as Error).message }, 'camera: interval not changed');
      }
    }
  }

  private dayBudgetLeft(now: number): number {
    try {
      return this.frames.dayBudgetLeft(now);
    } catch {
      return Infinity; // the store is closing: the frame store's own check still bounds what is written
    }
  }

  private nowcastSevere(now: number): string | null {
    try {
      const row = this.o.db.prepare('SELECT ts, payload FROM nowcasts ORDER BY ts DESC LIMIT 1').get() as { ts: number; payload: string } | undefined;
      if (!row || now - row.ts > SEVERE.nowcastMaxAgeMs) return null;
      const p = (JSON.parse(row.payload) as { rain_probability?: number }).rain_probability;
      return typeof p === 'number' && p >= SEVERE.rainProbability ? `nowcast rain probability ${p}` : null;
    } catch {
      return null;
    }
  }

  /**
   * `frame` command: args { camera, ts? }. With ts: the stored frame nearest it. Without: a new
   * snapshot (the stored newest if the camera cannot give one). The frame goes on the image
   * topic now if the link and budget allow, else it waits as asked (sent before any thumbnail).
   */
  private async frameCommand(args: Record<string, unknown>): Promise<CommandResult> {
    const id = args.camera;
    const cam = typeof id === 'string' ? this.cams.get(id) : undefined;
    if (!cam) return { ok: false, message: `frame: args.camera must be one of ${this.ids.join(', ') || '(no cameras configured)'}; got ${JSON.stringify(id)}` };
    if (args.ts !== undefined && !(typeof args.ts === 'number' && Number.isFinite(args.ts))) return { ok: false, message: `frame: args.ts must be UTC ms, got ${JSON.stringify(args.ts)}` };
    let frame: StoredFrame | null = null;
    let source = 'stored';
    let why = '';
    if (args.ts === undefined) {
      try {
        if (!cam.driver) throw new Error(cam.status.reason);
        cam.keepNext = true;
        const shot = await cam.driver.snapshot();
        frame = this.frames.nearest(cam.cfg.id, shot.ts);
        source = 'new snapshot';
      } catch (err) {
        cam.keepNext = false;
        why = `new snapshot failed (${(err as Error).message}); `;
      }
    }
    // a stored frame: the nearest whose full frame was kept (the daily budget may have kept only the thumbnail of others)
    frame ??= this.frames.nearest(cam.cfg.id, args.ts as number | undefined, true);
    if (!frame) return { ok: false, message: `frame: ${why}no stored frame of ${cam.cfg.id}` };
    this.frames.mark(frame.id, 'full_asked', this.o.clock.now());
    const { sent, bytes, unreadable } = this.sender.sendFull(frame);
    if (unreadable) return { ok: false, message: `frame: the stored frame of ${cam.cfg.id} at ${new Date(frame.ts).toISOString()} cannot be read: ${unreadable}` };
    const what = `${source} frame of ${cam.cfg.id} at ${new Date(frame.ts).toISOString()}, ${bytes} bytes`;
    return { ok: true, message: `${why}${sent ? 'sent' : 'queued (link down or byte budget spent)'}: ${what}`, camera: cam.cfg.id, ts: frame.ts, bytes, sent, source };
  }

  /** Per-camera status for the gateway's status summary. */
  summary() {
    return {
      severe: this.severeWhy,
      frames_budget_spent: this.budgetSpent,
      cameras: [...this.cams.values()].map((c) => ({
        id: c.cfg.id, state: c.status.state, reason: c.status.reason, since: c.status.since,
        interval_min: (c.driver?.intervalMs ?? this.intervalFor(c.cfg)) / 60_000, frames: c.frames, unreadable: c.unreadable, last_frame: c.lastFrameAt,
      })),
      frames: this.frames.summary(),
      images: this.sender.stats,
    };
  }

  /** Compact status for the retained status message: cams {id: [state, reason, last frame age s, frames]}, the frames store, severe weather. */
  status() {
    const now = this.o.clock.now();
    const f = this.frames.summary();
    return {
      cams: Object.fromEntries([...this.cams.values()].map((c) => [c.cfg.id, [c.status.state, c.status.reason.slice(0, 80), c.lastFrameAt === null ? null : Math.round((now - c.lastFrameAt) / 1000), c.frames] as [string, string, number | null, number]])),
      frames: { n: f.frames, mb: Math.round(f.bytes / 1024 / 102.4) / 10, quota_pct: Math.round((f.bytes / f.quotaBytes) * 1000) / 10, evicted: f.evicted, thumbs_unsent: f.thumbsUnsent, not_kept: f.notKept, budget_spent: this.budgetSpent },
      severe: this.severeWhy,
    };
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.discoveryTimer?.cancel();
    this.sender.stop();
    await Promise.all([...this.cams.values()].map((c) => c.driver?.stop().catch(() => undefined)));
  }
}
