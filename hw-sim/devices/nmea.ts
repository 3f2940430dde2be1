// An NMEA 0183 weather sensor twin (a generic "WI" weather instrument in the manner of an
// Airmar WX or a Gill/Vaisala in NMEA mode): measures the scenario's truth and talks on its
// own at 4800 8N1, one set of sentences per interval. It answers no commands: NMEA weather
// sensors configure through proprietary sentences this project does not send. Link-agnostic
// (link.ts); every timer comes from the injected Clock.
//
// Cadence (settable): MWV relative every 1 s, MDA every 1 s; XDR, MTA, VWR, VWT, MWD off
// unless given an interval. RMC and ZDA (talker GP) are the time of a built-in GNSS receiver, as
// an Airmar WX sends them: the simulator's clock, which is the true time of a scenario. The sensor's reference mark points `mastHeadingDeg` from north, so
// its relative angles are truth minus that heading (the gateway's heading offset adds it back).
import type { Clock, Timer } from '../../core/clock.ts';
import { dewPoint } from '../weather/physics.ts';
import type { TruthSample, WeatherScenario } from '../weather/types.ts';
import { SerialTwin, type SimDevice } from './link.ts';
import { seededRandom } from './line-faults.ts';
import { faultyBytes, type LineFaults } from './nmea-faults.ts';
import { mda, mta, mwd, mwv, rmc, vwr, xdr, zda, type NmeaSpeedUnit } from './nmea-format.ts';

export type NmeaSentenceKind = 'MWV' | 'MWVT' | 'MDA' | 'XDR' | 'MTA' | 'VWR' | 'VWT' | 'MWD' | 'RMC' | 'ZDA';

export interface NmeaTwinOptions {
  clock: Clock;
  scenario: WeatherScenario;
  /** talker id, default 'WI' (weather instrument) */
  talker?: string;
  /** degrees from north to the sensor's reference mark (default 0) */
  mastHeadingDeg?: number;
  /** MWV speed unit, default 'M' */
  speedUnit?: NmeaSpeedUnit;
  /** seconds between each sentence kind; 0 or absent = not sent. Default { MWV: 1, MDA: 1 }. */
  intervals?: Partial<Record<NmeaSentenceKind, number>>;
  seed?: number;
  name?: string;
  /** the mast's position in RMC (default Chichijima) */
  latitude?: number;
  longitude?: number;
}

export const NMEA_DEFAULT_INTERVALS: Readonly<Partial<Record<NmeaSentenceKind, number>>> = Object.freeze({ MWV: 1, MDA: 1 });

interface Reading {
  wind: { angle: number; speed: number };
  airC: number;
  rh: number;
  pressure: number;
}

export class NmeaTwin extends SerialTwin<LineFaults & { void?: boolean }> implements SimDevice {
  readonly name: string;
  readonly kind = 'nmea-0183';
  readonly talker: string;
  readonly mastHeadingDeg: number;
  readonly speedUnit: NmeaSpeedUnit;
  readonly intervals: Partial<Record<NmeaSentenceKind, number>>;
  private readonly clock: Clock;
  private readonly scenario: WeatherScenario;
  private readonly rand: () => number;
  private running = false;
  private timers: Timer[] = [];
  private spikeArmed = false;
  private last: Reading | null = null;
  private readonly position: [number, number];

  constructor(opts: NmeaTwinOptions) {
    super();
    this.clock = opts.clock;
    this.scenario = opts.scenario;
    this.talker = opts.talker ?? 'WI';
    if (!/^[A-Z0-9]{2}$/.test(this.talker)) throw new RangeError(`talker must be two characters A-Z/0-9, got "${this.talker}"`);
    this.mastHeadingDeg = opts.mastHeadingDeg ?? 0;
    this.speedUnit = opts.speedUnit ?? 'M';
    this.intervals = { ...(opts.intervals ?? NMEA_DEFAULT_INTERVALS) };
    this.rand = seededRandom(opts.seed ?? 1);
    this.name = opts.name ?? 'nmea';
    this.position = [opts.latitude ?? 27.0917, opts.longitude ?? 142.1917];
  }


  start(): void {
    if (this.running) return;
    this.running = true;
    for (const [kind, s] of Object.entries(this.intervals) as Array<[NmeaSentenceKind, number]>) {
      if (s > 0) this.timers.push(this.clock.every(s * 1000, () => this.send(kind)));
    }
  }

  stop(): void {
    this.running = false;
    for (const t of this.timers) t.cancel();
    this.timers = [];
  }

  /** Faults as in nmea-faults.ts, plus `void`: MWV says status V with blank values. */

  clearFaults(): void {
    this.faults = {};
    this.spikeArmed = false;
  }

  /** The next reading sees +20 m/s wind, +10 °C, +5 hPa, once. */
  spike(): void {
    this.spikeArmed = true;
  }

  /** The sentence the device would send now, without faults: for tests, the CLI and the bench. */
  render(kind: NmeaSentenceKind): string {
    return this.format(kind, this.measure(this.scenario.at(this.clock.now())), false);
  }

  private measure(s: TruthSample): Reading {
    if (this.faults.stuck && this.last) return this.last;
    const r: Reading = {
      wind: { angle: (((s.wind_from_direction - this.mastHeadingDeg) % 360) + 360) % 360, speed: s.wind_speed },
      airC: s.air_temperature, rh: s.relative_humidity, pressure: s.air_pressure,
    };
    return r;
  }

  private format(kind: NmeaSentenceKind, r: Reading, voidWind: boolean): string {
    const t = this.talker;
    const trueDir = (r.wind.angle + this.mastHeadingDeg) % 360;
    const trueWind = { angle: trueDir, speed: r.wind.speed };
    switch (kind) {
      case 'MWV': return mwv(t, voidWind ? null : r.wind, 'R', this.speedUnit);
      case 'MWVT': return mwv(t, voidWind ? null : trueWind, 'T', this.speedUnit);
      case 'MDA': return mda(t, { pressureHpa: r.pressure, airC: r.airC, rh: r.rh, dewC: dewPoint(r.airC, r.rh), dirT: trueDir, speed: r.wind.speed });
      case 'XDR': return xdr(t, [
        { type: 'C', value: r.airC, unit: 'C', name: 'TempAir', decimals: 1 },
        { type: 'P', value: r.pressure / 1000, unit: 'B', name: 'Barometer', decimals: 5 },
        { type: 'H', value: r.rh, unit: 'P', name: 'RelHum', decimals: 1 },
      ]);
      case 'MTA': return mta(t, r.airC);
      case 'VWR': case 'VWT': return vwr(t, kind, r.wind);
      case 'MWD': return mwd(t, trueWind);
      case 'RMC': return rmc('GP', this.clock.now(), ...this.position);
      case 'ZDA': return zda('GP', this.clock.now());
    }
  }

  private send(kind: NmeaSentenceKind): void {
    if (!this.running || this.faults.silent) return;
    let r = this.measure(this.scenario.at(this.clock.now()));
    if (!this.faults.stuck) this.last = r;
    if (this.spikeArmed) {
      this.spikeArmed = false;
      r = { ...r, wind: { ...r.wind, speed: r.wind.speed + 20 }, airC: r.airC + 10, pressure: r.pressure + 5 };
    }
    const line = this.format(kind, r, !!this.faults.void);
    for (const b of faultyBytes(line, this.faults, this.rand)) this.link?.write(b);
  }
}
