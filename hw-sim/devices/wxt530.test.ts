import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/clock.ts';
import { vaisalaCrc } from '../../core/checksums.ts';
import { Wxt530Twin, type Wxt530Options } from './wxt530.ts';
import { constantScenario, recordingLink } from './testing.ts';
import type { WeatherScenario } from '../weather/types.ts';

const T0 = Date.UTC(2026, 6, 1, 3);

function rig(opts: Partial<Wxt530Options> & { scenario?: WeatherScenario } = {}) {
  const clock = new ManualClock(T0);
  const twin = new Wxt530Twin({ clock, scenario: opts.scenario ?? constantScenario({ air_temperature: 22.66, relative_humidity: 55.54, air_pressure: 1004.71 }), ...opts });
  const link = recordingLink();
  twin.attach(link);
  twin.start();
  return { clock, twin, link };
}

const crcOk = (line: string) => line.slice(-3) === vaisalaCrc(line.slice(0, -3));

describe('WXT530 twin: commands', () => {
  it('answers a poll with the exact PTU line', () => {
    const { link } = rig({ mode: 'P' });
    link.send('0R2\r\n');
    expect(link.text()).toBe('0R2,Ta=22.7C,Ua=55.5P,Pa=1004.7H\r\n');
  });

  it('answers CRC polls with a verified CRC, and a wrong CRC with "Use chksum" like the manual', () => {
    const { link } = rig({ mode: 'p' });
    link.send('0r2Gje\r\n');
    expect(link.text()).toBe('0r2,Ta=22.7C,Ua=55.5P,Pa=1004.7H@Fn\r\n');
    link.clear();
    link.send(`0r1${vaisalaCrc('0r1')}\r\n`); // Goe
    const [wind] = link.lines();
    expect(wind).toMatch(/^0r1,Dn=\d{3}D,Dm=090D,Dx=\d{3}D,Sn=5\.0M,Sm=5\.0M,Sx=5\.0M/);
    expect(crcOk(wind!)).toBe(true);
    link.clear();
    link.send('0r1yyy\r\n');
    expect(link.text()).toBe('0tX,Use chksum GoeIU~\r\n'); // the manual's own example
  });

  it('answers ? with its address, ignores other addresses, and says so for unknown commands', () => {
    const { link } = rig({ mode: 'P', address: '3' });
    link.send('?\r\n0R2\r\n');
    expect(link.text()).toBe('3\r\n');
    link.clear();
    link.send('3FOO\r\n');
    expect(link.text()).toBe('3TX,Unknown cmd\r\n');
  });

  it('assembles commands split across chunks', () => {
    const { link } = rig({ mode: 'P' });
    link.send('0R');
    link.send('2\r');
    expect(link.text()).toBe('0R2,Ta=22.7C,Ua=55.5P,Pa=1004.7H\r\n');
  });

  it('composite aR0 carries the factory selection from every sensor', () => {
    const { link } = rig({ mode: 'P' });
    link.send('0R0\r\n');
    expect(link.text()).toBe('0R0,Dm=090D,Sm=5.0M,Ta=22.7C,Ua=55.5P,Pa=1004.7H,Rc=0.00M,Th=23.1C,Vh=12.0N\r\n');
  });

  it('resets the rain counter with aXZRU and counts rain duration', () => {
    // 36 mm/h = 0.01 mm/s, from the first second on.
    const scenario = constantScenario({ rainfall_rate: 36 }, (ts) => ({ precipitation_amount_since_start: Math.max(0, (ts - T0) / 1000) * 0.01 }));
    const { clock, link } = rig({ mode: 'P', scenario });
    clock.advance(120_000);
    link.send('0R3\r\n');
    expect(link.text()).toBe('0R3,Rc=1.20M,Rd=120s,Ri=36.0M,Hc=0.0M,Hd=0s,Hi=0.0M\r\n');
    link.clear();
    link.send('0XZRU\r\n0R3\r\n');
    expect(link.lines()).toEqual(['0TX,Rain reset', '0R3,Rc=0.00M,Rd=0s,Ri=36.0M,Hc=0.0M,Hd=0s,Hi=0.0M']);
  });

  it('reports settings and changes protocol and intervals with the device commands', () => {
    const { clock, twin, link } = rig({ mode: 'A' });
    link.send('0XU,M=P\r\n');
    expect(link.text()).toBe('0XU,M=P\r\n');
    expect(twin.mode).toBe('P');
    link.clear();
    clock.advance(120_000);
    expect(link.text()).toBe(''); // polled: silent until asked
    link.send('0WU\r\n');
    expect(link.text()).toBe('0WU,R=11111100&01001000,I=5,A=3,G=1,U=M,D=0,N=W,F=4\r\n');
    link.clear();
    link.send('0WU,I=1\r\n0XU,M=A\r\n');
    link.clear();
    clock.advance(10_000);
    expect(link.lines().filter((l) => l.startsWith('0R1,'))).toHaveLength(10);
    link.send('0XZ\r\n');
    expect(link.lines().at(-1)).toBe('0TX,Start-up');
  });
});

describe('WXT530 twin: automatic cadence (factory settings)', () => {
  it('sends wind every 5 s, PTU every 60 s, supervisor every 15 s and no rain when dry', () => {
    const { clock, link } = rig();
    clock.advance(60_000);
    const lines = link.lines();
    expect(lines.filter((l) => l.startsWith('0R1,'))).toHaveLength(12);
    expect(lines.filter((l) => l.startsWith('0R2,'))).toEqual(['0R2,Ta=22.7C,Ua=55.5P,Pa=1004.7H']);
    expect(lines.filter((l) => l.startsWith('0R5,'))).toHaveLength(4);
    expect(lines.filter((l) => l.startsWith('0R3,'))).toHaveLength(0);
  });

  it('sends rain every 10 s while it rains (auto-send mode R), then stops', () => {
    const rainUntil = T0 + 60_000;
    const scenario = constantScenario({}, (ts) => ({
      rainfall_rate: ts < rainUntil ? 36 : 0,
      precipitation_amount_since_start: (Math.min(ts, rainUntil) - T0) / 1000 * 0.01,
    }));
    const { clock, link } = rig({ scenario });
    clock.advance(300_000);
    const rain = link.lines().filter((l) => l.startsWith('0R3,'));
    // 10…60 s raining, then until the 1-min intensity is back to 0 (≤ 120 s), one last message.
    expect(rain.length).toBeGreaterThanOrEqual(10);
    expect(rain.length).toBeLessThanOrEqual(13);
    expect(rain.at(-1)).toMatch(/Rc=0\.60M,Rd=60s,Ri=0\.0M/);
  });

  it('uses CRC framing in mode a, and every automatic line verifies', () => {
    const { clock, link } = rig({ mode: 'a' });
    clock.advance(60_000);
    const lines = link.lines();
    expect(lines.length).toBeGreaterThan(10);
    for (const l of lines) {
      expect(l).toMatch(/^0r[1235],/);
      expect(crcOk(l)).toBe(true);
    }
  });

  it('stops talking when stopped', () => {
    const { clock, twin, link } = rig();
    twin.stop();
    clock.advance(60_000);
    link.send('0R1\r\n');
    expect(link.text()).toBe('');
  });
});

describe('WXT530 twin: faults', () => {
  it('noise puts garbage bytes before intact lines', () => {
    const { clock, twin, link } = rig({ mode: 'P' });
    twin.setFaults({ noise: true });
    link.send('0R2\r\n');
    const text = link.text();
    expect(text.endsWith('0R2,Ta=22.7C,Ua=55.5P,Pa=1004.7H\r\n')).toBe(true);
    expect(text.length).toBeGreaterThan('0R2,Ta=22.7C,Ua=55.5P,Pa=1004.7H\r\n'.length);
    clock.advance(1);
  });

  it('torn lines are cut short with no CR LF', () => {
    const { twin, link } = rig({ mode: 'P' });
    twin.setFaults({ tornLines: 1 });
    link.send('0R2\r\n');
    const text = link.text();
    expect(text).not.toContain('\r\n');
    expect('0R2,Ta=22.7C,Ua=55.5P,Pa=1004.7H'.startsWith(text)).toBe(true);
    expect(text.length).toBeGreaterThanOrEqual(3);
  });

  it('badCrc breaks the CRC of CRC lines only', () => {
    const { twin, link } = rig({ mode: 'p' });
    twin.setFaults({ badCrc: true });
    link.send('0r2Gje\r\n');
    const [line] = link.lines();
    expect(line!.slice(0, -3)).toBe('0r2,Ta=22.7C,Ua=55.5P,Pa=1004.7H');
    expect(crcOk(line!)).toBe(false);
    link.clear();
    link.send('0R2\r\n');
    expect(link.text()).toBe('0R2,Ta=22.7C,Ua=55.5P,Pa=1004.7H\r\n');
  });

  it('invalidValue flags one field with # instead of its unit', () => {
    const { twin, link } = rig({ mode: 'P' });
    twin.setFaults({ invalidValue: 1 });
    link.send('0R1\r\n');
    const [line] = link.lines();
    expect(line!.match(/=[\d.]+#/g)).toHaveLength(1);
  });

  it('stuck freezes the values while the truth moves; clearing it lets them move again', () => {
    const scenario = constantScenario({}, (ts) => ({ air_temperature: 20 + (ts - T0) / 60_000 }));
    const { clock, twin, link } = rig({ mode: 'P', scenario });
    link.send('0R2\r\n');
    twin.setFaults({ stuck: true });
    clock.advance(600_000);
    link.send('0R2\r\n');
    twin.clearFaults();
    link.send('0R2\r\n');
    expect(link.lines().map((l) => l.split(',')[1])).toEqual(['Ta=20.0C', 'Ta=20.0C', 'Ta=30.0C']);
  });

  it('spike adds +10 °C, +5 hPa and +20 m/s to one sample, once', () => {
    const { twin, link } = rig({ mode: 'P' });
    twin.spike();
    link.send('0R2\r\n0R1\r\n0R2\r\n0R1\r\n');
    const [p1, w1, p2, w2] = link.lines();
    expect(p1).toBe('0R2,Ta=32.7C,Ua=75.5P,Pa=1009.7H');
    expect(w1).toMatch(/Sn=5\.0M,Sm=11\.7M,Sx=25\.0M$/);
    expect(p2).toBe('0R2,Ta=22.7C,Ua=55.5P,Pa=1004.7H');
    expect(w2).toMatch(/Sx=5\.0M$/);
  });

  it('silent sends nothing, not even replies', () => {
    const { clock, twin, link } = rig();
    twin.setFaults({ silent: true });
    clock.advance(60_000);
    link.send('0R2\r\n?\r\n');
    expect(link.text()).toBe('');
  });

  it('fault randomness is seeded: same seed, same damage', () => {
    const run = (seed: number) => {
      const { clock, twin, link } = rig({ seed });
      twin.setFaults({ noise: 0.5, tornLines: 0.3, invalidValue: 0.3 });
      clock.advance(300_000);
      return link.text();
    };
    expect(run(5)).toBe(run(5));
    expect(run(5)).not.toBe(run(6));
  });
});
