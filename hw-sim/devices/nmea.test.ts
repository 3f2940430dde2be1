// The NMEA twin: real bytes at its cadence, every fault, and the round trip truth → twin
// bytes → NmeaDriver → the same values within the device's resolution (hw-sim imports core
// only; this test may use the drivers as the other side of the wire).
import { describe, expect, it } from 'vitest';
import { ManualClock, xorChecksum, type Observation, type Rejection } from '../../core/index.ts';
import { NmeaDriver } from '../../drivers/nmea/driver.ts';
import { isNmeaRefusal, parseNmeaSentence } from '../../drivers/nmea/parse.ts';
import { MemoryTransport } from '../../drivers/transport/memory.ts';
import { tradeWindDay } from '../weather/trade-wind.ts';
import { NmeaTwin } from './nmea.ts';
import { constantScenario, recordingLink } from './testing.ts';

const T0 = Date.UTC(2026, 6, 1, 6);

function rig(opts: Partial<ConstructorParameters<typeof NmeaTwin>[0]> = {}) {
  const clock = new ManualClock(T0);
  const twin = new NmeaTwin({ clock, scenario: constantScenario({ wind_speed: 6.2, wind_from_direction: 75 }), ...opts });
  const link = recordingLink();
  twin.attach(link);
  twin.start();
  return { clock, twin, link };
}
const verifies = (l: string) => {
  const m = /^\$([^*]*)\*([0-9a-f]{2})$/.exec(l);
  return !!m && m[2]!.toUpperCase() === xorChecksum(m[1]!);
};

describe('NmeaTwin', () => {
  it('sends MWV relative and MDA every second with lower-case checksums that verify', () => {
    const { clock, link } = rig();
    clock.advance(3000);
    const lines = link.lines();
    expect(lines.map((l) => l.slice(0, 6))).toEqual(['$WIMWV', '$WIMDA', '$WIMWV', '$WIMDA', '$WIMWV', '$WIMDA']);
    expect(lines[0]).toBe(`$WIMWV,75.0,R,6.2,M,A*${xorChecksum('WIMWV,75.0,R,6.2,M,A').toLowerCase()}`);
    for (const l of lines) expect(verifies(l), l).toBe(true);
    expect(link.text().endsWith('\r\n')).toBe(true);
  });

  it('relative angles are truth minus the mast heading; every sentence kind can be enabled', () => {
    const { clock, link } = rig({ mastHeadingDeg: 100, intervals: { MWV: 1, MWVT: 1, XDR: 1, MTA: 1, VWR: 1, VWT: 1, MWD: 1 } });
    clock.advance(1000);
    const l = link.lines();
    expect(l.map((x) => x.slice(3, 6)).sort()).toEqual(['MTA', 'MWD', 'MWV', 'MWV', 'VWR', 'VWT', 'XDR']);
    expect(l.find((x) => x.includes(',R,') && x.startsWith('$WIMWV'))).toMatch(/^\$WIMWV,335\.0,R,/);
    expect(l.find((x) => x.includes(',T,') && x.startsWith('$WIMWV'))).toMatch(/^\$WIMWV,75\.0,T,/);
    expect(l.find((x) => x.startsWith('$WIVWR'))).toMatch(/^\$WIVWR,25\.0,L,/);
  });

  it('answers no command: NMEA weather sensors only talk', () => {
    const { link } = rig();
    link.send('$PAMTC,EN,ALL,1*00\r\n?\r\n');
    expect(link.text()).toBe('');
  });

  it('faults: noise, torn, merged, bad checksum, wrong baud, void, stuck, spike, silent', () => {
    const { clock, twin, link } = rig();
    const parse = (l: string) => parseNmeaSentence(l, { sensor: 's', ts: 0 });
    twin.setFaults({ noise: true });
    clock.advance(1000);
    for (const l of link.lines()) {
      expect(l).not.toMatch(/^\$/); // the garbage glued in front
      expect(verifies(l.slice(l.lastIndexOf('$')))).toBe(true); // the sentence itself intact
    }
    link.clear();
    twin.setFaults({ noise: false, badChecksum: true });
    clock.advance(1000);
    for (const l of link.lines()) expect(parse(l)).toMatchObject({ reason: expect.stringContaining('checksum mismatch') });
    link.clear();
    twin.setFaults({ badChecksum: false, tornLines: true });
    clock.advance(1000);
    expect(link.text()).not.toContain('\r\n');
    link.clear();
    twin.setFaults({ tornLines: false, mergedLines: true });
    clock.advance(1000);
    expect(link.text().split('$').length - 1).toBe(2);
    expect(link.text()).not.toContain('\r\n');
    link.clear();
    twin.setFaults({ mergedLines: false, wrongBaud: true });
    clock.advance(1000);
    const garbled = link.lines();
    expect(garbled).toHaveLength(2);
    for (const l of garbled) expect(isNmeaRefusal(parse(l))).toBe(true);
    link.clear();
    twin.clearFaults();
    twin.setFaults({ void: true });
    clock.advance(1000);
    expect(link.lines()[0]).toMatch(/^\$WIMWV,,R,,M,V\*/);
    link.clear();
    twin.clearFaults();
    twin.spike();
    clock.advance(2000);
    expect(link.lines().filter((l) => l.startsWith('$WIMWV')).map((l) => l.split(',')[3])).toEqual(['26.2', '6.2']);
    link.clear();
    twin.setFaults({ silent: true });
    clock.advance(5000);
    expect(link.text()).toBe('');
  });

  it('stuck freezes the values while the truth moves', () => {
    const clock = new ManualClock(T0);
    const twin = new NmeaTwin({ clock, scenario: constantScenario({}, (ts) => ({ air_temperature: 20 + (ts - T0) / 1000 })), intervals: { MTA: 1 } });
    const link = recordingLink();
    twin.attach(link);
    twin.start();
    clock.advance(1000);
    twin.setFaults({ stuck: true });
    clock.advance(2000);
    twin.setFaults({ stuck: false });
    clock.advance(1000);
    expect(link.lines().map((l) => l.split(',')[1])).toEqual(['21.0', '21.0', '21.0', '24.0']);
  });

  it('every MWV speed unit round-trips within half its printed step', () => {
    for (const [unit, step] of [['M', 0.1], ['K', 0.1 / 3.6], ['N', 0.1 * 0.514444], ['S', 0.1 * 0.44704]] as const) {
      const clock = new ManualClock(T0);
      const scenario = tradeWindDay({ start: T0 });
      const twin = new NmeaTwin({ clock, scenario, speedUnit: unit });
      for (let i = 0; i < 60; i++) {
        clock.advance(1000);
        const r = parseNmeaSentence(twin.render('MWV'), { sensor: 's', ts: clock.now() });
        if (isNmeaRefusal(r)) throw new Error(r.reason);
        const speed = r.observations.find((o) => o.quantity === 'wind_speed')!.value!;
        expect(Math.abs(speed - scenario.at(clock.now()).wind_speed), unit).toBeLessThanOrEqual(step / 2 + 1e-6);
      }
    }
  });

  it('round trip: truth → twin bytes → driver gives the truth within the printed resolution', async () => {
    const clock = new ManualClock(T0);
    const scenario = tradeWindDay({ start: T0 });
    const twin = new NmeaTwin({ clock, scenario, mastHeadingDeg: 40, speedUnit: 'N', intervals: { MWV: 1, MDA: 1, XDR: 5, MWD: 2, VWT: 3 } });
    const transport = new MemoryTransport();
    twin.attach({ write: (b) => void transport.device.send(b), onData: () => {} });
    const driver = new NmeaDriver({ sensor: 'met', transport, clock, headingOffsetDeg: 40, xdrMerge: ['TempAir'] });
    const obs: Observation[] = [];
    const rej: Rejection[] = [];
    driver.on('observations', (o: Observation[]) => obs.push(...o));
    driver.on('rejection', (r: Rejection) => rej.push(r));
    driver.start();
    await Promise.resolve();
    twin.start();
    clock.advance(120_000);
    expect(rej).toEqual([]);
    expect(obs.length).toBeGreaterThan(500);
    const angle = (a: number, b: number) => Math.abs(((a - b + 540) % 360) - 180);
    for (const o of obs) {
      const truth = scenario.at(o.ts);
      expect(o.qc.flag).toBe('not_checked');
      switch (o.quantity) {
        // 0.1 kn = 0.051 m/s (MWV in knots), 0.1 m/s elsewhere: half a step of rounding
        case 'wind_speed': expect(Math.abs(o.value! - truth.wind_speed)).toBeLessThanOrEqual(0.0515); break;
        case 'wind_from_direction': expect(angle(o.value!, truth.wind_from_direction)).toBeLessThanOrEqual(0.05 + 1e-9); break;
        case 'air_temperature': expect(Math.abs(o.value! - truth.air_temperature)).toBeLessThanOrEqual(0.05 + 1e-9); break;
        case 'relative_humidity': expect(Math.abs(o.value! - truth.relative_humidity)).toBeLessThanOrEqual(0.05 + 1e-9); break;
        case 'air_pressure': expect(Math.abs(o.value! - truth.air_pressure)).toBeLessThanOrEqual(0.05 + 1e-9); break;
        case 'dew_point_temperature': break;
        default: throw new Error(`unexpected ${o.quantity}`);
      }
    }
    expect(new Set(obs.map((o) => o.sensor))).toEqual(new Set(['met', 'met/Barometer', 'met/RelHum']));
    await driver.stop();
  });
});
