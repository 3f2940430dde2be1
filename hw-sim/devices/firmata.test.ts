// The Firmata board twin on its own: the handshake bytes firmata.js waits for, reporting on
// request only, I²C replies from the BMP280's registers, and the chip's raw values inverting
// the datasheet compensation.
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/clock.ts';
import { Bmp280Chip, DATASHEET_TRIM, rawFor } from './firmata-bmp280.ts';
import { FirmataBoardTwin } from './firmata.ts';
import { HostParser } from './firmata-protocol.ts';
import { constantScenario, recordingLink } from './testing.ts';

function board(over = {}) {
  const clock = new ManualClock();
  const twin = new FirmataBoardTwin({ clock, scenario: constantScenario({ wind_speed: 6.6667, wind_from_direction: 90, air_pressure: 1008.37, air_temperature: 21.3, ...over }) });
  const link = recordingLink();
  twin.attach(link);
  twin.start();
  return { clock, twin, link, host: (bytes: number[]) => link.send(Buffer.from(bytes).toString('latin1')) };
}

describe('Firmata board twin', () => {
  it('announces REPORT_VERSION + firmware every 250 ms until the capability query, then answers it and the analog mapping', () => {
    const { clock, link, host } = board();
    expect([...link.bytes().subarray(0, 5)]).toEqual([0xf9, 2, 5, 0xf0, 0x79]);
    clock.advance(1000);
    const announcements = () => link.bytes().reduce((n, b, i, a) => n + (b === 0xf9 && a[i + 1] === 2 && a[i + 2] === 5 ? 1 : 0), 0);
    expect(announcements()).toBe(5);
    const beforeQuery = link.bytes().length;
    host([0xf0, 0x6b, 0xf7]);
    clock.advance(1000);
    expect(announcements()).toBe(5);
    host([0xf0, 0x69, 0xf7]);
    const reply = link.bytes().subarray(beforeQuery);
    expect(reply[0]).toBe(0xf0);
    expect(reply[1]).toBe(0x6c); // capability response first…
    const mapping = reply.subarray(reply.indexOf(0x6a) - 1);
    expect([...mapping.subarray(0, 2)]).toEqual([0xf0, 0x6a]);
    expect([...mapping.subarray(2, 22)]).toEqual([...Array(14).fill(0x7f), 0, 1, 2, 3, 4, 5]); // …then the mapping: A0–A5 = pins 14–19
  });

  it('reports the pulses only once the port is enabled; 9 closures a second at 6 m/s, each as two port messages', () => {
    const { clock, link, host } = board({ wind_speed: 6 });
    host([0xf0, 0x6b, 0xf7]);
    clock.advance(1000);
    link.clear();
    clock.advance(1000);
    expect(link.bytes().includes(0x90)).toBe(false); // not asked for: nothing
    host([0xd0, 1]); // report digital port 0
    link.clear();
    clock.advance(10_000);
    const msgs = new HostParser().push(link.bytes()).filter((m) => m.command === 0x90);
    const closures = msgs.filter((m) => (m.data[0]! & 0x04) === 0).length;
    expect(closures).toBeGreaterThanOrEqual(89);
    expect(closures).toBeLessThanOrEqual(91);
    expect(msgs.length).toBe(2 * closures);
  });

  it('I²C: chip id, calibration words and continuous reads of 0xF7', () => {
    const { clock, link, host } = board();
    const pairs = (bs: number[]) => bs.flatMap((b) => [b & 0x7f, b >> 7]);
    host([0xf0, 0x76, 0x77, 0x08, ...pairs([0xd0, 1]), 0xf7]); // read once 1 byte from 0xD0
    const id = link.bytes();
    expect([...id.subarray(id.length - 9)]).toEqual([0xf0, 0x77, 0x77, 0, 0x50, 1, 0x58, 0, 0xf7]);
    host([0xf0, 0x76, 0x77, 0x00, ...pairs([0xf4, 0x2f]), 0xf7]); // ctrl_meas: normal mode
    host([0xf0, 0x76, 0x77, 0x10, ...pairs([0xf7, 6]), 0xf7]); // continuous
    link.clear();
    clock.advance(1000);
    const replies = new HostParser().push(link.bytes()).filter((m) => m.command === 0x77);
    expect(replies.length).toBeGreaterThanOrEqual(50); // every 19 ms
  });

  it('BMP280 registers invert the datasheet compensation: the example raw values come back', () => {
    // §3.12: adc_T 519888 ↔ 25.08 °C; adc_P 415148 ↔ 100653.27 Pa
    const { adcT, adcP } = rawFor(25.0826, 1006.5327, DATASHEET_TRIM);
    expect(Math.abs(adcT - 519888)).toBeLessThanOrEqual(2);
    expect(Math.abs(adcP - 415148)).toBeLessThanOrEqual(2);
    const chip = new Bmp280Chip();
    expect(chip.read(0xf7, 3)).toEqual([0x80, 0, 0]); // no measurement before normal mode
    chip.write(0xf4, [0x2f]);
    chip.measure(25.0826, 1006.5327);
    expect(chip.read(0xd0, 1)).toEqual([0x58]);
    chip.write(0xe0, [0xb6]); // soft reset
    expect(chip.read(0xf4, 1)).toEqual([0]);
  });
});
