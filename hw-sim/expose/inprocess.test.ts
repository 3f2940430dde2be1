import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/clock.ts';
import { Wxt530Twin } from '../devices/wxt530.ts';
import { constantScenario } from '../devices/testing.ts';
import { exposeInProcess } from './inprocess.ts';
import { lineReader, once } from './testing.ts';

describe('in-process exposure', () => {
  it('carries the device bytes to a Duplex and commands back, asynchronously', async () => {
    const clock = new ManualClock();
    const twin = new Wxt530Twin({ clock, scenario: constantScenario(), mode: 'P' });
    const exposure = await exposeInProcess(twin);
    twin.start();
    const port = exposure.port!;
    const reader = lineReader(port);
    port.write('0R2\r\n');
    expect(reader.lines).toEqual([]); // not inside write()
    expect(await reader.next(/^0R2,/)).toBe('0R2,Ta=25.0C,Ua=80.0P,Pa=1014.6H');
    twin.setMode('A');
    clock.advance(5000);
    expect(await reader.next(/^0R1,/)).toMatch(/^0R1,Dn=090D/);
  });

  it('unplug closes the port; replug gives a new one that works', async () => {
    const clock = new ManualClock();
    const twin = new Wxt530Twin({ clock, scenario: constantScenario() });
    const exposure = await exposeInProcess(twin);
    twin.start();
    const first = exposure.port!;
    const closed = once(first, 'close');
    await exposure.unplug();
    await closed;
    expect(exposure.port).toBeNull();
    let announced = null as unknown;
    exposure.onPort((p) => { announced = p; });
    await exposure.replug();
    expect(announced).toBe(exposure.port);
    const reader = lineReader(exposure.port!);
    clock.advance(5000);
    expect(await reader.next(/^0R1,/)).toMatch(/^0R1,/);
  });
});
