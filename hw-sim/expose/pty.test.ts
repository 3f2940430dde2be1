import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SerialPort } from 'serialport';
import { ScaledClock } from '../../core/clock.ts';
import { Wxt530Twin } from '../devices/wxt530.ts';
import { tradeWindDay } from '../weather/trade-wind.ts';
import { exposePty, hasSocat, type PtyExposure } from './pty.ts';
import { lineReader, once } from './testing.ts';

const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

function openGatewaySide(path: string): Promise<SerialPort> {
  return new Promise((resolve, reject) => {
    const port = new SerialPort({ path, baudRate: 19200, autoOpen: false });
    port.open((e) => (e ? reject(e) : resolve(port)));
  });
}

async function setup(): Promise<{ exposure: PtyExposure; twin: Wxt530Twin }> {
  const clock = new ScaledClock({ speed: 5 });
  const twin = new Wxt530Twin({ clock, scenario: tradeWindDay({ start: clock.now() }), settings: { windIntervalS: 1 } });
  const exposure = await exposePty(twin, { dir: mkdtempSync(join(tmpdir(), 'bonin-pty-')) });
  twin.start();
  cleanup.push(() => twin.stop(), () => exposure.close());
  return { exposure, twin };
}

describe.skipIf(!hasSocat())('PTY exposure (real socat, real serialport)', () => {
  it('the gateway side reads real 0R1 lines and polls a PTU line', async () => {
    const { exposure } = await setup();
    expect(existsSync(exposure.path)).toBe(true);
    const port = await openGatewaySide(exposure.path);
    cleanup.push(() => new Promise<void>((r) => (port.isOpen ? port.close(() => r()) : r())));
    const reader = lineReader(port);
    const wind = await reader.next(/^0R1,/);
    expect(wind).toMatch(/^0R1,Dn=\d{3}D,Dm=\d{3}D,Dx=\d{3}D,Sn=\d+\.\dM,Sm=\d+\.\dM,Sx=\d+\.\dM$/);
    port.write('0R2\r\n');
    expect(await reader.next(/^0R2,/)).toMatch(/^0R2,Ta=\d+\.\dC,Ua=\d+\.\dP,Pa=\d{3,4}\.\dH$/);
  });

  it('unplug closes the reader port; replug on the same path lets reading resume', async () => {
    const { exposure } = await setup();
    const port = await openGatewaySide(exposure.path);
    await lineReader(port).next(/^0R1,/);
    const closed = once(port, 'close');
    await exposure.unplug();
    const [err] = await closed;
    expect((err as { disconnected?: boolean } | undefined)?.disconnected).toBe(true);
    expect(exposure.plugged).toBe(false);

    await exposure.replug();
    const again = await openGatewaySide(exposure.path);
    cleanup.push(() => new Promise<void>((r) => (again.isOpen ? again.close(() => r()) : r())));
    expect(await lineReader(again).next(/^0R1,/)).toMatch(/^0R1,Dn=/);
  });
});
