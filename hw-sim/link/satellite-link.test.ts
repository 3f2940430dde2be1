// The link simulator over real loopback sockets, in clock time (ScaledClock 20×).
import { createServer, createConnection, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ScaledClock } from '../../core/index.ts';
import { startSatelliteLink, type SatelliteLink } from './satellite-link.ts';

const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

async function echoServer(): Promise<number> {
  const server: Server = createServer((s) => s.pipe(s));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanup.push(() => new Promise<void>((r) => server.close(() => r())));
  return (server.address() as { port: number }).port;
}

async function connect(link: SatelliteLink): Promise<Socket> {
  const s = createConnection({ host: '127.0.0.1', port: link.port });
  await new Promise<void>((resolve, reject) => { s.once('connect', resolve); s.once('error', reject); });
  cleanup.push(() => { s.destroy(); });
  return s;
}

describe('satellite link simulator', () => {
  it('carries bytes at its bit rate plus latency, both ways, in clock time', async () => {
    const clock = new ScaledClock({ speed: 20 });
    const link = await startSatelliteLink({ target: { host: '127.0.0.1', port: await echoServer() }, clock, bitsPerSecond: 2400, latencyMs: 500 });
    cleanup.push(() => link.stop());
    const s = await connect(link);
    const t0 = clock.now();
    let got = 0;
    const done = new Promise<number>((resolve) => s.on('data', (d) => { got += d.length; if (got >= 600) resolve(clock.now()); }));
    s.write(Buffer.alloc(600, 1)); // 600 B at 2400 bit/s = 2 s each way, + 0.5 s each way
    const t1 = await done;
    expect(t1 - t0).toBeGreaterThanOrEqual(4000);
    expect(t1 - t0).toBeLessThan(4000 + 2500); // timer slack at 20×
    expect(link.stats).toMatchObject({ up: 600, down: 600, connections: 1 });
    expect(link.stats.upBusyMs).toBeCloseTo(2000, 0);
  });

  it('an outage cuts every connection and refuses new ones until it ends', async () => {
    const clock = new ScaledClock({ speed: 20 });
    const now = clock.now();
    const link = await startSatelliteLink({ target: { host: '127.0.0.1', port: await echoServer() }, clock, bitsPerSecond: 64_000, outages: [{ from: now + 2000, to: now + 6000 }] });
    cleanup.push(() => link.stop());
    const s = await connect(link);
    const closed = new Promise<number>((r) => s.on('close', () => r(clock.now())));
    expect(await closed).toBeGreaterThanOrEqual(now + 2000);
    expect(link.down).toBe(true);
    const refused = createConnection({ host: '127.0.0.1', port: link.port });
    await new Promise((r) => refused.on('close', r));
    expect(link.stats.refused).toBe(1);
    await new Promise((r) => setTimeout(r, Math.max(0, (now + 6000 - clock.now()) / 20) + 20));
    expect(link.down).toBe(false);
    const again = await connect(link);
    const echoed = new Promise((r) => again.once('data', r));
    again.write('hi');
    await echoed;
    expect(link.stats).toMatchObject({ connections: 2, cuts: 1 });
  });
});
