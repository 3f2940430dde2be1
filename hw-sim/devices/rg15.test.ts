import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/clock.ts';
import { Rg15Twin, type Rg15TwinOptions } from './rg15.ts';
import { constantScenario, recordingLink } from './testing.ts';

const T0 = Date.UTC(2026, 6, 1, 3);
// 36 mm/h from T0 on: 0.01 mm a second.
const rain = constantScenario({ rainfall_rate: 36 }, (ts) => ({ precipitation_amount_since_start: Math.max(0, (ts - T0) / 1000) * 0.01 }));

function rig(opts: Partial<Rg15TwinOptions> = {}) {
  const clock = new ManualClock(T0);
  const twin = new Rg15Twin({ clock, scenario: rain, ...opts });
  const link = recordingLink();
  twin.attach(link);
  twin.start();
  return { clock, twin, link };
}

describe('RG-15 twin', () => {
  it('power-up prints the banner ending in PwrDays; R reads all four values', () => {
    const { clock, link } = rig();
    expect(link.lines()).toEqual([';RG-15 Optical Rain Gauge', ';Metric High Res Polling', 'SW 1.000', 'Reset PwrUp', 'PwrDays 0']);
    link.clear();
    clock.advance(100_000);
    link.send('R\n');
    expect(link.lines()).toEqual(['Acc  1.00 mm, EventAcc  1.00 mm, TotalAcc  1.00 mm, RInt  36.00 mmph']);
    link.clear();
    clock.advance(10_000);
    link.send('R\n');
    expect(link.lines()).toEqual(['Acc  0.10 mm, EventAcc  1.10 mm, TotalAcc  1.10 mm, RInt  36.00 mmph']); // Acc: since the last report
  });

  it('L and I change resolution and units; O zeroes the counters; K reboots (counters at 0)', () => {
    const { clock, link } = rig();
    clock.advance(100_000);
    link.clear();
    link.send('L\nR\nI\nR\n');
    expect(link.lines()).toEqual(['l', 'Acc  1.00 mm, EventAcc  1.00 mm, TotalAcc  1.00 mm, RInt  36.00 mmph', 'i', 'Acc  0.000 in, EventAcc  0.030 in, TotalAcc  0.030 in, RInt  1.417 iph']);
    link.clear();
    link.send('M\nH\nO\nR\n');
    expect(link.lines().at(-1)).toBe('Acc  0.00 mm, EventAcc  0.00 mm, TotalAcc  0.00 mm, RInt  36.00 mmph');
    clock.advance(5000);
    link.clear();
    link.send('K\n');
    expect(link.lines().at(-1)).toBe('PwrDays 0');
  });

  it('continuous mode sends when the count changes, nothing when dry', () => {
    const { clock, link } = rig({ mode: 'continuous', resolution: 'low' }); // 0.2 mm steps: one every 20 s
    link.clear();
    clock.advance(60_000);
    expect(link.lines().map((l) => /TotalAcc {2}([\d.]+)/.exec(l)?.[1])).toEqual(['0.20', '0.40', '0.60']);
    const dry = rig({ mode: 'continuous', scenario: constantScenario({}) });
    dry.link.clear();
    dry.clock.advance(60_000);
    expect(dry.link.text()).toBe('');
  });

  it('faults: fault words, wrong baud garbage, B n changes the speed, silent', () => {
    const { link, twin } = rig();
    twin.setFaults({ words: ['LensBad'] });
    link.clear();
    link.send('R\n');
    expect(link.text()).toMatch(/mmph, LensBad\r\n$/);
    twin.setFaults({ words: [], wrongBaud: true });
    link.clear();
    link.send('R\n');
    expect(link.text()).not.toMatch(/Acc/);
    twin.clearFaults();
    link.clear();
    link.send('B 5\nR\n');
    expect(link.lines()[0]).toBe('b');
    expect(twin.baud).toBe(38400);
    expect(link.text()).not.toMatch(/Acc/);
    link.send('B 3\n'); // the twin hears commands at any speed (a PTY has none); back to 9600
    twin.setFaults({ silent: true });
    link.clear();
    link.send('R\n');
    expect(link.text()).toBe('');
  });
});
