// TcpTransport against a real net.Server on 127.0.0.1 (a stand-in for a serial device server).
import { spawn } from 'node:child_process';
import { createServer, Socket, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock, systemClock } from '../../core/index.ts';
import { createTransport } from './index.ts';
import { parseTcpUrl, TcpTransport } from './tcp.ts';
import { collect, nextEvent, waitUntil } from './testing/wait.ts';
import type { Transport } from './types.ts';

class DeviceServer {
  server: Server | null = null;
  sockets: Socket[] = [];
  received = '';
  connections = 0;
  port = 0;
  /** Called for each new connection (e.g. to hang up at once). */
  onConnection: (s: Socket) => void = () => {};

  async listen(port = 0): Promise<number> {
    const server = createServer((s) => {
      this.connections++;
      this.sockets.push(s);
      s.on('data', (d) => (this.received += d.toString('latin1')));
      s.on('error', () => {});
      s.on('close', () => (this.sockets = this.sockets.filter((x) => x !== s)));
      this.onConnection(s);
    });
    this.server = server;
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', () => resolve()));
    this.port = (server.address() as { port: number }).port;
    return this.port;
  }

  sendAll(text: string): void {
    for (const s of this.sockets) s.write(text);
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    for (const s of this.sockets) s.destroy();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

let dev: DeviceServer;
let t: Transport | null = null;

afterEach(async () => {
  await t?.close();
  t = null;
  await dev?.stop();
});


describe('TcpTransport', () => {
  it('parses tcp:// URLs and rejects malformed ones', () => {
    expect(parseTcpUrl('tcp://10.0.0.5:4001')).toEqual({ host: '10.0.0.5', port: 4001 });
    expect(parseTcpUrl('tcp://[::1]:4001')).toEqual({ host: '::1', port: 4001 });
    expect(() => parseTcpUrl('tcp://host')).toThrow();
    expect(() => parseTcpUrl('tcp://host:99999')).toThrow();
  });

  it('moves bytes both ways', async () => {
    dev = new DeviceServer();
    const port = await dev.listen();
    t = createTransport(`tcp://127.0.0.1:${port}`, { clock: systemClock });
    expect(t).toBeInstanceOf(TcpTransport);
    const got = collect(t);
    expect(t.write('early')).toBe(false);
    t.open();
    await nextEvent(t, 'open', 3000);
    await waitUntil(() => dev.sockets.length === 1, 2000, 'server side socket');
    dev.sendAll('0R2,Ta=23.6C\r\n');
    await waitUntil(() => got.data === '0R2,Ta=23.6C\r\n', 2000, 'data');
    expect(t.write('0R0\r\n')).toBe(true);
    await waitUntil(() => dev.received === '0R0\r\n', 2000, 'write');
  });

  it('reconnects when the server drops the connection', async () => {
    dev = new DeviceServer();
    const port = await dev.listen();
    t = createTransport(`tcp://127.0.0.1:${port}`, { clock: systemClock });
    const got = collect(t);
    t.open();
    await nextEvent(t, 'open', 3000);
    await waitUntil(() => dev.sockets.length === 1, 2000, 'server side socket');
    dev.sockets[0]!.destroy();
    await nextEvent(t, 'close', 2000);
    expect(t.write('stale')).toBe(false);
    await waitUntil(() => got.opens === 2 && dev.sockets.length === 1, 5000, 'reconnect');
    dev.sendAll('again\r\n');
    await waitUntil(() => got.data.includes('again'), 2000, 'data after reconnect');
    t.write('poll\r\n');
    await waitUntil(() => dev.received.includes('poll'), 2000, 'write after reconnect');
    expect(dev.received).not.toContain('stale');
  });

  it('keeps retrying through ECONNREFUSED while the server is down, then resumes', async () => {
    dev = new DeviceServer();
    const port = await dev.listen();
    t = createTransport(`tcp://127.0.0.1:${port}`, { clock: systemClock });
    const got = collect(t);
    const errors: Error[] = [];
    t.on('error', (e: Error) => errors.push(e));
    t.open();
    await nextEvent(t, 'open', 3000);
    await dev.stop();
    await nextEvent(t, 'close', 2000);
    await new Promise((r) => setTimeout(r, 800));
    expect(errors.some((e) => /ECONNREFUSED/.test(e.message))).toBe(true);
    await dev.listen(port);
    await waitUntil(() => got.opens === 2, 5000, 'reconnect after restart');
    await waitUntil(() => dev.sockets.length === 1, 2000, 'server side socket');
    dev.sendAll('back\r\n');
    await waitUntil(() => got.data.includes('back'), 2000, 'data after restart');
  });

  it('an unheard error never throws', async () => {
    dev = new DeviceServer();
    const port = await dev.listen();
    await dev.stop(); // nothing listens: every attempt is refused
    t = createTransport(`tcp://127.0.0.1:${port}`, { clock: systemClock });
    t.open();
    await waitUntil(() => (t as TcpTransport).attempts >= 2, 3000, 'a retry');
  });

  it('backs off on the injected clock when the server hangs up at once', async () => {
    dev = new DeviceServer();
    dev.onConnection = (s) => s.destroy();
    const port = await dev.listen();
    const clock = new ManualClock();
    const tr = new TcpTransport(`tcp://127.0.0.1:${port}`, { clock, backoff: { jitter: 0 } });
    t = tr;
    tr.open();
    await waitUntil(() => dev.connections === 1, 2000, 'first connection');
    await new Promise((r) => setTimeout(r, 200));
    expect(dev.connections).toBe(1); // no reconnect until clock time passes
    // An open resets the backoff, so each hang-up waits the initial 200 ms again.
    clock.advance(200);
    await waitUntil(() => dev.connections === 2, 2000, 'second connection');
    await new Promise((r) => setTimeout(r, 100));
    clock.advance(199);
    await new Promise((r) => setTimeout(r, 100));
    expect(dev.connections).toBe(2);
    clock.advance(1);
    await waitUntil(() => dev.connections === 3, 2000, 'third connection');
  });

  it('gives up a hanging connect after connectTimeoutMs of clock time', async () => {
    // A listener that never accepts, its accept queue (backlog 0 ⇒ one slot) already full:
    // Linux then drops further SYNs and a connect hangs, like a device server gone dark.
    const py = spawn('python3', ['-c', 'import socket,time\ns=socket.socket();s.bind(("127.0.0.1",0));s.listen(0)\nprint(s.getsockname()[1],flush=True)\ntime.sleep(60)'], { stdio: ['ignore', 'pipe', 'ignore'] });
    const filler = new Socket();
    try {
      const port = Number(await new Promise<string>((resolve) => py.stdout!.once('data', (d: Buffer) => resolve(d.toString()))));
      filler.on('error', () => {});
      await new Promise<void>((resolve) => filler.connect(port, '127.0.0.1', () => resolve()));
      const clock = new ManualClock();
      const tr = new TcpTransport(`tcp://127.0.0.1:${port}`, { clock, connectTimeoutMs: 1000, backoff: { jitter: 0 } });
      t = tr;
      const events: string[] = [];
      tr.on('error', (e: Error) => events.push(e.message));
      tr.on('open', () => events.push('open'));
      tr.open();
      await new Promise((r) => setTimeout(r, 300));
      expect(events).toEqual([]); // hanging, as intended
      expect(tr.attempts).toBe(1);
      clock.advance(999);
      expect(tr.attempts).toBe(1);
      clock.advance(1); // connect timeout: the attempt is abandoned …
      clock.advance(200); // … and retried after the first backoff step
      expect(tr.attempts).toBe(2);
      expect(tr.isOpen).toBe(false);
    } finally {
      filler.destroy();
      py.kill('SIGKILL');
    }
  });
});
