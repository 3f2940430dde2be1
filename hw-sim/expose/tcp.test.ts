import { afterEach, describe, expect, it } from 'vitest';
import { connect, type Socket } from 'node:net';
import { ScaledClock } from '../../core/clock.ts';
import { Wxt530Twin } from '../devices/wxt530.ts';
import { tradeWindDay } from '../weather/trade-wind.ts';
import { exposeTcp } from './tcp.ts';
import { lineReader, once } from './testing.ts';

const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

async function setup() {
  const clock = new ScaledClock({ speed: 5 });
  const twin = new Wxt530Twin({ clock, scenario: tradeWindDay({ start: clock.now() }), settings: { windIntervalS: 1 } });
  const exposure = await exposeTcp(twin);
  twin.start();
  cleanup.push(() => twin.stop(), () => exposure.close());
  return { exposure, twin };
}

function client(url: string): Promise<Socket> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const s = connect(Number(port), hostname, () => resolve(s));
    s.once('error', reject);
    cleanup.push(() => { s.destroy(); });
  });
}

describe('TCP exposure (serial device server)', () => {
  it('a client reads real 0R1 lines and polls', async () => {
    const { exposure } = await setup();
    expect(exposure.url).toMatch(/^tcp:\/\/127\.0\.0\.1:\d+$/);
    const s = await client(exposure.url);
    const reader = lineReader(s);
    expect(await reader.next(/^0R1,/)).toMatch(/^0R1,Dn=\d{3}D,Dm=\d{3}D,Dx=\d{3}D,Sn=[\d.]+M,Sm=[\d.]+M,Sx=[\d.]+M$/);
    s.write('0R2\r\n');
    expect(await reader.next(/^0R2,/)).toMatch(/^0R2,Ta=/);
  });

  it('dropConnections resets the client; it can reconnect and read again', async () => {
    const { exposure } = await setup();
    const s = await client(exposure.url);
    await lineReader(s).next(/^0R1,/);
    const err = once(s, 'error');
    exposure.dropConnections();
    expect(((await err)[0] as NodeJS.ErrnoException).code).toBe('ECONNRESET');
    const s2 = await client(exposure.url);
    expect(await lineReader(s2).next(/^0R1,/)).toMatch(/^0R1,/);
  });

  it('one client at a time: a new client replaces the old one', async () => {
    const { exposure } = await setup();
    const a = await client(exposure.url);
    const closed = once(a, 'close');
    const b = await client(exposure.url);
    await closed;
    expect(await lineReader(b).next(/^0R1,/)).toMatch(/^0R1,/);
    expect(exposure.connected).toBe(true);
  });

  it('unplug refuses connections until replug, on the same port', async () => {
    const { exposure } = await setup();
    await exposure.unplug();
    await expect(client(exposure.url)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    await exposure.replug();
    expect(await lineReader(await client(exposure.url)).next(/^0R1,/)).toMatch(/^0R1,/);
  });
});
