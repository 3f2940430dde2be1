// A Vaisala WXT530 twin: measures the scenario's truth the way the device does and speaks
// its ASCII protocol (../shared/docs/protocols.md), with run-time faults for QC and driver
// tests. Link-agnostic (see link.ts); every time and timer comes from the injected Clock.
//
// Automatic-mode cadence = the WXT530 factory settings (WXT530 Series User Guide
// M211840EN, configuration parameter tables and aXU/aWU/aTU/aRU/aSU examples): wind every
// I=5 s averaged over A=3 s; PTU every 60 s; rain in auto-send mode M=R ("precipitation
// on/off": a message every 10 s while it rains, until Ri is back to 0; nothing when dry);
// supervisor every 15 s (forced to 15 s while heating control is enabled). All changeable
// at run time with the device's own commands (`0WU,I=1`, `0RU,M=T,I=10`, ...).
import type { Clock, Timer } from '../../core/clock.ts';
import { vaisalaCrc } from '../../core/checksums.ts';
import { toSecond, type TruthSample, type WeatherScenario } from '../weather/types.ts';
import { SerialTwin, type SimDevice } from './link.ts';
import { corruptCrc, garbage, rateOf, seededRandom, tear, type FaultRate } from './line-faults.ts';
import {
  compositeFields, frame, ptuFields, rainFields, summariseWind, supervisorFields, textReply, windFields,
  type Field, type PtuValues, type RainValues, type SupervisorValues, type WindValues,
} from './wxt530-format.ts';
import { XDR_QUERY, xdrSentence } from './wxt530-nmea.ts';

/** aXU,M=: A automatic, a automatic + CRC, P polled, p polled + CRC, N NMEA automatic, Q NMEA query. */
export type WxtMode = 'A' | 'a' | 'P' | 'p' | 'N' | 'Q';
/** Message numbers: 0 composite, 1 wind, 2 PTU, 3 rain, 5 supervisor. */
export type WxtMessage = '0' | '1' | '2' | '3' | '5';

export interface Wxt530Settings {
  windIntervalS: number;
  windAveragingS: number;
  ptuIntervalS: number;
  /** R: on/off (10-s messages while raining), T: every rainIntervalS. */
  rainAutoSend: 'R' | 'T';
  rainIntervalS: number;
  supervisorIntervalS: number;
}

export const WXT530_FACTORY: Readonly<Wxt530Settings> = Object.freeze({
  windIntervalS: 5, windAveragingS: 3, ptuIntervalS: 60, rainAutoSend: 'R', rainIntervalS: 60, supervisorIntervalS: 15,
});

/**
 * Faults, switchable at run time. Rates are probabilities per message (true = every one).
 * - noise: 1–12 random bytes (no CR/LF) written before a line, so they glue to its front
 * - tornLines: the line cut in its middle, its rest and CR LF missing
 * - badCrc: a wrong CRC on CRC-framed lines (modes a/p, `0r…` replies); no effect otherwise
 * - invalidValue: one field's unit replaced by `#` (`Sn=1.1#`), as the device flags a bad value
 * - stuck: every measurement frozen at its last value
 * - silent: nothing is sent, not even replies to commands
 * A spike is not a state but an event: see `spike()`.
 */
export interface Wxt530Faults {
  noise?: FaultRate;
  tornLines?: FaultRate;
  badCrc?: FaultRate;
  invalidValue?: FaultRate;
  stuck?: boolean;
  silent?: boolean;
}

export interface Wxt530Options {
  clock: Clock;
  scenario: WeatherScenario;
  /** Device address, one character; default '0'. */
  address?: string;
  /** Protocol at power-up; default 'A' (automatic). */
  mode?: WxtMode;
  /** Seed for the fault randomness; default 1. */
  seed?: number;
  settings?: Partial<Wxt530Settings>;
  name?: string;
}

export class Wxt530Twin extends SerialTwin<Wxt530Faults> implements SimDevice {
  readonly name: string;
  readonly kind = 'vaisala-wxt530';
  address: string;
  mode: WxtMode;
  readonly settings: Wxt530Settings;
  private readonly clock: Clock;
  private readonly scenario: WeatherScenario;
  private readonly rand: () => number;
  private running = false;
  private timers: Timer[] = [];
  private rx = '';
  private spikes = { wind: false, ptu: false };
  private last: { wind?: WindValues; ptu?: PtuValues; rain?: RainValues; sup?: SupervisorValues } = {};
  // Rain counter state: truth's cumulative rain at the last reset, and the rain-duration
  // counter integrated lazily second by second up to `rdUpTo`.
  private rainBase = 0;
  private rdSeconds = 0;
  private rdUpTo = 0;
  private rainWasOn = false;

  constructor(opts: Wxt530Options) {
    super();
    this.clock = opts.clock;
    this.scenario = opts.scenario;
    this.address = opts.address ?? '0';
    this.mode = opts.mode ?? 'A';
    this.name = opts.name ?? 'wxt530';
    this.rand = seededRandom(opts.seed ?? 1);
    this.settings = { ...WXT530_FACTORY, ...opts.settings };
    this.resetRain();
  }


  /** Power on: answer commands and, in modes A/a, start the automatic messages. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.schedule();
  }

  /** Power off: no timers, no replies. */
  stop(): void {
    this.running = false;
    this.cancelTimers();
  }


  clearFaults(): void {
    this.faults = {};
    this.spikes = { wind: false, ptu: false };
  }

  getFaults(): Readonly<Wxt530Faults> {
    return { ...this.faults };
  }

  /** Arm a one-sample spike: the next wind message sees +20 m/s in one sample, the next PTU +10 °C, +20 %RH, +5 hPa. */
  spike(): void {
    this.spikes = { wind: true, ptu: true };
  }

  setMode(mode: WxtMode): void {
    this.mode = mode;
    this.schedule();
  }

  /** The message the device would send now, without faults or spikes: for tests and the CLI. */
  render(msg: WxtMessage, crc = this.mode === 'a' || this.mode === 'p'): string {
    return frame(this.address, msg, this.fields(msg, this.clock.now(), false), crc);
  }

  // ---- measuring -------------------------------------------------------------------------

  private windNow(t: number, consumeSpike: boolean): WindValues {
    if (this.faults.stuck && this.last.wind) return this.last.wind;
    const end = toSecond(t);
    const samples: TruthSample[] = [];
    for (let k = this.settings.windAveragingS - 1; k >= 0; k--) samples.push(this.scenario.at(end - k * 1000));
    if (consumeSpike && this.spikes.wind) {
      this.spikes.wind = false;
      const s = samples[samples.length - 1]!;
      samples[samples.length - 1] = { ...s, wind_speed: s.wind_speed + 20 };
    }
    return (this.last.wind = summariseWind(samples));
  }

  private ptuNow(t: number, consumeSpike: boolean): PtuValues {
    if (this.faults.stuck && this.last.ptu) return this.last.ptu;
    const s = this.scenario.at(t);
    const v = { ta: s.air_temperature, ua: s.relative_humidity, pa: s.air_pressure };
    if (consumeSpike && this.spikes.ptu) {
      this.spikes.ptu = false;
      return { ta: v.ta + 10, ua: Math.min(100, v.ua + 20), pa: v.pa + 5 };
    }
    return (this.last.ptu = v);
  }

  private rainNow(t: number): RainValues {
    if (this.faults.stuck && this.last.rain) return this.last.rain;
    const now = toSecond(t);
    // Rain duration: seconds with rain since the reset, counted lazily; the 1-Hz sample at s
    // stands for [s, s+1 s). Catch-up is bounded to 7 days so an idle twin cannot stall the loop.
    const from = Math.max(this.rdUpTo, now - 7 * 86_400_000);
    for (let s = from; s < now; s += 1000) if (this.scenario.at(s).rainfall_rate > 0) this.rdSeconds++;
    this.rdUpTo = Math.max(this.rdUpTo, now);
    const cum = this.scenario.at(now).precipitation_amount_since_start;
    const minuteAgo = this.scenario.at(now - 60_000).precipitation_amount_since_start;
    return (this.last.rain = { rc: cum - this.rainBase, rd: this.rdSeconds, ri: (cum - minuteAgo) * 60 });
  }

  private supervisorNow(t: number): SupervisorValues {
    if (this.faults.stuck && this.last.sup) return this.last.sup;
    // The heater is idle in sub-tropical air; its sensor reads a little above ambient.
    const ta = this.scenario.at(t).air_temperature;
    return (this.last.sup = { th: ta + 0.4, vh: 12.0, vs: 12.1, vr: 3.475 });
  }

  private fields(msg: WxtMessage, t: number, live: boolean): Field[] {
    switch (msg) {
      case '1': return windFields(this.windNow(t, live));
      case '2': return ptuFields(this.ptuNow(t, live));
      case '3': return rainFields(this.rainNow(t));
      case '5': return supervisorFields(this.supervisorNow(t));
      case '0': return compositeFields(this.windNow(t, live), this.ptuNow(t, live), this.rainNow(t), this.supervisorNow(t));
    }
  }

  private resetRain(): void {
    const now = toSecond(this.clock.now());
    this.rainBase = this.scenario.at(now).precipitation_amount_since_start;
    this.rdSeconds = 0;
    this.rdUpTo = now;
    this.last.rain = undefined;
  }

  // ---- sending ---------------------------------------------------------------------------

  /** Send a data message through the fault pipeline. */
  private sendData(msg: WxtMessage, crc: boolean): void {
    if (this.faults.silent) return;
    const fields = this.fields(msg, this.clock.now(), true);
    if (fields.length && this.rand() < rateOf(this.faults.invalidValue)) {
      const i = Math.floor(this.rand() * fields.length);
      fields[i] = { ...fields[i]!, unit: '#' };
    }
    // NMEA modes send the same fields as an XDR sentence (the composite one stands for all).
    let line = this.mode === 'N' || this.mode === 'Q' ? xdrSentence(this.address, fields) : frame(this.address, msg, fields, crc);
    if (crc && this.rand() < rateOf(this.faults.badCrc)) line = corruptCrc(line);
    if (this.rand() < rateOf(this.faults.tornLines)) line = tear(line, this.rand);
    if (this.rand() < rateOf(this.faults.noise)) this.link?.write(garbage(this.rand));
    this.link?.write(line);
  }

  private reply(text: string): void {
    if (!this.faults.silent) this.link?.write(text);
  }

  private cancelTimers(): void {
    for (const t of this.timers) t.cancel();
    this.timers = [];
  }

  /** (Re)arm the automatic messages for the current mode and settings. */
  private schedule(): void {
    this.cancelTimers();
    if (!this.running || (this.mode !== 'A' && this.mode !== 'a' && this.mode !== 'N')) return;
    const crc = this.mode === 'a';
    const s = this.settings;
    this.timers.push(this.clock.every(s.windIntervalS * 1000, () => this.sendData('1', crc)));
    this.timers.push(this.clock.every(s.ptuIntervalS * 1000, () => this.sendData('2', crc)));
    this.timers.push(this.clock.every(s.supervisorIntervalS * 1000, () => this.sendData('5', crc)));
    if (s.rainAutoSend === 'T') {
      this.timers.push(this.clock.every(s.rainIntervalS * 1000, () => this.sendData('3', crc)));
    } else {
      this.timers.push(this.clock.every(10_000, () => {
        const t = this.clock.now();
        const on = this.scenario.at(t).rainfall_rate > 0 || this.rainNow(t).ri > 0;
        if (on || this.rainWasOn) this.sendData('3', crc);
        this.rainWasOn = on;
      }));
    }
  }

  // ---- commands --------------------------------------------------------------------------

  protected override receive(bytes: Buffer): void {
    if (!this.running) return;
    this.rx += bytes.toString('latin1');
    // Commands end CR LF; a lone CR or LF also ends one (terminals), empty lines are nothing.
    const parts = this.rx.split(/\r\n|\r|\n/);
    this.rx = parts.pop() ?? '';
    if (this.rx.length > 256) this.rx = ''; // line noise without terminator: drop it
    for (const p of parts) if (p.trim()) this.command(p.trim());
  }

  private command(cmd: string): void {
    const a = this.address;
    if (cmd === '?') return this.reply(`${a}\r\n`);
    if (cmd === XDR_QUERY && (this.mode === 'N' || this.mode === 'Q')) {
      for (const m of ['1', '2', '3', '5'] as const) this.sendData(m, false);
      return;
    }
    if (cmd[0] !== a) return; // another device's command on a shared bus
    const rest = cmd.slice(1);
    if (rest === '') return this.reply(`${a}\r\n`);
    let m = /^R([01235])$/.exec(rest);
    if (m) return this.sendData(m[1] as WxtMessage, false);
    m = /^r([01235])(.*)$/.exec(rest);
    if (m) {
      const expected = vaisalaCrc(`${a}r${m[1]}`);
      if (m[2] === expected) return this.sendData(m[1] as WxtMessage, true);
      return this.reply(textReply(a, `Use chksum ${expected}`, true));
    }
    switch (rest) {
      case 'XZ':
        this.resetRain();
        this.schedule();
        return this.reply(textReply(a, 'Start-up', false));
      case 'XZRU':
        this.resetRain();
        return this.reply(textReply(a, 'Rain reset', false));
      case 'XZRI':
        return this.reply(textReply(a, 'Inty reset', false));
      case 'XZM':
        return this.reply(textReply(a, 'Measurement reset', false));
    }
    m = /^(XU|WU|TU|RU|SU)((?:,[A-Za-z]=[^,]*)*)$/.exec(rest);
    if (m) return this.settingsCommand(m[1]!, m[2]!);
    return this.reply(textReply(a, 'Unknown cmd', false));
  }

  /** `aXU` etc.: no fields → report the settings; fields → apply them and echo the command. */
  private settingsCommand(kind: string, fieldsText: string): void {
    const a = this.address;
    const s = this.settings;
    if (!fieldsText) {
      const lines: Record<string, string> = {
        XU: `A=${a},M=${this.mode},T=0,C=2,I=0,B=19200,D=8,P=N,S=1,L=25,N=WXT530,V=3.86`,
        WU: `R=11111100&01001000,I=${s.windIntervalS},A=${s.windAveragingS},G=1,U=M,D=0,N=W,F=4`,
        TU: `R=11010000&11010000,I=${s.ptuIntervalS},P=H,T=C`,
        RU: `R=11111100&10000000,I=${s.rainIntervalS},U=M,S=M,M=${s.rainAutoSend},Z=M,X=10000,Y=100`,
        SU: `R=11110000&11000000,I=${s.supervisorIntervalS},S=Y,H=Y`,
      };
      return this.reply(`${a}${kind},${lines[kind]}\r\n`);
    }
    const pairs = fieldsText.slice(1).split(',').map((kv) => [kv[0]!, kv.slice(2)] as const);
    const seconds = (v: string) => (/^\d+$/.test(v) && +v >= 1 && +v <= 3600 ? +v : null);
    for (const [k, v] of pairs) {
      if (kind === 'XU' && k === 'M' && /^[AaPpNQ]$/.test(v)) this.mode = v as WxtMode;
      else if (kind === 'XU' && k === 'A' && /^[0-9A-Za-z]$/.test(v)) this.address = v;
      else if (kind === 'WU' && k === 'I' && seconds(v)) s.windIntervalS = seconds(v)!;
      else if (kind === 'WU' && k === 'A' && seconds(v)) s.windAveragingS = seconds(v)!;
      else if (kind === 'TU' && k === 'I' && seconds(v)) s.ptuIntervalS = seconds(v)!;
      else if (kind === 'RU' && k === 'I' && seconds(v)) s.rainIntervalS = seconds(v)!;
      else if (kind === 'RU' && k === 'M' && (v === 'R' || v === 'T')) s.rainAutoSend = v;
      else if (kind === 'SU' && k === 'I' && seconds(v)) s.supervisorIntervalS = seconds(v)!;
      // Other settings (units, baud, NMEA…) are echoed but not modelled.
    }
    this.schedule();
    this.reply(`${a}${kind}${fieldsText}\r\n`);
  }
}
