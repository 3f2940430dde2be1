// The nowcast in the gateway (issue #7): every `every_min` minutes of clock time, the
// station's own hourly aggregates become the model's input series, the shipped LiteRT model
// runs on the hour that ended last, and the nowcast is stored (table `nowcasts`) and sent on
// bonin/v1/{station}/nowcast.
//
// - One nowcast per (hour of inputs, model version): the inputs change once an hour, so the
//   runs between find it made already and store and send nothing (a paid link pays once).
// - Withheld (nothing stored, nothing sent, one warning per hour at most) when the current
//   hour has no usable aggregate, the history is short or an input is missing. The model
//   never sees a guess, and the centre reads "no message" as "no nowcast" — a status field
//   (`nowcast.withheld`, `nowcast.last_reason`) says why.
// - LiteRT is loaded lazily, on the first run that has enough history: `bonin run` starts
//   as fast as without it, and a station with a day of data never pays for it.
// - Only a signed model is loaded: its manifest's Ed25519 signature must verify against
//   `publicKey` (config nowcast.public_key; default the project key shipped beside the model)
//   and its .tflite must match the manifest's sha256. A model that fails is refused with one
//   error line; the gateway keeps running without nowcast.
// - Updates (model-shelf.ts): a new model dropped in <models>/incoming/ (a file drop, or the
//   `cmd` topic via receiveModel) is checked at the start of the next run — signature,
//   sha256, LiteRT load, a test run (model-test-run.ts) — and adopted (moved to active/,
//   loaded in preference to the configured model, so a restart keeps it) or rejected (moved
//   to rejected/ with the reason; the previous model keeps running). Status: `model`,
//   `model_source`, `updates`.
// - Delivery: QoS 1 and the broker's PUBACK, not the outbox's end-to-end ack (a nowcast has
//   no seq). Unsent nowcasts stay in the table and go, newest first, on the next run or
//   when the link comes back.
import type { KeyObject } from 'node:crypto';
import type { Clock, Timer } from '../../core/index.ts';
import { WIRE_VERSION } from '../../core/index.ts';
import { seriesFromHours } from '../../edge-model/from-hourly.ts';
import { WINDOW_HOURS } from '../../edge-model/features.ts';
import { NowcastModel, SHIPPED_MANIFEST, SHIPPED_PUBLIC_KEY, type ModelManifest, type Nowcast } from '../../edge-model/nowcast.ts';
import { loadPublicKey, readVerifiedModel } from '../../edge-model/signing.ts';
import type { HourValues } from '../../edge-model/from-hourly.ts';
import { RateLimitedLog, type Logger } from '../log.ts';
import type { Db } from '../store/db.ts';
import { HOUR_MS, NowcastStore } from '../store/nowcast.ts';
import { ModelShelf } from './model-shelf.ts';
import { testRunModel } from './model-test-run.ts';

export interface NowcastRunnerOptions {
  db: Db;
  clock: Clock;
  log: Logger;
  station: { id: string; longitude: number };
  /** manifest path; default the shipped model */
  model?: string;
  /** Ed25519 public key models must be signed with: a PEM file path or inline PEM; default the shipped project key */
  publicKey?: string;
  /** folder of model updates (incoming/, active/, previous/, rejected/); unset: no updates */
  modelsDir?: string;
  everyMin?: number;
  /** fewer hourly aggregates than this in the window: withheld without loading the model */
  minHours?: number;
  /** publish one nowcast message; false when it cannot go now; `done(true)` on the broker's PUBACK */
  send?: (body: string, done: (ok: boolean) => void) => boolean;
}

/** The message on bonin/v1/{station}/nowcast. */
export interface NowcastMessage {
  v: number;
  station: string;
  model: string;
  /** end of the last hour of inputs, UTC ms: the nowcast's "now"; +h is ts + h hours */
  ts: number;
  made: number;
  values: Nowcast['values'];
  rain_probability: number;
  rain_hours: number;
  /** inputs that were missing and stood in for (e.g. no precipitation reported): use with care */
  substituted: string[];
}

/** Runs after the hour's aggregates are closed (the minute closer's grace is 2 s). */
const AFTER_PERIOD_MS = 30_000;
const SEND_AT_ONCE = 24;
/** Sent nowcasts are kept this long (30 days: ≈ 720 rows of ≈ 1 kB); unsent ones until they go. */
const KEEP_MS = 30 * 24 * HOUR_MS;

/** A model update received on the `cmd` topic: the manifest and the base64 .tflite. */
export interface ModelCmd { manifest: unknown; tflite: unknown }

export type NowcastOutcome = { made: NowcastMessage } | { already: number } | { withheld: string } | { refused: string } | { busy: true };

export class NowcastRunner {
  readonly store: NowcastStore;
  private readonly every: number;
  private readonly warn: RateLimitedLog;
  private timer: Timer | null = null;
  private model: NowcastModel | null = null;
  private refusedWhy: string | null = null;
  private modelSource: 'configured' | 'adopted' | null = null;
  private pub: KeyObject | null = null;
  private shelf: ModelShelf | null;
  readonly updates = {
    adopted: 0, rejected: 0,
    last_adopted: null as null | { version: string; at: number; tested_on: string; cases: number },
    last_rejected: null as null | { file: string; version: string | null; reason: string; at: number },
  };
  private running: Promise<NowcastOutcome> | null = null;
  readonly stats = { runs: 0, made: 0, withheld: 0, sent: 0, last_reason: null as string | null, load_ms: null as number | null };

  constructor(private readonly o: NowcastRunnerOptions) {
    this.store = new NowcastStore(o.db);
    this.every = (o.everyMin ?? 10) * 60_000;
    this.warn = new RateLimitedLog(o.log, o.clock, HOUR_MS);
    this.shelf = null;
    try {
      if (o.modelsDir) this.shelf = new ModelShelf(o.modelsDir);
    } catch (err) { // an unwritable models folder costs the updates, not the station
      o.log.error({ dir: o.modelsDir, err: (err as Error).message }, 'nowcast: models folder unusable; model updates are off');
    }
  }

  /** First run at the next multiple of `every_min` (+30 s), then every `every_min`. */
  start(): void {
    const now = this.o.clock.now();
    const first = Math.ceil((now - AFTER_PERIOD_MS) / this.every) * this.every + AFTER_PERIOD_MS - now;
    this.timer = this.o.clock.after(Math.max(0, first), () => {
      this.timer = this.o.clock.every(this.every, () => void this.run());
      void this.run();
    });
  }

  /** One run now (the timer calls it; tests too). Never throws. */
  run(): Promise<NowcastOutcome> {
    if (this.running) return Promise.resolve({ busy: true });
    this.running = this.runOnce().catch((err: Error) => {
      this.o.log.error({ err: err.message }, 'nowcast: run failed');
      return { withheld: `error: ${err.message}` } as NowcastOutcome;
    }).finally(() => { this.running = null; });
    return this.running;
  }

  private async runOnce(): Promise<NowcastOutcome> {
    this.stats.runs++;
    const now = this.o.clock.now();
    const end = Math.floor(now / HOUR_MS) * HOUR_MS; // the last whole hour ends here
    const window = Math.max(WINDOW_HOURS, this.model?.manifest.window_hours ?? 0) + 1;
    const hours = this.store.hours(end - window * HOUR_MS, end);
    if (this.shelf) await this.checkIncoming(hours);
    if (this.refusedWhy) return { refused: this.refusedWhy };
    const current = hours.find((h) => h.ts === end - HOUR_MS);
    if (!current) return this.withheld(`no hourly aggregate for the hour ending ${new Date(end).toISOString()}`);
    if (hours.length < (this.o.minHours ?? 24)) return this.withheld(`history too short: ${hours.length} of ${window} hours`);
    const model = await this.loadModel();
    if (!model) return { refused: this.refusedWhy! };
    const version = model.manifest.version;
    if (this.store.has(end, version)) {
      this.sendPending();
      return { already: end };
    }
    const series = seriesFromHours(hours, { station: this.o.station.id, longitude: this.o.station.longitude });
    const nc = await model.predict(series, series.temperature.length - 1);
    if (!nc) return this.withheld('an input is missing (a gap or a value not good in the window)');
    const round = (v: number) => Math.round(v * 1000) / 1000;
    const msg: NowcastMessage = {
      v: WIRE_VERSION, station: this.o.station.id, model: version, ts: end, made: Math.round(now),
      values: nc.values.map((x) => ({ ...x, value: round(x.value) })),
      rain_probability: round(nc.rain_probability), rain_hours: nc.rain_hours, substituted: nc.substituted,
    };
    this.store.save({ ts: end, model: version, made: msg.made, payload: JSON.stringify(msg) });
    this.store.prune(end - KEEP_MS);
    this.stats.made++;
    this.stats.last_reason = null;
    this.o.log.info({ ts: new Date(end).toISOString(), model: version, substituted: nc.substituted }, 'nowcast: made');
    this.sendPending();
    return { made: msg };
  }

  private withheld(reason: string): NowcastOutcome {
    this.stats.withheld++;
    this.stats.last_reason = reason;
    this.warn.warn('nowcast-withheld', { reason }, 'nowcast: withheld');
    return { withheld: reason };
  }

  private key(): KeyObject {
    this.pub ??= loadPublicKey(this.o.publicKey ?? SHIPPED_PUBLIC_KEY);
    return this.pub;
  }

  /** Reads, verifies (signature, sha256) and loads a model in LiteRT; throws saying why not. */
  private async open(path: string): Promise<NowcastModel> {
    const { manifest, bytes } = readVerifiedModel(path, this.key());
    return NowcastModel.fromBytes(manifest, bytes);
  }

  /** The adopted model if there is one and it still verifies, else the configured one. */
  private async loadModel(): Promise<NowcastModel | null> {
    if (this.model) return this.model;
    const adopted = this.shelf?.activeManifest();
    const t0 = performance.now();
    if (adopted) {
      try {
        this.model = await this.open(adopted);
        this.modelSource = 'adopted';
      } catch (err) {
        this.o.log.error({ model: adopted, err: (err as Error).message }, 'nowcast: adopted model refused; falling back to the configured model');
      }
    }
    const path = this.model ? adopted! : this.o.model ?? SHIPPED_MANIFEST;
    try {
      if (!this.model) {
        this.model = await this.open(path);
        this.modelSource = 'configured';
      }
      this.stats.load_ms = Math.round(performance.now() - t0);
      this.o.log.info({ model: path, version: this.model.manifest.version, load_ms: this.stats.load_ms }, 'nowcast: model loaded');
      return this.model;
    } catch (err) {
      this.refusedWhy = `model ${path} refused: ${(err as Error).message}`;
      this.stats.last_reason = this.refusedWhy;
      this.o.log.error({ model: path, err: (err as Error).message }, 'nowcast: model refused; the gateway goes on without nowcast');
      return null;
    }
  }

  /**
   * Checks each model waiting in incoming/: adopted when it verifies, loads and passes the
   * test run on the station's recent hours; otherwise rejected and the running model kept.
   */
  private async checkIncoming(hours: HourValues[]): Promise<void> {
    for (const path of this.shelf!.pending()) {
      let manifest: ModelManifest | null = null;
      let candidate: NowcastModel | null = null;
      try {
        const read = readVerifiedModel(path, this.key());
        manifest = read.manifest;
        candidate = await NowcastModel.fromBytes(read.manifest, read.bytes);
        const series = hours.length >= (this.o.minHours ?? 24) ? seriesFromHours(hours, { station: this.o.station.id, longitude: this.o.station.longitude }) : undefined;
        const test = await testRunModel(candidate, series);
        if (!test.ok) throw new Error(`test run on ${test.on} inputs: ${test.reason}`);
        const active = this.shelf!.adopt(path, manifest.model_file);
        const old = this.model;
        this.model = candidate;
        candidate = null;
        old?.close();
        this.modelSource = 'adopted';
        this.refusedWhy = null;
        this.updates.adopted++;
        this.updates.last_adopted = { version: manifest.version, at: this.o.clock.now(), tested_on: test.on, cases: test.cases };
        this.o.log.info({ version: manifest.version, model: active, tested_on: test.on, cases: test.cases, previous: old?.manifest.version ?? null }, 'nowcast: new model adopted');
      } catch (err) {
        candidate?.close();
        const reason = (err as Error).message;
        const at = this.o.clock.now();
        let dir = path;
        try { dir = this.shelf!.reject(path, reason, at); } catch (e) { this.o.log.error({ model: path, err: (e as Error).message }, 'nowcast: could not move a rejected model'); }
        this.updates.rejected++;
        this.updates.last_rejected = { file: dir, version: manifest?.version ?? null, reason, at };
        this.o.log.error({ model: path, moved_to: dir, reason, running: this.model?.manifest.version ?? null }, 'nowcast: new model rejected; the previous model keeps running');
      }
    }
  }

  /**
   * A model from the `model` command (args {manifest, tflite: base64}; the command itself is
   * signed and checked by gateway/commands/channel.ts): written into incoming/ for the next
   * run, where its own manifest signature, sha256, load and test run are checked as for a
   * file drop. The answer says it was queued (or why not); adoption shows in status.
   */
  receiveModel(m: ModelCmd): { ok: boolean; message: string; file?: string } {
    try {
      if (!this.shelf) throw new Error('model updates are off (no models folder)');
      if (typeof m.manifest !== 'object' || m.manifest === null || typeof m.tflite !== 'string') throw new Error('needs manifest (object) and tflite (base64)');
      const modelFile = (m.manifest as { model_file?: unknown }).model_file;
      const path = this.shelf.receive(JSON.stringify(m.manifest, null, 2), String(modelFile), Buffer.from(m.tflite, 'base64'));
      this.o.log.info({ model: path }, 'nowcast: model received by cmd; checked at the next run');
      return { ok: true, file: path, message: `model received into ${path}; its signature, sha256 and a test run are checked at the next nowcast run (status nowcast.updates)` };
    } catch (err) {
      this.o.log.error({ err: (err as Error).message }, 'nowcast: model cmd refused');
      return { ok: false, message: `model refused: ${(err as Error).message}` };
    }
  }

  /** Unsent nowcasts, newest first, as far as the uplink takes them now. */
  sendPending(): void {
    const send = this.o.send;
    if (!send) return;
    for (const n of this.store.unsent(SEND_AT_ONCE)) {
      const ok = send(n.payload, (acked) => {
        if (!acked) return;
        try {
          this.store.markSent(n.ts, n.model, this.o.clock.now());
          this.stats.sent++;
        } catch { /* the store closed while the PUBACK was on its way: it goes again next start */ }
      });
      if (!ok) break;
    }
  }

  summary() {
    return {
      state: this.refusedWhy ? 'refused' : this.model ? 'ready' : 'idle', ...this.stats,
      model: this.model?.manifest.version ?? null, model_source: this.modelSource, updates: this.updates,
    };
  }

  async stop(): Promise<void> {
    this.timer?.cancel();
    await this.running;
    this.model?.close();
    this.model = null;
  }
}
