// The gateway daemon's wiring, one direction only:
// transport → driver → QC → raw store → minute closer → outbox → uplink.
import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Clock, MinuteRecord, Observation, Quantity, Rejection, Timer } from '../../core/index.ts';
import type { Driver } from '../../drivers/index.ts';
import type { SensorConfig, StationConfig } from '../config/schema.ts';
import { RateLimitedLog, type Logger } from '../log.ts';
import { checkRange, type ClimateLimits } from '../qc/range.ts';
import { qcSettings } from '../qc/minute.ts';
import { RawStepCheck } from '../qc/raw-step.ts';
import { openDatabase, Outbox, RawWriter, type Db } from '../store/index.ts';
import { isDiskFull } from '../store/disk-full.ts';
import { Uplink } from '../uplink/uplink.ts';
import { StoreQuota } from '../store/quota.ts';
import { DiskFullSafeRawWriter } from '../store/disk-full.ts';
import { MinuteCloser } from './minutes.ts';
import { NowcastRunner, type ModelCmd } from './nowcast.ts';
import { sensorFamily } from '../sensors/index.ts';
import { CommandRegistry } from '../commands/registry.ts';
import { attachCommandChannel, type CommandChannel } from '../commands/index.ts';
import { restartHandler } from '../commands/restart.ts';
import { setConfigHandler } from '../commands/set-config.ts';
import { healthSnapshot, statusBody } from '../health/index.ts';
import { markTime } from '../time/correct.ts';
import { StationTime, stationTimeSync } from '../time/station.ts';
import type { TimeSync } from '../time/sync.ts';
import { CameraHub } from '../camera/cameras.ts';


export interface SensorHealth {
  id: string;
  state: string;
  lines: number;
  observations: number;
  rejections: number;
  /** times the port was opened again after the first */
  reconnects: number;
  lastObservationAt: number | null;
}

interface RunningSensor { config: SensorConfig; driver: Driver; health: SensorHealth }

export class StationGateway extends EventEmitter {
  readonly db: Db;
  readonly outbox: Outbox;
  readonly uplink: Uplink;
  private readonly raw: RawWriter;
  private readonly closer: MinuteCloser;
  private readonly sensors: RunningSensor[] = [];
  private readonly warn: RateLimitedLog;
  private statusTimer: Timer | null = null;
  /** disk budget (storage.quota_mb; without it, only a full disk makes it evict) */
  readonly quota: StoreQuota;
  readonly startedAt: number;
  private clockSteppedAt: number | null = null;
  /** the latest QC'd value of each quantity, for displays */
  readonly latest = new Map<Quantity, Observation>();
  /** the station's nowcast (null: nowcast.enabled is false) */
  readonly nowcast: NowcastRunner | null;
  /** handlers of remote commands by name (gateway/commands/): each module registers its own */
  readonly commands = new CommandRegistry();
  /** the signed command channel on bonin/v1/{station}/cmd (gateway/commands/channel.ts) */
  readonly channel: CommandChannel;
  /** the station's time: the board's clock until a source says the true time (gateway/time/) */
  readonly time: TimeSync;
  readonly stationTime: StationTime;
  /** monotonic ms at start, for uptime */
  readonly startedMono: number;
  private readonly clock: Clock;
  /** the station's ONVIF cameras (gateway/camera/, docs/cameras.md); null without any */
  readonly cameras: CameraHub | null;

  /** `configPath`: the station file, for set-config. A restart (command) emits 'restart'; `bonin run` exits on it. */
  constructor(readonly config: StationConfig, boardClock: Clock, private readonly log: Logger, opts: { configPath?: string } = {}) {
    super();
    // Everything runs on the station's time: the board's clock until it is known, then the truth.
    this.time = stationTimeSync(config, boardClock, log);
    const clock = this.time.clock;
    this.clock = clock;
    this.startedMono = this.time.mono();
    this.startedAt = clock.now();
    // The watchdog's marks (gateway/service/watchdog.ts) count from a step of the clock.
    const stepped = () => { this.clockSteppedAt = clock.now(); };
    this.time.on('synchronised', stepped);
    this.time.on('corrected', stepped);
    this.warn = new RateLimitedLog(log, clock);
    this.db = openDatabase(config.storage.path, { exclusive: !config.storage.shared_reads });
    // sends, acks and the byte budget's counts go with the minute commit, not a commit each (docs/decisions.md)
    this.outbox = new Outbox(this.db, config.station.id, { deferBookkeeping: true });
    const st = config.storage;
    this.quota = new StoreQuota(this.db, {
      quotaBytes: st.quota_mb ? st.quota_mb * 1024 * 1024 : Infinity, clock, log, rawRetentionMs: st.raw_retention_days * 86_400_000, timeKnown: () => this.time.synchronised,
      // acks held for the minute commit are written first: an acked batch is not evicted as unsent
      beforeEvictingBatches: () => this.outbox.writeLater(),
      ...(st.path !== ':memory:' && st.reserve_mb ? { reservePath: `${st.path}.reserve`, reserveBytes: st.reserve_mb * 1024 * 1024 } : {}),
    });
    // At raw_commit_s 60 (the default) the minute closer's commit (every commit_every_min) is
    // the only raw commit: a timer of its own would race it and add commits. 20,000 readings (a
    // few MB) bound the memory: two minutes of every sensor at 160 readings a second; past it
    // the writer commits early.
    this.raw = new DiskFullSafeRawWriter(this.db, clock, this.quota, log, { flushMs: st.raw_commit_s < 60 ? st.raw_commit_s * 1000 : null, maxPending: 20_000 });
    this.closer = new MinuteCloser({
      db: this.db, raw: this.raw, outbox: this.outbox, clock, elevationM: config.station.elevation_m,
      everyMinutes: st.commit_every_min,
      // A camera is a sensor expecting nothing: its minutes are those it sent sky features in.
      sensors: new Map<string, readonly Quantity[]>([...config.sensors.map((s) => [s.id, sensorFamily(s.type).expected] as const), ...config.cameras.devices.map((c) => [c.id, []] as const)]),
      onCommit: (records, seq) => this.onCommit(records, seq),
      qc: qcSettings({ climate: config.qc.climate_limits as ClimateLimits, step: config.qc.step, persistence: config.qc.persistence, elevationM: config.station.elevation_m }),
      redundancy: config.qc.redundancy,
      onAggregates: (aggregates) => this.emit('aggregates', aggregates),
      hold: () => !this.time.synchronised,
      onDiskFull: (err) => {
        const evicted = this.quota.onDiskFull();
        this.warn.error('closer:disk-full', { err: err.message, evicted: evicted.length }, 'store: disk full while closing minutes; evicted by priority, closing them again next minute');
      },
    });
    const u = config.uplink;
    this.uplink = new Uplink(this.outbox, {
      station: config.station.id, broker: u.broker, protocolVersion: u.protocol_version, username: u.username,
      password: u.password_file ? readFileSync(u.password_file, 'utf8').trim() : undefined,
      inFlight: u.in_flight, resendAfterMs: u.resend_after_s * 1000, keepaliveS: u.keepalive_s, clock, log,
      encoding: u.encoding, maxMessageRecords: u.max_message_records, backlogOrder: u.backlog_order, inFlightBytes: u.in_flight_bytes,
      budgetPerHour: u.budget_bytes_per_hour, budgetPerDay: u.budget_bytes_per_day, reconnectBaseMs: u.reconnect_min_s * 1000, reconnectCapMs: u.reconnect_max_s * 1000,
      ...(u.tls ? { tls: { ca: u.tls.ca_file, cert: u.tls.cert_file, key: u.tls.key_file } } : {}),
      status: () => this.statusSummary(),
      onDiskFull: () => {
        const evicted = this.quota.onDiskFull();
        this.warn.error('uplink:disk-full', { evicted: evicted.length }, 'uplink: disk full; evicted by priority');
      },
    });
    this.uplink.on('acked', (n) => this.emit('acked', n));
    const nc = config.nowcast;
    this.nowcast = nc.enabled
      ? new NowcastRunner({
        db: this.db, clock, log, station: config.station, model: nc.model, everyMin: nc.every_min, send: (body, done) => this.uplink.publishDirect('nowcast', body, done),
        publicKey: nc.public_key, modelsDir: nc.models_dir ?? (config.storage.path === ':memory:' ? undefined : join(dirname(config.storage.path), 'models')),
      })
      : null;
    this.channel = attachCommandChannel({ uplink: this.uplink, outbox: this.outbox, db: this.db, registry: this.commands, station: config.station.id, clock, log, commands: config.commands, synchronised: () => this.time.synchronised });
    const restart = (why: string) => this.requestRestart(why);
    this.commands.register('restart', restartHandler(restart));
    this.commands.register('set-config', setConfigHandler({ configPath: opts.configPath, restart }));
    // A signed model sent by command waits in <models>/incoming/ for the next run.
    this.commands.register('model', (args) => (this.nowcast ? this.nowcast.receiveModel(args as unknown as ModelCmd) : { ok: false, message: 'model: the nowcast is disabled (nowcast.enabled: false)' }));
    // Nowcasts made while the link was down go when it comes back.
    this.uplink.on('link', (state) => { if (state === 'up') this.nowcast?.sendPending(); });
    this.cameras = config.cameras.devices.length
      ? new CameraHub({
        config, db: this.db, clock, log, quota: this.quota, outbox: this.outbox, link: this.uplink, commands: this.commands,
        addObservations: (obs) => {
          const checked = markTime(obs.map((o) => checkRange(o, config.qc.climate_limits as ClimateLimits)), this.time);
          this.raw.add(checked);
          for (const o of checked) this.latest.set(o.quantity, o);
          this.emit('observations', checked);
        },
      })
      : null;
    // A thumbnail's or frame's sent mark waits for the minute commit, like the outbox's acks.
    if (this.cameras) this.closer.alsoWriteIn(this.cameras.frames.holdMarks());
    // Images go when the link has carried what was due (image-sender.ts).
    this.uplink.on('acked', () => this.cameras?.sender.pump());
    this.stationTime = new StationTime({ time: this.time, db: this.db, station: config.station.id, config, log, flushRaw: () => this.raw.flush(), closer: this.closer, uplink: this.uplink });
  }

  start(): void {
    this.log.info({ station: this.config.station.id, db: this.config.storage.path }, 'gateway: starting');
    this.stationTime.start();
    this.closer.start(); // first, catch up minutes a previous run stored but did not close
    for (const s of this.config.sensors) this.startSensor(s);
    this.uplink.start();
    this.nowcast?.start();
    this.cameras?.start();
    let statusAt = this.clock.now();
    this.statusTimer = this.clock.every(60_000, () => {
      try {
        this.quota.enforce();
      } catch (err) {
        // Evicting needs a little room itself; on a full disk the reserve file gives it.
        if (!isDiskFull(err)) throw err;
        this.quota.onDiskFull();
      }
      // a second of slack: the timer's ticks are a minute apart, not more
      if (this.clock.now() - statusAt < this.config.uplink.status_every_s * 1000 - 1000) return;
      statusAt = this.clock.now();
      this.uplink.publishStatus('online');
    });
  }

  private startSensor(config: SensorConfig): void {
    const driver = sensorFamily(config.type).create(config, { clock: this.clock, log: this.log });
    const health: SensorHealth = { id: config.id, state: 'connecting', lines: 0, observations: 0, rejections: 0, reconnects: 0, lastObservationAt: null };
    let opened = 0;
    const climate = this.config.qc.climate_limits as ClimateLimits;
    const rawStep = new RawStepCheck();
    driver.on('observations', (obs: Observation[]) => {
      // Until the time is known, each reading is flagged time-uncertain and keeps its monotonic time.
      const checked = markTime(obs.map((o) => rawStep.check(checkRange(o, climate))), this.time);
      this.raw.add(checked);
      health.observations += checked.length;
      health.lastObservationAt = this.clock.now();
      for (const o of checked) this.latest.set(o.quantity, o);
      this.emit('observations', checked);
    });
    driver.on('rejection', (r: Rejection) => {
      health.rejections++;
      this.warn.warn(`reject:${config.id}`, { sensor: config.id, raw: r.raw, reason: r.reason }, 'sensor: rejected a frame');
    });
    // A GNSS receiver's time (NMEA RMC/ZDA) may set the station's clock.
    driver.on('time', (t: { utcMs: number; at: number }) => this.stationTime.gnss(t));
    driver.on('state', (s: { state: string; detail?: string }) => {
      health.state = s.state;
      if (s.state === 'open' && opened++ > 0) health.reconnects++;
      this.log.info({ sensor: config.id, ...s }, `sensor: ${s.state}`);
    });
    driver.start();
    this.sensors.push({ config, driver, health });
  }

  private onCommit(records: MinuteRecord[], seq: number | null): void {
    this.log.debug({ records: records.length, seq }, 'gateway: minute committed');
    this.emit('minute', records, seq);
    this.uplink.pump();
    this.cameras?.onMinute(records);
  }

  /** A command asked for a restart (after its reply): `bonin run` stops and exits 0, systemd starts it again. */
  private requestRestart(why: string): void {
    this.log.warn({ why }, 'gateway: restart requested');
    if (!this.emit('restart', why)) this.log.error({ why }, 'gateway: nobody handles restarts in this process (not `bonin run`)');
  }

  /** Close every finished minute now (the demo uses it before its final audit). */
  closeDueMinutes(): void {
    this.closer.closeDue();
  }

  health(): SensorHealth[] {
    return this.sensors.map((s) => ({ ...s.health, lines: s.driver.stats().lines }));
  }

  /** The retained status message's body: the health snapshot, compact (gateway/health/status.ts, docs/health.md). */
  /** What the systemd watchdog watches (gateway/service/watchdog.ts): is the pipeline moving? */
  progress() {
    const last = this.sensors.map((x) => x.health.lastObservationAt).filter((t): t is number => t !== null);
    return { now: this.clock.now(), startedAt: this.startedAt, lastReadingAt: last.length ? Math.max(...last) : null, rawWritten: this.raw.written, uplinkTickAt: this.uplink.lastTickAt, clockSteppedAt: this.clockSteppedAt };
  }

  /** One line for systemd's STATUS=. */
  oneLine(): string {
    const reading = this.sensors.filter((x) => x.health.lastObservationAt !== null && this.clock.now() - x.health.lastObservationAt < 60_000).length;
    const c = this.outbox.counts();
    return `${reading}/${this.sensors.length} sensors reading, ${c.outboxBatches} batches queued, link ${this.uplink.connected ? 'up' : 'down'}`;
  }

  statusSummary(): Record<string, unknown> {
    return { ...statusBody(healthSnapshot(this)), ...(this.cameras ? { cameras: this.cameras.status() } : {}) };
  }

  async stop(): Promise<void> {
    this.statusTimer?.cancel();
    this.stationTime.stop();
    this.closer.stop();
    await this.nowcast?.stop();
    await Promise.all(this.sensors.map((s) => s.driver.stop()));
    await this.cameras?.stop();
    this.raw.flush();
    await this.uplink.stop();
    this.outbox.writeLater(); // the sends, acks and budget counts held since the last minute commit
    this.cameras?.frames.writeLater(); // and the images' sent marks
    this.db.close();
    this.log.info('gateway: stopped');
  }
}
