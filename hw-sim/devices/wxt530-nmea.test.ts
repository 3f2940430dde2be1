import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/clock.ts';
import { xorChecksum } from '../../core/checksums.ts';
import { Wxt530Twin } from './wxt530.ts';
import { xdrSentence } from './wxt530-nmea.ts';
import { constantScenario, recordingLink } from './testing.ts';

const ok = (s: string) => s.slice(s.indexOf('*') + 1) === xorChecksum(s.slice(1, s.indexOf('*')));

describe('WXT530 twin in NMEA mode', () => {
  it('renders the manual rain example\'s layout (ids from address 0; without the peak intensities the twin does not model)', () => {
    const line = xdrSentence('0', [
      { name: 'Rc', value: '0.02', unit: 'M' }, { name: 'Rd', value: '30', unit: 's' }, { name: 'Ri', value: '2.7', unit: 'M' },
      { name: 'Hc', value: '0.0', unit: 'M' }, { name: 'Hd', value: '0', unit: 's' }, { name: 'Hi', value: '0.0', unit: 'M' },
    ]);
    const body = 'WIXDR,V,0.02,M,0,Z,30,s,0,R,2.7,M,0,V,0.0,M,1,Z,0,s,1,R,0.0,M,1';
    expect(line).toBe(`$${body}*${xorChecksum(body)}\r\n`);
    expect(ok(line.trimEnd())).toBe(true);
  });

  it('M=N sends XDR on its own; M=Q answers $--WIQ,XDR*2D with every sensor; aXU,M= switches', () => {
    const clock = new ManualClock(Date.UTC(2026, 6, 1));
    const twin = new Wxt530Twin({ clock, scenario: constantScenario({}), mode: 'A', address: 'B', settings: { windIntervalS: 1 } });
    const link = recordingLink();
    twin.attach(link);
    twin.start();
    link.send('BXU,M=N\r\n');
    link.clear();
    clock.advance(1000);
    expect(link.lines()).toEqual([expect.stringMatching(/^\$WIXDR,A,090,D,11,A,090,D,12,A,090,D,13,S,5\.0,M,11,/)]);
    link.send('BXU,M=Q\r\n');
    link.clear();
    clock.advance(60_000);
    expect(link.text()).toBe(''); // query mode: nothing unasked
    link.send('$--WIQ,XDR*2D\r\n');
    const lines = link.lines();
    expect(lines.map((l) => l.split(',')[1])).toEqual(['A', 'C', 'V', 'C']);
    expect(lines.every(ok)).toBe(true);
  });
});
