// A serial device server (Moxa NPort, Lantronix, ser2net) reached as tcp://host:port. The
// socket is raw bytes; the server applies the serial settings.
import { Socket } from 'node:net';
import type { Timer } from '../../core/index.ts';
import { ReconnectingTransport, type LinkEvents } from './base.ts';
import type { TransportOptions } from './types.ts';

export class TcpTransport extends ReconnectingTransport {
  readonly host: string;
  readonly port: number;
  private readonly connectTimeoutMs: number;
  private socket: Socket | null = null;
  private connectTimer: Timer | null = null;

  constructor(url: string, opts: TransportOptions) {
    super(url, opts);
    const { host, port } = parseTcpUrl(url);
    this.host = host;
    this.port = port;
    this.connectTimeoutMs = opts.connectTimeoutMs ?? 5000;
  }

  protected connectLink(ev: LinkEvents): void {
    const socket = new Socket();
    this.socket = socket;
    let lastError: Error | undefined;
    socket.setNoDelay(true);
    // Keepalive finds a half-open connection (device server rebooted, link dropped) that
    // otherwise looks healthy forever on a quiet line.
    socket.setKeepAlive(true, 10_000);
    // Connect timeout through the Clock, not socket.setTimeout (which is real time).
    this.connectTimer = this.clock.after(this.connectTimeoutMs, () => {
      socket.destroy();
      ev.lost(`connect timeout after ${this.connectTimeoutMs} ms`);
    });
    socket.on('connect', () => {
      this.connectTimer?.cancel();
      ev.opened();
    });
    socket.on('data', (chunk: Buffer) => ev.data(chunk));
    socket.on('error', (err) => {
      lastError = err; // 'close' follows every 'error'; report there once
    });
    socket.on('close', () => {
      this.connectTimer?.cancel();
      ev.lost(lastError ? `socket closed: ${lastError.message}` : 'socket closed by peer', lastError);
    });
    socket.connect(this.port, this.host);
  }

  protected destroyLink(): Promise<void> {
    this.connectTimer?.cancel();
    this.connectTimer = null;
    const socket = this.socket;
    this.socket = null;
    if (!socket) return Promise.resolve();
    if (socket.destroyed) return Promise.resolve();
    return new Promise((resolve) => {
      socket.once('close', () => resolve());
      socket.destroy();
    });
  }

  protected writeLink(data: string | Buffer): boolean {
    const socket = this.socket;
    if (!socket || socket.destroyed || !socket.writable) return false;
    socket.write(data);
    return true;
  }
}

/** 'tcp://host:port' → parts; throws on a malformed URL (a configuration error, caught at load). */
export function parseTcpUrl(url: string): { host: string; port: number } {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new TypeError(`not a tcp://host:port URL: "${url}"`);
  }
  const port = Number(u.port);
  if (u.protocol !== 'tcp:' || !u.hostname || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new TypeError(`not a tcp://host:port URL: "${url}"`);
  }
  // URL keeps IPv6 literals bracketed; net wants them bare.
  return { host: u.hostname.replace(/^\[(.*)\]$/, '$1'), port };
}
