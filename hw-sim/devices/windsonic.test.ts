// The WindSonic twin: banner and cadence, its commands (polled mode, configuration mode), every
// fault, and the round trip truth → twin bytes → WindsonicDriver → the same values.
/* eslint-disable no-control-regex -- STX (\x02) and ETX (\x03) are the frame bytes under test */
import { describe, expect, it } from 'vitest';
import { ManualClock, xorChecksum, type Observation, type Rejection } from '../../core/index.ts';
import { WindsonicDriver } from '../../drivers/windsonic/driver.ts';
import { isWindsonicRefusal, parseWindsonicLine } from '../../drivers/windsonic/parse.ts';
import { MemoryTransport } from '../../drivers/transport/memory.ts';
import { tradeWindDay } from '../weather/trade-wind.ts';
import { constantScenario, recordingLink } from './testing.ts';
import { WINDSONIC_BANNER, WindsonicTwin, windsonicLine } from './windsonic.ts';

const T0 = Date.UTC(2026, 6, 1, 6);

function rig(opts: Partial<ConstructorParameters<typeof WindsonicTwin>[0]> = {}, over = {}) {
  const clock = new ManualClock(T0);
  const twin = new WindsonicTwin({ clock, scenario: constantScenario({ wind_speed: 2.74, wind_from_direction: 229, ...over }), ...opts });
  const link = recordingLink();
  twin.attach(link);
  twin.start();
  return { clock, twin, link };
}
const data = (link: ReturnType<typeof recordingLink>) => link.lines().filter((l) => l.startsWith('\x02'));

describe('WindsonicTwin', () => {
  it('prints the banner at power-up, then the manual frame once a second', () => {
    const { clock, link } = rig();
    expect(link.lines()).toEqual(WINDSONIC_BANNER);
    link.clear();
    clock.advance(3000);
    expect(link.lines()).toEqual(Array(3).fill('\x02Q,229,002.74,M,00,\x0316'));
  });

  it('leaves the direction blank below 0.05 m/s, pads failed axes with 9s, prints every unit', () => {
    expect(windsonicLine('Q', null, 0.03, 'M', '00')).toBe(`\x02Q,,000.03,M,00,\x03${xorChecksum('Q,,000.03,M,00,')}\r\n`);
    expect(windsonicLine('Q', 'missing', 'missing', 'M', '04')).toMatch(/^\x02Q,999,9999\.999,M,04,\x03/);
    const { clock, link } = rig({}, { wind_speed: 0.02 });
    link.clear();
    clock.advance(1000);
    expect(data(link)[0]).toMatch(/^\x02Q,,000\.02,M,00,/);
    for (const unit of ['N', 'P', 'K', 'F'] as const) {
      const r = rig({ unit });
      r.link.clear();
      r.clock.advance(1000);
      const p = parseWindsonicLine(data(r.link)[0]!, { sensor: 's', ts: 0 });
      if (isWindsonicRefusal(p)) throw new Error(p.reason);
      expect(p.observations[0]!.value).toBeCloseTo(2.74, 2);
    }
  });

  it('polled mode: ?Q gets one line, Q alone after ! gets nothing, ?& the unit letter; heated units say 60', () => {
    const { clock, link } = rig({ mode: 'polled', heated: true });
    link.clear();
    clock.advance(5000);
    expect(link.text()).toBe(''); // polled: nothing on its own
    link.send('?Q');
    expect(data(link)).toEqual([`\x02Q,229,002.74,M,60,\x03${xorChecksum('Q,229,002.74,M,60,')}`]);
    link.send('Q');
    expect(data(link)).toHaveLength(2);
    link.send('!Q');
    expect(data(link)).toHaveLength(2);
    link.send('?A'); // another node letter
    expect(data(link)).toHaveLength(2);
    link.clear();
    link.send('?&!'); // unit identifier query
    expect(link.lines()).toEqual(['Q']);
  });

  it('configuration mode: * stops the data, Q CR resumes it; settings are echoed, not applied', () => {
    const { clock, link } = rig();
    link.clear();
    link.send('*');
    expect(link.lines()).toEqual(['CONFIGURATION MODE']);
    clock.advance(3000);
    expect(data(link)).toEqual([]);
    link.send('M2\r');
    expect(link.lines().at(-1)).toBe('M2');
    link.send('Q\r');
    clock.advance(1000);
    expect(data(link)).toHaveLength(1);
  });

  it('faults: status, noise, bad checksum, torn, merged, wrong baud, stuck, spike, silent', () => {
    const { clock, twin, link } = rig();
    const parse = (l: string) => parseWindsonicLine(l, { sensor: 's', ts: 0 });
    link.clear();
    twin.setFaults({ status: '04' });
    clock.advance(1000);
    expect(data(link)[0]).toMatch(/^\x02Q,999,9999\.999,M,04,/);
    twin.setFaults({ status: '08' });
    clock.advance(1000);
    expect(data(link)[1]).toMatch(/^\x02Q,229,002\.74,M,08,/);
    twin.clearFaults();
    link.clear();
    twin.setFaults({ noise: true });
    clock.advance(1000);
    expect(link.lines()[0]).toMatch(/.\x02Q,229/s);
    twin.setFaults({ noise: false, badChecksum: true });
    link.clear();
    clock.advance(1000);
    expect(parse(link.lines()[0]!)).toMatchObject({ reason: expect.stringContaining('checksum mismatch') });
    twin.setFaults({ badChecksum: false, tornLines: true });
    link.clear();
    clock.advance(1000);
    expect(link.text()).not.toContain('\r\n');
    twin.setFaults({ tornLines: false, mergedLines: true });
    link.clear();
    clock.advance(2000);
    expect(link.text().split('\x02').length - 1).toBe(2);
    twin.setFaults({ mergedLines: false, wrongBaud: true });
    link.clear();
    clock.advance(1000);
    expect(isWindsonicRefusal(parse(link.lines()[0]!))).toBe(true);
    twin.clearFaults();
    twin.spike();
    link.clear();
    clock.advance(2000);
    expect(data(link).map((l) => l.split(',')[2])).toEqual(['022.74', '002.74']);
    twin.setFaults({ silent: true });
    link.clear();
    clock.advance(3000);
    link.send('*');
    expect(link.text()).toBe('');
  });

  it('stuck freezes the wind while the truth moves', () => {
    const clock = new ManualClock(T0);
    const twin = new WindsonicTwin({ clock, scenario: constantScenario({}, (ts) => ({ wind_speed: (ts - T0) / 1000 })) });
    const link = recordingLink();
    twin.attach(link);
    twin.start();
    clock.advance(1000);
    twin.setFaults({ stuck: true });
    clock.advance(2000);
    twin.clearFaults();
    clock.advance(1000);
    expect(data(link).map((l) => l.split(',')[2])).toEqual(['001.00', '001.00', '001.00', '004.00']);
  });

  for (const mode of ['continuous', 'polled'] as const) {
    it(`round trip (${mode}): truth → twin bytes → driver gives the truth within 0.005 m/s and 0.5°`, async () => {
      const clock = new ManualClock(T0);
      const scenario = tradeWindDay({ start: T0 });
      const twin = new WindsonicTwin({ clock, scenario, mode });
      const transport = new MemoryTransport();
      twin.attach({ write: (b) => void transport.device.send(b), onData: (cb) => transport.on('written', (s: string) => cb(Buffer.from(s, 'latin1'))) });
      const driver = new WindsonicDriver({ sensor: 'ws', transport, clock, mode, pollIntervalMs: 1000 });
      const obs: Observation[] = [];
      const rej: Rejection[] = [];
      const texts: string[] = [];
      driver.on('observations', (o: Observation[]) => obs.push(...o));
      driver.on('rejection', (r: Rejection) => rej.push(r));
      driver.on('text', (t: string) => texts.push(t));
      driver.start();
      await Promise.resolve();
      twin.start();
      clock.advance(60_000);
      expect(rej).toEqual([]);
      expect(texts).toEqual(WINDSONIC_BANNER);
      expect(obs.filter((o) => o.quantity === 'wind_speed').length).toBeGreaterThanOrEqual(60);
      for (const o of obs) {
        const truth = scenario.at(o.ts);
        if (o.quantity === 'wind_speed') expect(Math.abs(o.value! - truth.wind_speed)).toBeLessThanOrEqual(0.005 + 1e-9);
        else expect(Math.abs(((o.value! - truth.wind_from_direction + 540) % 360) - 180)).toBeLessThanOrEqual(0.5 + 1e-9);
      }
      await driver.stop();
    });
  }
});
