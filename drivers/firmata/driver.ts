// A Firmata board (Arduino + StandardFirmata) read through johnny-five: a cup anemometer and
// a tipping bucket on digital pins (closures counted from raw port reports, never with
// johnny-five's Button, which loses edges from 50 Hz — serial-node.md), the resistor-ladder
// vane on an analog pin, a BMP280 on I²C compensated here (bmp280.ts; johnny-five's own
// maths is not used). Every `reportIntervalMs` of clock time it reports one set of values.
//
// The bytes go through the project's Transport (reconnect, backoff, watchdog). johnny-five
// cannot reconnect a Board (serial-node.md "pitfalls"), so each time the transport opens we
// build a fresh Firmata on it and a fresh Board around that, and forget the old ones.
import { EventEmitter } from 'node:events';
import fio, { type Firmata, type FirmataTransport } from 'firmata-io';
import five from 'johnny-five';
import type { Driver, DriverState, DriverStats } from '../driver.ts';
import { NOT_CHECKED, qc, type Clock, type Observation, type Quantity, type Rejection, type Timer } from '../../core/index.ts';
import type { Transport } from '../transport/types.ts';
import { TransportListener } from '../transport/listener.ts';
import { BMP280_CHIP_ID, BMP280_RANGE, CONFIG, CTRL_MEAS_NORMAL, REG, compensate, parseCalibration, parseRawData, type Bmp280Calibration } from './bmp280.ts';
import { PinEdges, PulseRate, TipCounter } from './counters.ts';
import { SPARKFUN_VANE, vaneDirection } from './vane.ts';

export interface FirmataBoardOptions {
  /** Sensor id from the station config; goes into every Observation. */
  sensor: string;
  transport: Transport;
  clock: Clock;
  /** Cup anemometer: digital pin and m/s per closure per second (SparkFun 0.6667). */
  anemometer?: { pin: number; msPerHz: number };
  /** Tipping bucket: digital pin, mm per tip (SparkFun 0.2794), debounce in clock ms (100). */
  rain?: { pin: number; mmPerTip: number; debounceMs?: number };
  /** Vane: analog channel (0 = A0), pull-up ohms (10 kΩ), mast offset added to the reading. */
  vane?: { channel: number; pullUpOhms?: number; offsetDeg?: number };
  /** BMP280: I²C address (0x77, or 0x76 with SDO low). */
  bmp280?: { address: number };
  /** Clock ms between reports (default 1000). */
  reportIntervalMs?: number;
  /** Gust window, clock ms (default 3000, WMO). */
  gustWindowMs?: number;
  /** johnny-five's board-ready timeout, real ms (default 10000). */
  readyTimeoutMs?: number;
  /**
   * The board's sampling interval (Firmata SAMPLING_INTERVAL), real ms: how often it sends
   * the vane's analog value and the BMP280's continuous I²C read. Default: a tenth of the
   * report interval in real time, within 19–100 ms (see samplingIntervalFor).
   */
  samplingIntervalMs?: number;
}

/**
 * StandardFirmata samples every 19 ms: ~52 vane values and ~52 BMP280 reads a second, for a
 * report a second. Each is a message the host reads and parses (at a station the Firmata
 * board was most of the gateway's serial reads, bench/station.ts). About ten vane samples per
 * report keep the vector mean well sampled (WMO-No. 8 asks 4 Hz for wind direction), and the
 * BMP280 itself converts about once a second in normal mode. Never slower than 100 ms; never
 * faster than the firmware's own 19 ms, which a fast scenario clock (a report interval of a
 * few real ms) asks for.
 */
export function samplingIntervalFor(reportIntervalMs: number, clockSpeed: number): number {
  return Math.min(100, Math.max(19, Math.floor(reportIntervalMs / clockSpeed / 10)));
}

export interface FirmataStats extends DriverStats {
  /** the firmware the board reported, e.g. "StandardFirmata.ino 2.5" */
  firmware: string | null;
  anemometerClosures: number;
  rainTips: number;
  rainBounces: number;
}

interface Session {
  conn: FirmataTransport;
  io: Firmata;
  board: five.Board;
  ready: boolean;
  calibration: Bmp280Calibration | null;
  raw: Uint8Array | null;
  rawAt: number;
  vane: number[];
  /** the last valid direction and when: the vane samples every samplingMs of real time, so at a
   *  fast scenario clock a report interval can pass without one (see direction()) */
  lastVane: { deg: number; at: number } | null;
  dataAt: number;
}

/**
 * Events: 'observations' (Observation[]), 'rejection' (Rejection), 'state' ({ state, detail? }),
 * 'ready' (firmware name) each time a board session is up.
 */
export class FirmataBoardDriver extends EventEmitter implements Driver {
  readonly sensor: string;
  private readonly transport: Transport;
  private readonly clock: Clock;
  private readonly opts: FirmataBoardOptions;
  private readonly reportIntervalMs: number;
  /** the board's sampling interval, real ms */
  readonly samplingMs: number;
  private readonly cups: PulseRate | null;
  private readonly bucket: TipCounter | null;
  private readonly cupEdges = new PinEdges();
  private readonly rainEdges = new PinEdges();
  private session: Session | null = null;
  private reportTimer: Timer | null = null;
  private lastReport = 0;
  private running = false;
  private readonly counters: FirmataStats = { lines: 0, observations: 0, rejections: 0, lastLineAt: null, firmware: null, anemometerClosures: 0, rainTips: 0, rainBounces: 0 };
  private readonly link: TransportListener;

  constructor(opts: FirmataBoardOptions) {
    super();
    this.sensor = opts.sensor;
    this.transport = opts.transport;
    this.clock = opts.clock;
    this.opts = opts;
    this.reportIntervalMs = opts.reportIntervalMs ?? 1000;
    if (!(this.reportIntervalMs >= 100)) throw new RangeError(`reportIntervalMs must be >= 100, got ${opts.reportIntervalMs}`);
    this.samplingMs = opts.samplingIntervalMs ?? samplingIntervalFor(this.reportIntervalMs, this.clock.speed);
    if (!(Number.isInteger(this.samplingMs) && this.samplingMs >= 10 && this.samplingMs <= 65535)) throw new RangeError(`samplingIntervalMs must be an integer 10–65535, got ${opts.samplingIntervalMs}`);
    for (const [what, pin] of [['anemometer', opts.anemometer?.pin], ['rain', opts.rain?.pin]] as const) {
      if (pin !== undefined && !(Number.isInteger(pin) && pin >= 0 && pin < 128)) throw new RangeError(`${what} pin must be a digital pin number, got ${pin}`);
    }
    if (opts.anemometer && opts.rain && opts.anemometer.pin === opts.rain.pin) throw new RangeError('anemometer and rain gauge cannot share a pin');
    this.cups = opts.anemometer ? new PulseRate(opts.anemometer.msPerHz, opts.gustWindowMs ?? 3000) : null;
    this.bucket = opts.rain ? new TipCounter(opts.rain.mmPerTip, opts.rain.debounceMs ?? 100) : null;
    this.link = new TransportListener(this.transport, { data: (c) => this.onData(c), open: () => this.onOpen(), close: (r) => this.onClose(r) });
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.setState('connecting');
    this.link.attach();
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.endSession();
    await this.link.detach();
    this.setState('closed', 'stopped');
  }

  stats(): FirmataStats {
    return { ...this.counters, rainTips: this.bucket?.tips ?? 0, rainBounces: this.bucket?.bounces ?? 0 };
  }

  /** Rain since the driver started, mm (host-side: a board reset does not clear it). */
  get rainTotalMm(): number {
    return this.bucket?.totalMm ?? 0;
  }

  private onOpen(): void {
    this.endSession();
    this.setState('connecting', 'port open, waiting for the board (REPORT_VERSION)');
    const conn = new EventEmitter() as FirmataTransport;
    conn.write = (data: Buffer, cb?: (err?: Error | null) => void) => {
      // A stale session (before a reconnect) must never write to the new link.
      const ok = this.session?.conn === conn && this.transport.write(Buffer.from(data));
      cb?.(ok ? null : new Error('port closed'));
      return ok;
    };
    // A board that only resets on DTR (none on a PTY or a device server) may have sent its
    // version long ago: ask for it after 1 s instead of firmata.js's default 5 s.
    const io = new fio.Firmata(conn, { reportVersionTimeout: 1000 });
    // repl, debug and sigint default to true: a daemon wants none of them (serial-node.md).
    const boardOptions = { io, repl: false, debug: false, sigint: false, timeout: this.opts.readyTimeoutMs ?? 10_000 };
    const board = new five.Board(boardOptions as five.BoardOption);
    const s: Session = { conn, io, board, ready: false, calibration: null, raw: null, rawAt: 0, vane: [], lastVane: null, dataAt: this.clock.now() };
    this.session = s;
    board.on('error', (err: Error) => {
      if (this.session !== s) return;
      // No REPORT_VERSION/firmware in time (wrong baud, not a Firmata board): the transport's
      // idle watchdog or the technician must act; the driver says why it waits.
      this.setState('connecting', `board not ready: ${err.message}`);
    });
    board.on('ready', () => {
      if (this.session !== s) return;
      this.configure(s);
    });
    conn.on('error', () => {});
    process.nextTick(() => conn.emit('open')); // johnny-five counts the board connected on 'open'
  }

  /**
   * firmata.js throws out of its sysex handlers on some malformed replies (a pin-state
   * reply for a pin the board never listed, found by fuzzing), leaving its buffer full. We
   * hand it one sysex at a time (cut after each F7, where such a throw can happen), so a
   * throw costs that one message: we clear its buffer and count a rejection.
   */
  private onData(chunk: Buffer): void {
    const s = this.session;
    if (!s) return;
    let from = 0;
    while (from < chunk.length) {
      const end = chunk.indexOf(0xf7, from);
      const piece = chunk.subarray(from, end < 0 ? chunk.length : end + 1);
      from += piece.length;
      try {
        s.conn.emit('data', piece);
      } catch (err) {
        (s.io as unknown as { buffer: number[] }).buffer.length = 0;
        this.reject(`firmata.js refused a message: ${(err as Error).message}`, piece);
      }
      if (this.session !== s) return;
    }
  }

  private onClose(reason: string): void {
    this.endSession();
    if (this.running) this.setState('connecting', reason);
  }

  private endSession(): void {
    const s = this.session;
    this.session = null;
    this.reportTimer?.cancel();
    this.reportTimer = null;
    this.cupEdges.reset();
    this.rainEdges.reset();
    this.cups?.reset();
    if (s) {
      s.conn.emit('close');
      s.io.removeAllListeners();
      s.io.on('error', () => {});
    }
  }

  private configure(s: Session): void {
    const io = s.io;
    s.ready = true;
    this.counters.firmware = `${io.firmware.name} ${io.firmware.version.major}.${io.firmware.version.minor}`;
    const seen = () => {
      s.dataAt = this.clock.now();
      this.counters.lastLineAt = s.dataAt;
    };
    const { anemometer, rain, vane, bmp280 } = this.opts;
    // Before any analog or continuous I²C report is asked for (samplingIntervalFor says why).
    if (vane || bmp280) io.setSamplingInterval(this.samplingMs);
    if (anemometer && this.cups) {
      io.pinMode(anemometer.pin, io.MODES.PULLUP);
      io.digitalRead(anemometer.pin, (v) => {
        seen();
        if (this.session === s && this.cupEdges.push(v)) {
          this.cups!.closure();
          this.counters.anemometerClosures++;
        }
      });
    }
    if (rain && this.bucket) {
      io.pinMode(rain.pin, io.MODES.PULLUP);
      io.digitalRead(rain.pin, (v) => {
        seen();
        if (this.session === s && this.rainEdges.push(v)) this.bucket!.closure(this.clock.now());
      });
    }
    if (vane) {
      io.analogRead(vane.channel, (v) => {
        seen();
        s.vane.push(v);
      });
    }
    if (bmp280) {
      io.i2cConfig({ delay: 0 });
      io.i2cReadOnce(bmp280.address, REG.chipId, 1, (id) => {
        if (this.session !== s) return;
        if (id[0] !== BMP280_CHIP_ID) this.reject(`I²C 0x${bmp280.address.toString(16)}: chip id 0x${(id[0] ?? 0).toString(16)}, not a BMP280 (0x58)`, id);
      });
      io.i2cReadOnce(bmp280.address, REG.calib, 24, (bytes) => {
        if (this.session !== s) return;
        const c = parseCalibration(Uint8Array.from(bytes));
        if ('reason' in c) this.reject(`BMP280 ${c.reason}`, bytes);
        else s.calibration = c;
      });
      io.i2cWrite(bmp280.address, REG.config, [CONFIG]);
      io.i2cWrite(bmp280.address, REG.ctrlMeas, [CTRL_MEAS_NORMAL]);
      io.i2cRead(bmp280.address, REG.data, 6, (bytes) => {
        seen();
        s.raw = Uint8Array.from(bytes);
        s.rawAt = this.clock.now();
      });
    }
    this.setState('open', this.counters.firmware);
    this.emit('ready', this.counters.firmware);
    this.lastReport = this.clock.now();
    this.reportTimer = this.clock.every(this.reportIntervalMs, () => this.report(s));
  }

  private report(s: Session): void {
    if (this.session !== s) return;
    const ts = this.clock.now();
    const ms = ts - this.lastReport;
    this.lastReport = ts;
    const obs: Observation[] = [];
    const add = (quantity: Quantity, value: number | null, reason?: string) => {
      obs.push({ ts, sensor: this.sensor, quantity, value, qc: value === null ? qc('missing', 'sensor_status') : NOT_CHECKED });
      if (reason) this.reject(reason);
    };
    if (this.cups) {
      const w = this.cups.interval(ms);
      add('wind_speed', round(w.speed, 2));
      add('wind_speed_of_gust', round(w.gust, 2));
    }
    if (this.bucket) add('precipitation_amount_since_reset', this.bucket.totalMm);
    if (this.opts.vane) {
      const dir = this.direction(s, s.vane.splice(0), ts);
      add('wind_from_direction', dir.deg, dir.reason);
    }
    if (this.opts.bmp280) {
      const p = this.pressure(s, ts);
      add('air_pressure', p.hPa, p.reason);
    }
    this.counters.lines++;
    this.counters.observations += obs.length;
    this.emit('observations', obs);
  }

  /** The vector mean of the interval's valid vane positions; refused samples are counted. */
  private direction(s: Session, samples: number[], ts: number): { deg: number | null; reason?: string } {
    const v = this.opts.vane!;
    const wiring = { ...SPARKFUN_VANE, pullUpOhms: v.pullUpOhms ?? SPARKFUN_VANE.pullUpOhms };
    let x = 0;
    let y = 0;
    let n = 0;
    let refused: string | undefined;
    for (const adc of samples) {
      const r = vaneDirection(adc, wiring);
      if ('reason' in r) {
        refused = r.reason;
        continue;
      }
      x += Math.sin((r.deg * Math.PI) / 180);
      y += Math.cos((r.deg * Math.PI) / 180);
      n++;
    }
    if (n === 0) {
      if (!refused && s.lastVane && ts - s.lastVane.at <= 3 * this.reportIntervalMs) return { deg: s.lastVane.deg };
      return { deg: null, reason: refused ?? `no vane reading on A${v.channel} in the last ${3 * this.reportIntervalMs} ms` };
    }
    const deg = round(((Math.atan2(x, y) * 180) / Math.PI + (v.offsetDeg ?? 0) + 720) % 360, 1);
    s.lastVane = { deg, at: ts };
    return { deg };
  }

  private pressure(s: Session, ts: number): { hPa: number | null; reason?: string } {
    const addr = `I²C 0x${this.opts.bmp280!.address.toString(16)}`;
    if (!s.calibration) return { hPa: null, reason: `BMP280 at ${addr}: no calibration read (chip absent?)` };
    if (!s.raw || ts - s.rawAt > 3 * this.reportIntervalMs) return { hPa: null, reason: `BMP280 at ${addr}: no measurement in ${3 * this.reportIntervalMs} ms` };
    const raw = parseRawData(s.raw);
    if ('reason' in raw) return { hPa: null, reason: `BMP280 ${raw.reason}` };
    const c = compensate(raw.adcT, raw.adcP, s.calibration);
    if ('reason' in c) return { hPa: null, reason: `BMP280 ${c.reason}` };
    const hPa = c.pPa / 100;
    const [lo, hi] = BMP280_RANGE.hPa;
    if (hPa < lo || hPa > hi || c.tC < BMP280_RANGE.tC[0] || c.tC > BMP280_RANGE.tC[1]) {
      return { hPa: null, reason: `BMP280 reading outside the chip's range: ${round(hPa, 2)} hPa at ${round(c.tC, 2)} °C` };
    }
    return { hPa: round(hPa, 2) };
  }

  private reject(reason: string, raw: ArrayLike<number> = []): void {
    const r: Rejection = { ts: this.clock.now(), sensor: this.sensor, raw: Array.from(raw, (b) => b.toString(16).padStart(2, '0')).join(' ').slice(0, 200), reason };
    this.counters.rejections++;
    this.emit('rejection', r);
  }

  private setState(state: DriverState, detail?: string): void {
    this.emit('state', detail === undefined ? { state } : { state, detail });
  }
}

function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}
