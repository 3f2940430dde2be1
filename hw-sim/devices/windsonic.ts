// A Gill WindSonic twin: measures the scenario's wind once a second (the factory output rate)
// and speaks the polar format of protocols.md: `STX Q,229,002.74,M,00, ETX 16` CR LF. At
// power-up it prints its banner (plain text) before the first data line. Continuous mode sends
// by itself; polled mode (manual §9.3) answers the unit letter with one line while polling is
// enabled (`?` enables, `!` disables) and `?&` with its unit letter. `*`
// enters configuration mode (no data) and `Q` CR leaves it. Link-agnostic (link.ts); every
// timer comes from the injected Clock.
import type { Clock, Timer } from '../../core/clock.ts';
import { xorChecksum } from '../../core/checksums.ts';
import type { WeatherScenario } from '../weather/types.ts';
import { SerialTwin, type SimDevice } from './link.ts';
import { seededRandom } from './line-faults.ts';
import { faultyBytes, type LineFaults } from './nmea-faults.ts';

export type WindsonicUnit = 'M' | 'N' | 'P' | 'K' | 'F';
const FROM_MS: Record<WindsonicUnit, (v: number) => number> = {
  M: (v) => v, N: (v) => v / 0.514444, P: (v) => v / 0.44704, K: (v) => v * 3.6, F: (v) => v / 0.00508,
};

/**
 * Power-up text before the first data line, verbatim from the manual (1405-PS-0019, Hx
 * power-up message; "the exact message may vary"). Drivers ignore lines without STX.
 */
export const WINDSONIC_BANNER = ['WINDSONIC (Gill Instruments Ltd)', '2368-110-01', 'RS485/RS422 (CFG)', 'CHECKSUM ROM:E15C E15C *PASS*', 'CHECKSUM FAC:0A42 0A42 *PASS*', 'CHECKSUM ENG:12BE 12BE *PASS*', 'CHECKSUM CAL:C980 C980 *PASS*'];

/** One polar data line (with CR LF). Direction null = blank (calm, below 0.05 m/s). */
export function windsonicLine(node: string, direction: number | null | 'missing', speedMs: number | 'missing', unit: WindsonicUnit, status: string): string {
  const dir = direction === 'missing' ? '999' : direction === null ? '' : String(Math.round(direction) % 360).padStart(3, '0');
  const spd = speedMs === 'missing' ? '9999.999' : FROM_MS[unit](speedMs).toFixed(2).padStart(6, '0');
  const body = `${node},${dir},${spd},${unit},${status},`;
  return `\x02${body}\x03${xorChecksum(body)}\r\n`;
}

/** Faults of nmea-faults.ts plus a forced status code (`'04'` pads the values with 9s like a blocked unit). */
export type WindsonicFaults = LineFaults & { status?: string };

export interface WindsonicTwinOptions {
  clock: Clock;
  scenario: WeatherScenario;
  node?: string;
  unit?: WindsonicUnit;
  mode?: 'continuous' | 'polled';
  /** heated model: status 60 instead of 00 */
  heated?: boolean;
  seed?: number;
  name?: string;
}

export class WindsonicTwin extends SerialTwin<WindsonicFaults> implements SimDevice {
  readonly name: string;
  readonly kind = 'gill-windsonic';
  readonly node: string;
  readonly unit: WindsonicUnit;
  mode: 'continuous' | 'polled';
  private readonly heated: boolean;
  private readonly clock: Clock;
  private readonly scenario: WeatherScenario;
  private readonly rand: () => number;
  private running = false;
  private configuring = false;
  private pollEnabled = false;
  private timer: Timer | null = null;
  private rx = '';
  private spikeArmed = false;
  private last: { dir: number; speed: number } | null = null;

  constructor(opts: WindsonicTwinOptions) {
    super();
    this.clock = opts.clock;
    this.scenario = opts.scenario;
    this.node = opts.node ?? 'Q';
    this.unit = opts.unit ?? 'M';
    this.mode = opts.mode ?? 'continuous';
    this.heated = opts.heated ?? false;
    this.rand = seededRandom(opts.seed ?? 1);
    this.name = opts.name ?? 'windsonic';
  }


  /** Power on: the banner, then data every second (continuous mode). */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.configuring = false;
    this.pollEnabled = false;
    this.reply(WINDSONIC_BANNER.map((l) => `${l}\r\n`).join(''));
    this.timer = this.clock.every(1000, () => {
      if (this.mode === 'continuous' && !this.configuring) this.sendData();
    });
  }

  stop(): void {
    this.running = false;
    this.timer?.cancel();
    this.timer = null;
  }


  clearFaults(): void {
    this.faults = {};
    this.spikeArmed = false;
  }

  /** The next line carries +20 m/s, once. */
  spike(): void {
    this.spikeArmed = true;
  }

  /** The line the device would send now, without faults. */
  render(): string {
    const s = this.scenario.at(this.clock.now());
    return this.line(s.wind_from_direction, s.wind_speed, this.okStatus());
  }

  private okStatus(): string {
    return this.heated ? '60' : '00';
  }

  private line(dir: number, speed: number, status: string): string {
    if (status === '01' || status === '02' || status === '04') return windsonicLine(this.node, 'missing', 'missing', this.unit, status);
    return windsonicLine(this.node, speed < 0.05 ? null : dir, speed, this.unit, status);
  }

  private sendData(): void {
    if (this.faults.silent) return;
    let m = this.faults.stuck && this.last ? this.last : (() => {
      const s = this.scenario.at(this.clock.now());
      return { dir: s.wind_from_direction, speed: s.wind_speed };
    })();
    if (!this.faults.stuck) this.last = m;
    if (this.spikeArmed) {
      this.spikeArmed = false;
      m = { ...m, speed: m.speed + 20 };
    }
    const line = this.line(m.dir, m.speed, this.faults.status ?? this.okStatus());
    for (const b of faultyBytes(line, this.faults, this.rand)) this.link?.write(b);
  }

  private reply(text: string): void {
    if (!this.faults.silent) this.link?.write(text);
  }

  // Commands are single characters (`?`, `!`, the node letter, `*`) except `Q` CR to leave
  // configuration mode, so bytes are handled one by one.
  protected override receive(bytes: Buffer): void {
    if (!this.running) return;
    for (const ch of bytes.toString('latin1')) {
      if (this.configuring) {
        this.rx = (this.rx + ch).slice(-16);
        if (ch === '\r' || ch === '\n') {
          const cmd = this.rx.trim();
          this.rx = '';
          if (cmd === 'Q') {
            this.configuring = false;
            this.reply('\r\n');
          } else if (cmd !== '') this.reply(`${cmd}\r\n`); // settings are echoed, not modelled
        }
        continue;
      }
      if (ch === '*') {
        this.configuring = true;
        this.rx = '';
        this.reply('CONFIGURATION MODE\r\n');
      } else if (this.mode === 'polled') {
        if (ch === '?') this.pollEnabled = true;
        else if (ch === '!') this.pollEnabled = false;
        else if (ch === '&' && this.pollEnabled) this.reply(`${this.node}\r\n`); // unit identifier (framing not in the manual)
        else if (ch === this.node && this.pollEnabled) this.sendData();
      }
    }
  }
}
