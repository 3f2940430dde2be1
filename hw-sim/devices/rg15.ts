// Hydreon RG-15 optical rain gauge twin (protocols.md "Hydreon RG-15"): counts the scenario's
// rain in the gauge's resolution steps and speaks its serial lines at 9600 8N1. Power-up (and
// `K`) prints the boot banner and restarts every counter at 0, as the real gauge does; that is
// the event the gateway's no-loss/no-double-count rain rule is tested against.
//
// Commands: R read all, A accumulation only, P polling / C continuous mode, H/L high/low
// resolution, M/I metric/imperial, O reset accumulation, K reboot, B n baud. Continuous mode:
// a data line whenever the accumulation count changes (checked each second), nothing when dry.
import type { Clock, Timer } from '../../core/clock.ts';
import { toSecond, type WeatherScenario } from '../weather/types.ts';
import { SerialTwin, type SimDevice } from './link.ts';
import { garbage, rateOf, seededRandom, tear, type FaultRate } from './line-faults.ts';

const BAUDS = [1200, 2400, 4800, 9600, 19200, 38400, 57600];

export interface Rg15Faults {
  noise?: FaultRate;
  tornLines?: FaultRate;
  /** two data lines run together without CR LF between them */
  mergedLines?: FaultRate;
  /** fault words appended to data lines */
  words?: Array<'LensBad' | 'EmSat' | 'TooCold'>;
  /** every line arrives as bytes at the wrong baud rate would look: garbage */
  wrongBaud?: boolean;
  stuck?: boolean;
  silent?: boolean;
}

export interface Rg15TwinOptions {
  clock: Clock;
  scenario: WeatherScenario;
  mode?: 'polling' | 'continuous';
  units?: 'metric' | 'imperial';
  resolution?: 'high' | 'low';
  /** firmware version in the banner */
  version?: string;
  seed?: number;
  name?: string;
}

export class Rg15Twin extends SerialTwin<Rg15Faults> implements SimDevice {
  readonly name: string;
  readonly kind = 'hydreon-rg15';
  mode: 'polling' | 'continuous';
  units: 'metric' | 'imperial';
  resolution: 'high' | 'low';
  baud = 9600;
  /** the rate the host's port is opened at (a PTY has none): a mismatch garbles every byte */
  hostBaud = 9600;
  readonly version: string;
  /** days powered, as the banner prints it */
  pwrDays = 0;
  private readonly clock: Clock;
  private readonly scenario: WeatherScenario;
  private readonly rand: () => number;
  private running = false;
  private tick: Timer | null = null;
  private rx = '';
  // Counters as cumulative truth at their reset instants: Total since power-up/O, Event since
  // the rain began, Acc since the last report. The count is truncated to the resolution step.
  private totalBase = 0;
  private eventBase = 0;
  private accBase = 0;
  private lastWet = -Infinity;
  private lastCount = 0;
  private pending = '';
  private stuckLine: string | null = null;

  constructor(o: Rg15TwinOptions) {
    super();
    this.clock = o.clock;
    this.scenario = o.scenario;
    this.mode = o.mode ?? 'polling';
    this.units = o.units ?? 'metric';
    this.resolution = o.resolution ?? 'high';
    this.version = o.version ?? '1.000';
    this.name = o.name ?? 'rg15';
    this.rand = seededRandom(o.seed ?? 1);
  }


  /** Power on: banner, counters at 0, continuous output if so set. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.boot();
  }

  /** Power off. */
  stop(): void {
    this.running = false;
    this.tick?.cancel();
    this.tick = null;
  }


  clearFaults(): void {
    this.faults = {};
    this.stuckLine = null;
  }

  /** Rain the gauge has counted since power-up, in mm at its resolution (for tests). */
  totalMm(): number {
    return this.count(this.totalBase) * this.stepMm();
  }

  /** The `R` line now, without faults: for tests, the bench and the CLI. */
  render(): string {
    return this.dataLine(false);
  }

  private stepMm(): number {
    return this.units === 'metric' ? (this.resolution === 'high' ? 0.01 : 0.2) : 25.4 * (this.resolution === 'high' ? 0.001 : 0.01);
  }

  private cum(): number {
    return this.scenario.at(toSecond(this.clock.now())).precipitation_amount_since_start;
  }

  /** Whole resolution steps counted since `base` (a little slack against float noise). */
  private count(base: number): number {
    return Math.floor((this.cum() - base) / this.stepMm() + 1e-9);
  }

  private boot(): void {
    const c = this.cum();
    this.totalBase = this.eventBase = this.accBase = c;
    this.lastCount = 0;
    this.pwrDays = Math.floor(this.pwrDays);
    for (const l of [';RG-15 Optical Rain Gauge', `;${this.units === 'metric' ? 'Metric' : 'Imperial'} ${this.resolution === 'high' ? 'High' : 'Low'} Res ${this.mode === 'polling' ? 'Polling' : 'Continuous'}`, `SW ${this.version}`, 'Reset PwrUp', `PwrDays ${this.pwrDays}`]) this.send(`${l}\r\n`);
    this.tick?.cancel();
    this.tick = this.clock.every(1000, () => this.everySecond());
  }

  private everySecond(): void {
    const now = this.clock.now();
    if (this.scenario.at(toSecond(now)).rainfall_rate > 0) this.lastWet = now;
    // An event ends after an hour without rain; the next one starts from 0.
    if (now - this.lastWet > 3_600_000) this.eventBase = this.cum();
    if (this.mode === 'continuous') {
      const n = this.count(this.totalBase);
      if (n !== this.lastCount) this.sendData();
    }
  }

  private fmt(mm: number, rate: boolean): string {
    if (this.units === 'metric') return `${mm.toFixed(2)} ${rate ? 'mmph' : 'mm'}`;
    return `${(mm / 25.4).toFixed(3)} ${rate ? 'iph' : 'in'}`;
  }

  private dataLine(live: boolean): string {
    if (this.faults.stuck && this.stuckLine !== null) return this.stuckLine;
    const step = this.stepMm();
    const total = this.count(this.totalBase);
    const acc = this.count(this.accBase) * step;
    const event = this.count(this.eventBase) * step;
    const rInt = this.scenario.at(toSecond(this.clock.now())).rainfall_rate;
    if (live) {
      this.accBase = this.cum();
      this.lastCount = total;
    }
    const words = (this.faults.words ?? []).map((w) => `, ${w}`).join('');
    const line = `Acc  ${this.fmt(acc, false)}, EventAcc  ${this.fmt(event, false)}, TotalAcc  ${this.fmt(total * step, false)}, RInt  ${this.fmt(rInt, true)}${words}\r\n`;
    if (live) this.stuckLine = line;
    return line;
  }

  private sendData(): void {
    if (this.faults.silent) return;
    let line = this.dataLine(true);
    if (this.rand() < rateOf(this.faults.tornLines)) line = tear(line, this.rand);
    else if (this.rand() < rateOf(this.faults.mergedLines)) line = line.replace(/\r\n$/, '') + this.dataLine(false);
    if (this.rand() < rateOf(this.faults.noise)) this.link?.write(garbage(this.rand));
    this.send(line);
  }

  private send(text: string): void {
    if (this.faults.silent) return;
    // At the wrong baud rate the host sees framing garbage of about the same length.
    if (this.faults.wrongBaud || this.baud !== this.hostBaud) {
      const junk = Buffer.alloc(text.length);
      for (let i = 0; i < junk.length; i++) junk[i] = 0x80 | Math.floor(this.rand() * 128);
      junk[junk.length - 1] = 0x0a;
      this.link?.write(junk);
      return;
    }
    this.link?.write(text);
  }

  protected override receive(bytes: Buffer): void {
    if (!this.running) return;
    this.rx += bytes.toString('latin1');
    const parts = this.rx.split(/\r\n|\r|\n/);
    this.rx = parts.pop() ?? '';
    if (this.rx.length > 64) this.rx = '';
    for (const p of parts) if (p.trim()) this.command(p.trim());
  }

  private command(cmd: string): void {
    const c = cmd[0]!.toUpperCase();
    switch (c) {
      case 'R':
        return this.sendData();
      case 'A': {
        const acc = this.count(this.accBase) * this.stepMm();
        this.accBase = this.cum();
        return this.send(`Acc  ${this.fmt(acc, false)}\r\n`);
      }
      case 'P': this.mode = 'polling'; return this.send('p\r\n');
      case 'C': this.mode = 'continuous'; return this.send('c\r\n');
      case 'H': this.rescale(() => (this.resolution = 'high')); return this.send('h\r\n');
      case 'L': this.rescale(() => (this.resolution = 'low')); return this.send('l\r\n');
      case 'M': this.rescale(() => (this.units = 'metric')); return this.send('m\r\n');
      case 'I': this.rescale(() => (this.units = 'imperial')); return this.send('i\r\n');
      case 'O': {
        const now = this.cum();
        this.totalBase = this.eventBase = this.accBase = now;
        this.lastCount = 0;
        return this.send('o\r\n');
      }
      case 'K':
        return this.boot();
      case 'B': {
        const n = Number(cmd.slice(1).trim());
        if (Number.isInteger(n) && BAUDS[n]) {
          this.send('b\r\n');
          this.baud = BAUDS[n]!;
        }
        return;
      }
      default:
        return; // unknown letters are ignored
    }
  }

  /** Changing the step keeps the rain already counted: re-base so the count stays continuous. */
  private rescale(change: () => void): void {
    change();
    this.lastCount = this.count(this.totalBase);
  }
}
