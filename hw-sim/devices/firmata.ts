// A Firmata board twin (an Arduino Uno running StandardFirmata 2.5) with a station's
// weather instruments wired to it: SparkFun-type cup anemometer and tipping bucket on
// digital pins (switches to ground, internal pull-ups), the resistor-ladder vane on an
// analog pin, a BMP280 on I²C. It answers what firmata.js needs before 'ready'
// (serial-node.md "Firmata handshake"): REPORT_VERSION and the firmware name, repeated every
// 250 ms until the host asks for capabilities, then capability and analog-mapping replies;
// it reports digital ports on change, analog channels every sampling interval (19 ms),
// and I²C reads once or continuously. Every timer comes from the injected Clock; the
// instruments are rendered in clock time, so at N× speed the pulses come N× as fast.
import type { Clock, Timer } from '../../core/clock.ts';
import { toSecond, type WeatherScenario } from '../weather/types.ts';
import { Bmp280Chip, type Bmp280Trim } from './firmata-bmp280.ts';
import {
  FIRMATA, HostParser, MODE, analogMappingResponse, analogMessage, capabilityResponse, digitalPort, firmwareReply, i2cReply, reportVersion,
  type HostMessage, type PinSpec,
} from './firmata-protocol.ts';
import type { DeviceLink, SimDevice } from './link.ts';
import { garbage, rateOf, seededRandom, type FaultRate } from './line-faults.ts';

/** SparkFun vane resistances by position (protocols.md), 10 kΩ pull-up, 10-bit ADC. */
const VANE: ReadonlyArray<readonly [number, number]> = [
  [0, 33_000], [22.5, 6_570], [45, 8_200], [67.5, 891], [90, 1_000], [112.5, 688], [135, 2_200], [157.5, 1_410],
  [180, 3_900], [202.5, 3_140], [225, 16_000], [247.5, 14_120], [270, 120_000], [292.5, 42_120], [315, 64_900], [337.5, 21_880],
];

export interface FirmataWiring {
  /** digital pin of the anemometer's reed switch (default 2) */
  anemometerPin: number;
  /** m/s per closure per second (SparkFun: 2.4 km/h = 0.6667 m/s) */
  anemometerMsPerHz: number;
  /** digital pin of the tipping bucket (default 3) */
  rainPin: number;
  /** mm per tip (SparkFun: 0.2794) */
  mmPerTip: number;
  /** analog channel of the vane (default 0 = A0) */
  vaneChannel: number;
  /** I²C address of the BMP280 (default 0x77; 0x76 with SDO low) */
  bmp280Address: number;
}

export const SPARKFUN_WIRING: Readonly<FirmataWiring> = Object.freeze({
  anemometerPin: 2, anemometerMsPerHz: 2.4 / 3.6, rainPin: 3, mmPerTip: 0.2794, vaneChannel: 0, bmp280Address: 0x77,
});

/**
 * Faults, switchable at run time.
 * - noise: probability per tick of 1–12 random bytes in the stream (firmata.js must resync)
 * - garbage: every byte scrambled, as at a wrong baud rate
 * - bounce: the rain switch chatters (2 extra closures within 5 ms of each tip)
 * - stuckVane / stuckPressure: the reading frozen at its last value
 * - vaneOpen: the vane cable cut (the pin reads the pull-up rail, 1023)
 * - silent: the board sends nothing (a hung sketch)
 * - noBmp280: nothing answers at the BMP280's address (the board replies with no data)
 * A spike is an event: see `spike()`.
 */
export interface FirmataFaults {
  noise?: FaultRate;
  garbage?: boolean;
  bounce?: boolean;
  stuckVane?: boolean;
  stuckPressure?: boolean;
  vaneOpen?: boolean;
  silent?: boolean;
  noBmp280?: boolean;
}

export interface FirmataBoardOptions {
  clock: Clock;
  scenario: WeatherScenario;
  wiring?: Partial<FirmataWiring>;
  seed?: number;
  name?: string;
  trim?: Bmp280Trim;
}

/** Uno: 20 pins, A0–A5 = pins 14–19, I²C on A4/A5 (18/19). */
function unoPins(): PinSpec[] {
  return Array.from({ length: 20 }, (_, pin) => {
    const modes: Array<[number, number]> = [[MODE.INPUT, 1], [MODE.OUTPUT, 1], [MODE.PULLUP, 1]];
    if ([3, 5, 6, 9, 10, 11].includes(pin)) modes.push([MODE.PWM, 8]);
    if (pin >= 14) modes.push([MODE.ANALOG, 10]);
    if (pin === 18 || pin === 19) modes.push([MODE.I2C, 1]);
    return pin >= 14 ? { modes, analog: pin - 14 } : { modes };
  });
}

const TICK_REAL_MS = 10;

export class FirmataBoardTwin implements SimDevice {
  readonly name: string;
  readonly kind = 'firmata-board';
  readonly wiring: FirmataWiring;
  readonly bmp280: Bmp280Chip;
  /** what the host did to the board: pin modes set, for tests (a probe must set none) */
  readonly pinModes = new Map<number, number>();
  /** host messages seen, by command byte (sysex: 0xF0 << 8 | sub-command) */
  readonly seen = new Map<number, number>();
  private readonly clock: Clock;
  private readonly scenario: WeatherScenario;
  private readonly rand: () => number;
  private readonly pins = unoPins();
  private readonly parser = new HostParser();
  private link: DeviceLink | null = null;
  private timers: Timer[] = [];
  private announcer: Timer | null = null;
  private running = false;
  private faults: FirmataFaults = {};
  private portState = [0xff, 0xff, 0xff]; // pulled up: every switch open
  private reportDigital = new Set<number>();
  private reportAnalog = new Set<number>();
  private i2cContinuous: Array<{ address: number; register: number; n: number }> = [];
  private samplingMs = 19;
  private analogTimer: Timer | null = null;
  // instrument state, in clock time
  private lastTick = 0;
  private cupPhase = 0;
  private tipsDone = 0;
  private vaneAdc = 0;
  private spikeNext = { vane: false, pressure: false };
  private lastPressure: number | null = null;

  constructor(opts: FirmataBoardOptions) {
    this.clock = opts.clock;
    this.scenario = opts.scenario;
    this.wiring = { ...SPARKFUN_WIRING, ...opts.wiring };
    this.name = opts.name ?? 'firmata';
    this.rand = seededRandom(opts.seed ?? 1);
    this.bmp280 = new Bmp280Chip(opts.trim);
  }

  attach(link: DeviceLink): void {
    this.link = link;
    link.onData((b) => {
      if (this.link === link && this.running) for (const m of this.parser.push(b)) this.onHost(m);
    });
  }

  /** Power on (a reset): announce, then render the instruments. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.lastTick = this.clock.now();
    this.tipsDone = this.tipsAt(this.lastTick); // the bucket's history before power-on is not ours to report
    this.reportDigital.clear();
    this.reportAnalog.clear();
    this.i2cContinuous = [];
    this.announce();
    const real = Math.max(1, this.clock.speed);
    this.timers.push(this.clock.every(TICK_REAL_MS * real, () => this.tick()));
    this.timers.push(this.clock.every(1000, () => this.convert())); // the BMP280 in normal mode
    this.setSampling(this.samplingMs);
  }

  stop(): void {
    this.running = false;
    for (const t of this.timers) t.cancel();
    this.timers = [];
    this.announcer?.cancel();
    this.announcer = null;
    this.analogTimer?.cancel();
    this.analogTimer = null;
  }

  /** Stop the power-up announcement now, as a board that was reset long before the host came. */
  async stopAnnouncing(): Promise<void> {
    this.announcer?.cancel();
    this.announcer = null;
    await new Promise((r) => setTimeout(r, 50)); // let the bytes already written drain
  }

  setFaults(f: FirmataFaults): void {
    this.faults = { ...this.faults, ...f };
  }

  /** The next vane and/or pressure reading jumps far off, once. */
  spike(which: { vane?: boolean; pressure?: boolean } = { vane: true, pressure: true }): void {
    this.spikeNext = { vane: !!which.vane, pressure: !!which.pressure };
  }

  private send(b: Buffer): void {
    if (!this.link || this.faults.silent) return;
    if (this.faults.garbage) {
      this.link.write(Buffer.from(b.map((x) => (x * 37 + 11) & 0xff))); // deterministic scramble: framing errors look like this
      return;
    }
    this.link.write(b);
  }

  /** REPORT_VERSION + firmware name every 250 ms until the host's capability query. */
  private announce(): void {
    this.announcer?.cancel();
    const hello = () => {
      this.send(reportVersion());
      this.send(firmwareReply('StandardFirmata.ino'));
    };
    hello();
    this.announcer = this.clock.every(250 * Math.max(1, this.clock.speed), hello);
  }

  private onHost(m: HostMessage): void {
    const sysex = m.command < 0x80; // HostParser gives a sysex's sub-command, always < 0x80
    const seenKey = sysex ? (FIRMATA.START_SYSEX << 8) | m.command : m.command;
    this.seen.set(seenKey, (this.seen.get(seenKey) ?? 0) + 1);
    const hi = m.command & 0xf0;
    if (m.command === FIRMATA.REPORT_VERSION) this.send(reportVersion());
    else if (m.command === FIRMATA.SYSTEM_RESET) { this.reportAnalog.clear(); this.reportDigital.clear(); this.i2cContinuous = []; }
    else if (m.command === FIRMATA.PIN_MODE) this.pinModes.set(m.data[0]!, m.data[1]!);
    else if (hi === FIRMATA.REPORT_ANALOG) this.toggle(this.reportAnalog, m.command & 0x0f, m.data[0]);
    else if (hi === FIRMATA.REPORT_DIGITAL) {
      const port = m.command & 0x0f;
      this.toggle(this.reportDigital, port, m.data[0]);
      if (m.data[0]) this.send(digitalPort(port, this.portState[port] ?? 0));
    } else if (hi === FIRMATA.DIGITAL || hi === FIRMATA.ANALOG || m.command === FIRMATA.SET_DIGITAL_PIN) {
      // outputs: nothing is wired to them
    } else if (sysex) this.onSysex(m.command, m.data);
  }

  private toggle(set: Set<number>, n: number, on: number | undefined): void {
    if (on) set.add(n);
    else set.delete(n);
  }

  private onSysex(cmd: number, data: number[]): void {
    switch (cmd) {
      case FIRMATA.FIRMWARE: this.send(firmwareReply('StandardFirmata.ino')); break;
      case FIRMATA.CAPABILITY_QUERY:
        this.announcer?.cancel();
        this.announcer = null;
        this.send(capabilityResponse(this.pins));
        break;
      case FIRMATA.ANALOG_MAPPING_QUERY: this.send(analogMappingResponse(this.pins)); break;
      case FIRMATA.SAMPLING_INTERVAL: this.setSampling(Math.max(10, (data[0] ?? 0) | ((data[1] ?? 0) << 7))); break;
      case FIRMATA.I2C_REQUEST: this.onI2c(data); break;
      default: break; // I2C_CONFIG, PIN_STATE_QUERY, …: nothing to answer
    }
  }

  private onI2c(d: number[]): void {
    const address = d[0] ?? 0;
    const mode = ((d[1] ?? 0) >> 3) & 0b11;
    const bytes: number[] = [];
    for (let i = 2; i + 1 < d.length; i += 2) bytes.push((d[i]! & 0x7f) | ((d[i + 1]! & 0x7f) << 7));
    if (mode === 0b11) {
      this.i2cContinuous = this.i2cContinuous.filter((r) => r.address !== address);
      return;
    }
    if (mode === 0b00) {
      if (address === this.wiring.bmp280Address && !this.faults.noBmp280 && bytes.length > 0) this.bmp280.write(bytes[0]!, bytes.slice(1));
      return;
    }
    const [register, n] = bytes.length >= 2 ? [bytes[0]!, bytes[1]!] : [0, bytes[0] ?? 0];
    if (mode === 0b10) this.i2cContinuous.push({ address, register, n });
    else this.i2cRead(address, register, n);
  }

  private i2cRead(address: number, register: number, n: number): void {
    // A missing device: StandardFirmata prints an error string and sends no reply.
    if (address !== this.wiring.bmp280Address || this.faults.noBmp280) return;
    this.send(i2cReply(address, register, this.bmp280.read(register, Math.min(n, 32))));
  }

  private setSampling(ms: number): void {
    this.samplingMs = ms;
    this.analogTimer?.cancel();
    if (!this.running) return;
    // The board's own crystal: real milliseconds, however fast the scenario runs.
    this.analogTimer = this.clock.every(ms * Math.max(1, this.clock.speed), () => this.sample());
  }

  private sample(): void {
    for (const ch of this.reportAnalog) if (ch === this.wiring.vaneChannel) this.send(analogMessage(ch, this.readVane()));
    for (const r of this.i2cContinuous) this.i2cRead(r.address, r.register, r.n);
  }

  private readVane(): number {
    if (this.faults.vaneOpen) return 1023;
    if (this.spikeNext.vane) {
      this.spikeNext.vane = false;
      return 5; // a short in the cable for one sample
    }
    if (this.faults.stuckVane && this.vaneAdc) return this.vaneAdc;
    const dir = this.scenario.at(this.clock.now()).wind_from_direction;
    let best = VANE[0]!;
    for (const p of VANE) if (angle(p[0], dir) < angle(best[0], dir)) best = p;
    const ideal = (1023 * best[1]) / (best[1] + 10_000);
    this.vaneAdc = Math.max(0, Math.min(1023, Math.round(ideal + (this.rand() - 0.5) * 2))); // ±1 count of ADC noise
    return this.vaneAdc;
  }

  private convert(): void {
    const truth = this.scenario.at(this.clock.now());
    let hPa = this.faults.stuckPressure && this.lastPressure !== null ? this.lastPressure : truth.air_pressure;
    this.lastPressure = hPa;
    if (this.spikeNext.pressure) {
      this.spikeNext.pressure = false;
      hPa += 80;
    }
    this.bmp280.measure(truth.air_temperature, hPa);
  }

  private tipsAt(ts: number): number {
    return Math.floor(this.scenario.at(ts).precipitation_amount_since_start / this.wiring.mmPerTip + 1e-9);
  }

  /** Everything that happened on the digital pins since the last tick, in order. */
  private tick(): void {
    const now = this.clock.now();
    const dt = Math.max(0, now - this.lastTick);
    this.lastTick = now;
    if (this.faults.noise && this.rand() < rateOf(this.faults.noise)) this.send(garbage(this.rand));
    const truth = this.scenario.at(toSecond(now));
    this.cupPhase += (Math.max(0, truth.wind_speed) / this.wiring.anemometerMsPerHz) * (dt / 1000);
    const closures = Math.floor(this.cupPhase);
    this.cupPhase -= closures;
    const tipsNow = this.tipsAt(now);
    const tips = Math.max(0, tipsNow - this.tipsDone);
    this.tipsDone = Math.max(this.tipsDone, tipsNow);
    for (let i = 0; i < closures; i++) this.pulse(this.wiring.anemometerPin, 1);
    for (let i = 0; i < tips; i++) this.pulse(this.wiring.rainPin, this.faults.bounce ? 3 : 1);
  }

  /** A switch closing and opening `times` times: each edge is one port message (on change). */
  private pulse(pin: number, times: number): void {
    const port = pin >> 3;
    const bit = 1 << (pin & 7);
    for (let i = 0; i < times; i++) {
      for (const closed of [true, false]) {
        this.portState[port] = closed ? this.portState[port]! & ~bit : this.portState[port]! | bit;
        if (this.reportDigital.has(port)) this.send(digitalPort(port, this.portState[port]!));
      }
    }
  }
}

function angle(a: number, b: number): number {
  const d = Math.abs(a - b) % 360;
  return d > 180 ? 360 - d : d;
}
