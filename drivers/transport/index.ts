// Pick the transport kind from the URL: `tcp://host:port` is a serial device server,
// anything else is a local serial device path.
import { SerialTransport } from './serial.ts';
import { TcpTransport } from './tcp.ts';
import type { Transport, TransportOptions } from './types.ts';

export function createTransport(url: string, opts: TransportOptions): Transport {
  if (url.startsWith('tcp://')) return new TcpTransport(url, opts);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) throw new TypeError(`unsupported transport URL scheme: "${url}" (use a device path or tcp://host:port)`);
  return new SerialTransport(url, opts);
}

export { SerialTransport } from './serial.ts';
export { TcpTransport, parseTcpUrl } from './tcp.ts';
export { ReconnectingTransport, type LinkEvents } from './base.ts';
export { backoffDelay, DEFAULT_BACKOFF } from './backoff.ts';
export { TransportListener, type TransportHandlers } from './listener.ts';
export type { Transport, TransportOptions, TransportLog, BackoffOptions } from './types.ts';
