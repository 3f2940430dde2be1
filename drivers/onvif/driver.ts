// One ONVIF camera, through node-onvif: init (device information, profiles, snapshot URI),
// then JPEG snapshots on the clock's schedule, each one checked before it becomes a frame.
// Every call has a timeout; a failed call is retried a few times, then the camera is flagged
// (offline / auth-failed / error) and re-initialised with backoff until it answers again.
//
// Events: 'frame' (CameraFrame), 'status' (CameraStatus, on every change of state or reason),
// 'error' (CameraError: each failed snapshot or init attempt — corrupt JPEG included —
// emitted only when someone listens, so a missing listener never crashes the gateway).
import { EventEmitter } from 'node:events';
import onvif, { type OnvifDevice, type OnvifDeviceInformation } from 'node-onvif';
import type { Clock, Timer } from '../../core/clock.ts';
import type { TransportLog } from '../transport/types.ts';
import { abandonConnections, CameraError, classify, credentialProblem, fetchSnapshot, installTimeSync, withTimeout } from './calls.ts';
import { inspectJpeg } from './jpeg.ts';

export type CameraState = 'online' | 'offline' | 'auth-failed' | 'error';

export interface CameraStatus {
  camera: string;
  state: CameraState;
  reason: string;
  /** clock ms since the camera has been in this state */
  since: number;
  /** camera clock − station clock, whole seconds, from the last init (null before one) */
  skewS: number | null;
}

export interface CameraFrame {
  camera: string;
  /** clock ms when the snapshot request went out */
  ts: number;
  jpeg: Buffer;
  width: number;
  height: number;
  /** the pixels the validating decode produced (RGBA, width × height × 4): decode once */
  rgba: Uint8Array;
}

export interface OnvifCameraStats {
  inits: number;
  initFailures: number;
  /** snapshot requests sent (retries included) */
  snapshots: number;
  frames: number;
  corrupt: number;
  timeouts: number;
  authFailures: number;
  /** scheduled snapshots skipped because the previous one was still running */
  skipped: number;
  bytes: number;
  lastFrameAt: number | null;
  lastError: string | null;
}

export interface OnvifCameraOptions {
  /** camera id in the station (frames and status carry it) */
  id: string;
  /** device service URL, e.g. http://192.168.1.64/onvif/device_service */
  xaddr: string;
  user: string;
  password: string;
  clock: Clock;
  log?: TransportLog;
  /** real ms allowed for init and for each snapshot (default 10000) */
  timeoutMs?: number;
  /** extra attempts of a failed call before the camera is flagged (default 2; never for refused credentials) */
  retries?: number;
  /** clock ms between scheduled snapshots, aligned to the clock (default 600000: every 10 min) */
  intervalMs?: number;
  /** re-init backoff while the camera is down, clock ms (default 5 s doubling to 5 min) */
  backoff?: { initialMs?: number; maxMs?: number };
}

/** A retry never comes sooner than this in real time, however fast the scenario clock runs. */
const MIN_REAL_DELAY_MS = 50;
const RETRY_BASE_MS = 1000;

const STATE_OF: Record<CameraError['kind'], CameraState> = { timeout: 'offline', offline: 'offline', auth: 'auth-failed', corrupt: 'error', error: 'error' };

export class OnvifCameraDriver extends EventEmitter {
  readonly id: string;
  readonly xaddr: string;
  private user: string;
  private password: string;
  private readonly clock: Clock;
  private readonly log: TransportLog | undefined;
  readonly timeoutMs: number;
  readonly retries: number;
  private interval: number;
  private readonly backoffInitial: number;
  private readonly backoffMax: number;
  private device: OnvifDevice | null = null;
  private deviceInfo: OnvifDeviceInformation | null = null;
  private st: CameraStatus;
  private started = false;
  private stopped = false;
  private generation = 0;
  /** the next scheduled snapshot */
  private timer: Timer | null = null;
  /** retry and backoff waits in progress: stop() and setCredentials() end them early */
  private waits = new Set<{ timer: Timer; resolve: () => void }>();
  private backoffMs: number;
  private inFlight: Promise<CameraFrame> | null = null;
  private connecting = false;
  readonly stats: OnvifCameraStats = { inits: 0, initFailures: 0, snapshots: 0, frames: 0, corrupt: 0, timeouts: 0, authFailures: 0, skipped: 0, bytes: 0, lastFrameAt: null, lastError: null };

  constructor(opts: OnvifCameraOptions) {
    super();
    if (!opts.id) throw new RangeError('camera id: must not be empty');
    let url: URL;
    try {
      url = new URL(opts.xaddr);
    } catch {
      throw new RangeError(`camera ${opts.id} xaddr: not a URL ("${opts.xaddr}")`);
    }
    if (url.protocol !== 'http:') throw new RangeError(`camera ${opts.id} xaddr: must be http:// (node-onvif cannot talk ${url.protocol}), got "${opts.xaddr}"`);
    const bad = credentialProblem(opts.user, opts.password);
    if (bad) throw new RangeError(`camera ${opts.id} ${bad}`);
    for (const [k, v] of [['timeoutMs', opts.timeoutMs], ['intervalMs', opts.intervalMs]] as const) {
      if (v !== undefined && !(v > 0 && Number.isFinite(v))) throw new RangeError(`camera ${opts.id} ${k}: must be a positive number of ms, got ${v}`);
    }
    if (opts.retries !== undefined && !(Number.isInteger(opts.retries) && opts.retries >= 0)) throw new RangeError(`camera ${opts.id} retries: must be a whole number ≥ 0, got ${opts.retries}`);
    this.id = opts.id;
    this.xaddr = opts.xaddr;
    this.user = opts.user;
    this.password = opts.password;
    this.clock = opts.clock;
    this.log = opts.log;
    this.timeoutMs = opts.timeoutMs ?? 10_000;
    this.retries = opts.retries ?? 2;
    this.interval = opts.intervalMs ?? 600_000;
    this.backoffInitial = opts.backoff?.initialMs ?? 5_000;
    this.backoffMax = Math.max(this.backoffInitial, opts.backoff?.maxMs ?? 300_000);
    this.backoffMs = this.backoffInitial;
    this.st = { camera: this.id, state: 'offline', reason: 'not reached yet', since: this.clock.now(), skewS: null };
  }

  /** current status (also sent as 'status' on every change) */
  get status(): Readonly<CameraStatus> {
    return this.st;
  }

  /** GetDeviceInformation of the last successful init, or null */
  get info(): Readonly<OnvifDeviceInformation> | null {
    return this.deviceInfo;
  }

  get intervalMs(): number {
    return this.interval;
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    void this.connect();
  }

  /** Stop the schedule; a call in flight finishes but its result is dropped. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.generation++;
    this.timer?.cancel();
    this.timer = null;
    this.wake();
    await this.inFlight?.catch(() => undefined);
  }

  /** Change the cadence (severe weather: more often). The next snapshot moves to the new grid. */
  setInterval(ms: number): void {
    if (!(ms > 0 && Number.isFinite(ms))) throw new RangeError(`camera ${this.id} interval: must be a positive number of ms, got ${ms}`);
    if (ms === this.interval) return;
    this.interval = ms;
    this.log?.info({ camera: this.id, intervalMs: ms }, 'camera snapshot interval changed');
    if (this.device && this.started && !this.stopped) this.scheduleNext();
  }

  /** New credentials (the camera's password was changed on purpose): re-init at once. */
  setCredentials(user: string, password: string): void {
    const bad = credentialProblem(user, password);
    if (bad) throw new RangeError(`camera ${this.id} ${bad}`);
    this.user = user;
    this.password = password;
    this.device = null;
    this.wake();
    if (this.started && !this.stopped) void this.connect();
  }

  /** Take a frame now (emitted as 'frame' too). Rejects with a CameraError when the camera is not usable. */
  snapshot(): Promise<CameraFrame> {
    if (this.stopped) return Promise.reject(new CameraError(this.id, 'error', 'driver stopped'));
    if (!this.device) return Promise.reject(new CameraError(this.id, this.st.state === 'auth-failed' ? 'auth' : 'offline', `not initialised: ${this.st.reason}`));
    this.inFlight ??= this.takeSnapshot(this.device).finally(() => { this.inFlight = null; });
    return this.inFlight;
  }

  // ----- internals -----

  /** Wait ms of clock time (at least MIN_REAL_DELAY_MS real), or until wake(). */
  private delay(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const w = {
        timer: this.clock.after(Math.max(ms, MIN_REAL_DELAY_MS * this.clock.speed), () => {
          this.waits.delete(w);
          resolve();
        }),
        resolve,
      };
      this.waits.add(w);
    });
  }

  private wake(): void {
    for (const w of this.waits) {
      w.timer.cancel();
      w.resolve();
    }
    this.waits.clear();
  }

  /** Run `call` with up to `retries` extra attempts (1 s, 2 s, … clock), never retrying refused credentials. */
  private async attempt<T>(step: string, call: () => Promise<T>): Promise<T> {
    let last: CameraError | null = null;
    for (let i = 0; i <= this.retries; i++) {
      if (i > 0) await this.delay(RETRY_BASE_MS * 2 ** (i - 1));
      if (this.stopped) break;
      try {
        return await call();
      } catch (e) {
        last = classify(this.id, step, e);
        this.stats.lastError = last.reason;
        if (last.kind === 'timeout') this.stats.timeouts++;
        if (last.kind === 'auth') this.stats.authFailures++;
        if (last.kind === 'corrupt') this.stats.corrupt++;
        if (!this.stopped && this.listenerCount('error') > 0) this.emit('error', last);
        if (last.kind === 'auth') break;
      }
    }
    throw last ?? new CameraError(this.id, 'error', `${step}: driver stopped`);
  }

  private setStatus(state: CameraState, reason: string): void {
    if (this.stopped || (state === this.st.state && reason === this.st.reason)) return;
    const since = state === this.st.state ? this.st.since : this.clock.now();
    this.st = { camera: this.id, state, reason, since, skewS: this.st.skewS };
    if (state === 'online') this.log?.info({ camera: this.id, reason }, 'camera online');
    else this.log?.warn({ camera: this.id, state, reason }, `camera ${state}`);
    this.emit('status', { ...this.st });
  }

  private timeoutError(step: string): CameraError {
    return new CameraError(this.id, 'timeout', `${step}: no answer within ${this.timeoutMs} ms`);
  }

  private async initOnce(): Promise<OnvifDevice> {
    const dev = new onvif.OnvifDevice({ xaddr: this.xaddr, user: this.user, pass: this.password });
    let skewS: number | null = null;
    installTimeSync(dev, (cameraTs, halfTripMs) => {
      skewS = Math.round((cameraTs - (this.clock.now() - halfTripMs * this.clock.speed)) / 1000) || 0;
    });
    this.stats.inits++;
    try {
      const info = await withTimeout(dev.init(), this.timeoutMs, () => this.timeoutError('init'));
      const profile = dev.getCurrentProfile();
      if (!profile) throw new CameraError(this.id, 'error', 'init: the camera has no media profile');
      if (!profile.snapshot) throw new CameraError(this.id, 'error', `init: profile ${profile.token} has no snapshot URI (GetSnapshotUri failed or unsupported)`);
      this.deviceInfo = info;
      this.st = { ...this.st, skewS };
      return dev;
    } catch (e) {
      this.stats.initFailures++;
      if (e instanceof CameraError && e.kind === 'timeout') abandonConnections(this.xaddr);
      throw e;
    }
  }

  private async connect(): Promise<void> {
    if (this.connecting) return;
    this.connecting = true;
    const gen = this.generation;
    try {
      while (!this.stopped && gen === this.generation && !this.device) {
        try {
          this.device = await this.attempt('init', () => this.initOnce());
          this.backoffMs = this.backoffInitial;
          const i = this.deviceInfo!;
          const p = this.device.getCurrentProfile()!;
          const res = p.video.encoder?.resolution;
          const skew = this.st.skewS;
          this.setStatus('online', `${i.Manufacturer} ${i.Model} (firmware ${i.FirmwareVersion}, serial ${i.SerialNumber})`
            + `${res ? `, ${res.width}×${res.height}` : ''}${skew !== null && Math.abs(skew) >= 2 ? `; camera clock ${skew > 0 ? '+' : ''}${skew} s off the station clock` : ''}`);
        } catch (e) {
          const err = e as CameraError;
          this.setStatus(STATE_OF[err.kind], err.reason);
          const wait = this.backoffMs;
          this.backoffMs = Math.min(this.backoffMax, this.backoffMs * 2);
          await this.delay(wait);
        }
      }
    } finally {
      this.connecting = false;
    }
    if (this.device && !this.stopped && gen === this.generation) this.tick();
  }

  private scheduleNext(): void {
    this.timer?.cancel();
    const now = this.clock.now();
    const next = (Math.floor(now / this.interval) + 1) * this.interval;
    const gen = this.generation;
    this.timer = this.clock.after(next - now, () => {
      if (gen === this.generation) this.tick();
    });
  }

  private tick(): void {
    if (this.stopped) return;
    if (!this.device) return void this.connect();
    this.scheduleNext();
    if (this.inFlight) {
      this.stats.skipped++;
      return;
    }
    this.snapshot().catch(() => undefined); // outcome already in status / 'error'
  }

  private async fetchOnce(dev: OnvifDevice): Promise<CameraFrame> {
    const url = dev.getCurrentProfile()?.snapshot ?? this.xaddr;
    let ts = this.clock.now();
    const res = await fetchSnapshot(dev, this.timeoutMs, () => {
      abandonConnections(url);
      return this.timeoutError('snapshot');
    }, () => {
      ts = this.clock.now(); // the picture is taken when our turn comes
      this.stats.snapshots++;
    });
    const img = inspectJpeg(res.body);
    if (!img.ok) throw new CameraError(this.id, 'corrupt', `snapshot refused: ${img.reason}`);
    return { camera: this.id, ts, jpeg: res.body, width: img.width, height: img.height, rgba: img.rgba };
  }

  private async takeSnapshot(dev: OnvifDevice): Promise<CameraFrame> {
    const gen = this.generation;
    try {
      const frame = await this.attempt('snapshot', () => this.fetchOnce(dev));
      if (this.stopped || gen !== this.generation) return frame;
      this.stats.frames++;
      this.stats.bytes += frame.jpeg.length;
      this.stats.lastFrameAt = frame.ts;
      if (this.st.state !== 'online') this.setStatus('online', `snapshots again (${frame.width}×${frame.height})`);
      this.emit('frame', frame);
      return frame;
    } catch (e) {
      const err = e as CameraError;
      if (this.stopped || gen !== this.generation) throw err;
      this.setStatus(STATE_OF[err.kind], err.reason);
      // A camera that answers with spoiled pictures is still there; anything else needs a fresh init.
      if (err.kind !== 'corrupt' && this.device === dev) {
        this.device = null;
        this.timer?.cancel();
        void this.connect();
      }
      throw err;
    }
  }
}
