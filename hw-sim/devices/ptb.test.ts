import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/clock.ts';
import { sumChecksum, xorChecksum } from '../../core/checksums.ts';
import { PtbTwin, type PtbTwinOptions } from './ptb.ts';
import { constantScenario, recordingLink } from './testing.ts';

const T0 = Date.UTC(2026, 6, 1, 3);

function rig(opts: Partial<PtbTwinOptions> = {}) {
  const clock = new ManualClock(T0);
  const twin = new PtbTwin({ clock, scenario: constantScenario({ air_pressure: 1004.716 }), ...opts });
  const link = recordingLink();
  twin.attach(link);
  twin.start();
  return { clock, twin, link };
}

describe('PTB330 twin', () => {
  it('factory STOP mode: silent until SEND, which prints one reading at 0.01 hPa', () => {
    const { clock, link } = rig();
    clock.advance(10_000);
    expect(link.text()).toBe('');
    link.send('SEND\r\n');
    expect(link.text()).toBe('P= 1004.72 hPa\r\n');
  });

  it('R runs at INTV until S; INTV and SMODE answer with the setting', () => {
    const { clock, link } = rig();
    link.send('INTV 5 s\r\n');
    expect(link.lines()).toEqual(['Output interval : 5 s']);
    link.clear();
    link.send('R\r\n');
    clock.advance(15_000);
    expect(link.lines()).toEqual(['P= 1004.72 hPa', 'P= 1004.72 hPa', 'P= 1004.72 hPa']);
    link.clear();
    link.send('S\r\n');
    clock.advance(15_000);
    expect(link.text()).toBe('');
  });

  it('SMODE RUN at power-up sends on its own; SEND with another address is not for it', () => {
    const { clock, link } = rig({ smode: 'RUN', intervalS: 10, address: 3 });
    clock.advance(20_000);
    expect(link.lines()).toHaveLength(2);
    link.clear();
    link.send('S\r\nSEND 4\r\n');
    expect(link.text()).toBe('');
    link.send('SEND 3\r\n');
    expect(link.lines()).toEqual(['P= 1004.72 hPa']);
  });

  it('FORM CS2/CS4/CSX append the checksum of everything before it; UNIT converts', () => {
    const { link } = rig();
    const body = 'P= 1004.72 hPa ';
    for (const [form, cs] of [['CS2', sumChecksum(body, 2)], ['CS4', sumChecksum(body, 4)], ['CSX', xorChecksum(body)]] as const) {
      link.clear();
      link.send(`FORM "P=" 4.2 P " " U " " ${form} #r #n\r\nSEND\r\n`);
      expect(link.lines()).toEqual(['OK', body + cs]);
    }
    link.clear();
    link.send('FORM /\r\nUNIT inHg\r\nSEND\r\n');
    expect(link.lines()).toEqual(['OK', 'Unit            : inHg', 'P= 29.6694 inHg']);
  });

  it('VERS and ? identify the barometer', () => {
    const { link } = rig();
    link.send('VERS\r\n');
    expect(link.lines()).toEqual(['PTB330 / 1.12']);
  });

  it('faults: missing prints stars, stuck freezes, spike is one sample, silent answers nothing, noise and torn lines', () => {
    const scenario = constantScenario({}, (ts) => ({ air_pressure: 1000 + (ts - T0) / 60_000 }));
    const { clock, twin, link } = rig({ scenario });
    twin.setFaults({ missing: true });
    link.send('SEND\r\n');
    expect(link.lines()).toEqual(['P= ******* hPa']);
    twin.clearFaults();
    link.clear();
    link.send('SEND\r\n');
    twin.setFaults({ stuck: true });
    clock.advance(600_000);
    link.send('SEND\r\n');
    expect(link.lines()).toEqual(['P= 1000.00 hPa', 'P= 1000.00 hPa']);
    twin.clearFaults();
    twin.spike();
    link.clear();
    link.send('SEND\r\nSEND\r\n');
    expect(link.lines()).toEqual(['P= 1015.00 hPa', 'P= 1010.00 hPa']);
    twin.setFaults({ silent: true });
    link.clear();
    link.send('SEND\r\nVERS\r\n');
    expect(link.text()).toBe('');
    twin.clearFaults();
    twin.setFaults({ noise: true, tornLines: true });
    link.send('SEND\r\n');
    const t = link.text();
    expect(t).not.toMatch(/\r\n$/);
    expect(t).not.toMatch(/^P= /);
  });
});

describe('PTB210 twin', () => {
  it('.P prints the bare reading; no echo, silent on other commands', () => {
    const { link } = rig({ model: 'PTB210' });
    link.send('SEND\r\n.P\r');
    expect(link.text()).toBe('1004.72\r\n');
  });
});
