// Vaisala PTB330 / PTB210 barometer twin: reads the scenario's station pressure at 0.01 hPa
// and speaks the barometers' serial lines (protocols.md): PTB330 `SEND`, `R`/`S`, `INTV`,
// `SMODE`, `UNIT`, `FORM` (a subset: strings, x.y, P, U, CS2/CS4/CSX, #r #n), `VERS`, `?`;
// PTB210 `.P` (one reading) and `?`. Framing E 7 1 only matters on a real UART (7-bit ASCII here).
import type { Clock, Timer } from '../../core/clock.ts';
import { sumChecksum, xorChecksum } from '../../core/checksums.ts';
import type { WeatherScenario } from '../weather/types.ts';
import { SerialTwin, type SimDevice } from './link.ts';
import { garbage, rateOf, seededRandom, tear, type FaultRate } from './line-faults.ts';

export type PtbTwinModel = 'PTB330' | 'PTB210';
export type PtbSmode = 'STOP' | 'RUN' | 'POLL' | 'SEND';

/** hPa per unit, for UNIT. */
const UNITS: Record<string, number> = { hPa: 1, mbar: 1, kPa: 10, Pa: 0.01, mmHg: 1.3332239, inHg: 33.8638866, torr: 1.3332239, psia: 68.9475729, bar: 1000 };

/** Faults: per-line rates (noise bytes before a line, a torn line, a wrong checksum), `missing` (prints `*`), stuck, silent. */
export interface PtbFaults {
  noise?: FaultRate;
  tornLines?: FaultRate;
  badChecksum?: FaultRate;
  missing?: boolean;
  stuck?: boolean;
  silent?: boolean;
}

export interface PtbTwinOptions {
  clock: Clock;
  scenario: WeatherScenario;
  model?: PtbTwinModel;
  /** PTB330 serial mode at power-up (factory STOP: readings on `SEND` or after `R`) */
  smode?: PtbSmode;
  /** RUN/`R` output interval, seconds (default 1) */
  intervalS?: number;
  /** PTB330 FORM checksum appended after the unit */
  checksum?: 'CS2' | 'CS4' | 'CSX' | null;
  unit?: string;
  address?: number;
  seed?: number;
  name?: string;
}

export class PtbTwin extends SerialTwin<PtbFaults> implements SimDevice {
  readonly name: string;
  readonly kind: string;
  readonly model: PtbTwinModel;
  smode: PtbSmode;
  intervalS: number;
  checksum: 'CS2' | 'CS4' | 'CSX' | null;
  unit: string;
  readonly address: number;
  /** the barometer's rate, and the rate the host opened its port at (a PTY has none): a mismatch garbles every byte */
  baud = 9600;
  hostBaud = 9600;
  private readonly clock: Clock;
  private readonly scenario: WeatherScenario;
  private readonly rand: () => number;
  private running = false;
  private runTimer: Timer | null = null;
  private rx = '';
  private spikeArmed = false;
  private last: number | null = null;

  constructor(o: PtbTwinOptions) {
    super();
    this.clock = o.clock;
    this.scenario = o.scenario;
    this.model = o.model ?? 'PTB330';
    this.kind = this.model === 'PTB330' ? 'vaisala-ptb330' : 'vaisala-ptb210';
    this.name = o.name ?? this.model.toLowerCase();
    this.smode = o.smode ?? 'STOP';
    this.intervalS = o.intervalS ?? 1;
    this.checksum = o.checksum ?? null;
    this.unit = o.unit ?? 'hPa';
    if (!Object.hasOwn(UNITS, this.unit)) throw new RangeError(`unknown PTB unit ${this.unit}`);
    this.address = o.address ?? 0;
    this.rand = seededRandom(o.seed ?? 1);
  }


  start(): void {
    if (this.running) return;
    this.running = true;
    if (this.smode === 'RUN') this.run();
  }

  stop(): void {
    this.running = false;
    this.halt();
  }


  clearFaults(): void {
    this.faults = {};
    this.spikeArmed = false;
  }

  /** The next reading is 5 hPa high (one sample). */
  spike(): void {
    this.spikeArmed = true;
  }

  /** The line the device would print now (no faults): for tests, the bench and the CLI. */
  render(): string {
    return this.format(this.pressureHpa(false));
  }

  private pressureHpa(live: boolean): number | null {
    if (this.faults.missing) return null;
    if (this.faults.stuck && this.last !== null) return this.last;
    let p = this.scenario.at(this.clock.now()).air_pressure;
    if (live && this.spikeArmed) {
      this.spikeArmed = false;
      return p + 5;
    }
    p = Math.round(p * 100) / 100;
    if (live) this.last = p;
    return p;
  }

  /** PTB330 `P= 1013.02 hPa` (+ ` CS`), PTB210 the bare number; `*` runs for a missing value. */
  private format(hpa: number | null): string {
    const dec = this.unit === 'Pa' ? 0 : this.unit === 'inHg' || this.unit === 'kPa' || this.unit === 'psia' ? 4 : 2;
    const v = hpa === null ? null : (hpa / UNITS[this.unit]!).toFixed(dec);
    if (this.model === 'PTB210') return `${v ?? '*******'}\r\n`;
    let body = `P= ${(v ?? '*******').padStart(7)} ${this.unit} `;
    if (this.checksum) body += this.checksum === 'CSX' ? xorChecksum(body) : sumChecksum(body, this.checksum === 'CS4' ? 4 : 2);
    return `${body.trimEnd()}\r\n`;
  }

  private sendReading(): void {
    if (this.faults.silent) return;
    let line = this.format(this.pressureHpa(true));
    if (this.checksum && this.rand() < rateOf(this.faults.badChecksum)) {
      const body = line.trimEnd();
      const last = body.at(-1)!;
      line = `${body.slice(0, -1)}${last === '0' ? '1' : '0'}\r\n`;
    }
    if (this.rand() < rateOf(this.faults.tornLines)) line = tear(line, this.rand);
    if (this.rand() < rateOf(this.faults.noise)) this.link?.write(garbage(this.rand));
    this.out(line);
  }

  private reply(text: string): void {
    if (!this.faults.silent) this.out(text);
  }

  /** To the wire; at a rate the host does not share, framing garbage of about the same length. */
  private out(text: string): void {
    if (this.baud === this.hostBaud) return void this.link?.write(text);
    const junk = Buffer.alloc(text.length);
    for (let i = 0; i < junk.length; i++) junk[i] = 0x80 | Math.floor(this.rand() * 128);
    junk[junk.length - 1] = 0x0a;
    this.link?.write(junk);
  }

  private run(): void {
    this.halt();
    if (this.running) this.runTimer = this.clock.every(this.intervalS * 1000, () => this.sendReading());
  }

  private halt(): void {
    this.runTimer?.cancel();
    this.runTimer = null;
  }

  protected override receive(bytes: Buffer): void {
    if (!this.running) return;
    this.rx += bytes.toString('latin1');
    const parts = this.rx.split(/\r\n|\r|\n/);
    this.rx = parts.pop() ?? '';
    if (this.rx.length > 128) this.rx = '';
    for (const p of parts) if (p.trim()) this.command(p.trim());
  }

  private command(cmd: string): void {
    if (this.model === 'PTB210') {
      if (/^\.P$/i.test(cmd)) return this.sendReading();
      if (cmd === '?') return this.reply(`PTB210 / 9600 E 7 1 / ${this.unit}\r\n`);
      return; // the PTB210 does not echo and stays silent on what it does not know
    }
    const [word = '', ...args] = cmd.split(/\s+/);
    const w = word.toUpperCase();
    // RUN mode takes only S (and SEND) until stopped, as the device does.
    if (this.runTimer && w !== 'S' && w !== 'SEND') return;
    switch (w) {
      case 'SEND':
        if (args[0] !== undefined && Number(args[0]) !== this.address) return;
        return this.sendReading();
      case 'R':
        return this.run();
      case 'S':
        this.halt();
        return;
      case 'VERS':
        return this.reply('PTB330 / 1.12\r\n');
      case '?':
        return this.reply(`PTB330 / 1.12\r\nSerial mode     : ${this.smode}\r\nBaud P D S      : 9600 E 7 1\r\nOutput interval : ${this.intervalS} s\r\nAddress         : ${this.address}\r\n`);
      case 'INTV': {
        const n = Number(args[0]);
        const scale = (args[1] ?? 's').toLowerCase().startsWith('min') ? 60 : 1;
        if (Number.isInteger(n) && n >= 1 && n <= 255) this.intervalS = n * scale;
        return this.reply(`Output interval : ${this.intervalS} s\r\n`);
      }
      case 'SMODE': {
        const m = (args[0] ?? '').toUpperCase();
        if (m === 'STOP' || m === 'RUN' || m === 'POLL' || m === 'SEND') this.smode = m;
        return this.reply(`Serial mode     : ${this.smode}\r\n`);
      }
      case 'UNIT': {
        const u = Object.keys(UNITS).find((k) => k.toLowerCase() === (args[0] ?? '').toLowerCase());
        if (u) this.unit = u;
        return this.reply(`Unit            : ${this.unit}\r\n`);
      }
      case 'FORM': {
        const rest = args.join(' ');
        if (rest === '/') this.checksum = null;
        const cs = /\bCS(2|4|X)\b/i.exec(rest);
        if (cs) this.checksum = `CS${cs[1]!.toUpperCase()}` as 'CS2' | 'CS4' | 'CSX';
        return this.reply('OK\r\n');
      }
      default:
        return this.reply('Unknown command\r\n');
    }
  }
}
