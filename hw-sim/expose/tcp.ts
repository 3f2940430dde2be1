// A virtual device behind a TCP port, as a serial device server (Moxa NPort-style, raw TCP)
// presents a real one: the device's bytes go to the connected client, the client's bytes
// are the device's input. One client at a time; a new client replaces the old one (a
// gateway that restarted must not be locked out by its own half-open socket).
import { createServer, type Server, type Socket } from 'node:net';
import { SwitchLink, type Attachable } from './switch-link.ts';

export interface TcpExposure {
  readonly kind: 'tcp';
  /** 'tcp://127.0.0.1:PORT': what the gateway's TCP transport connects to. */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** Whether a client is connected now. */
  readonly connected: boolean;
  /** Reset the client's connection (TCP RST), as a device server reboot or a network fault does. */
  dropConnections(): void;
  /** Stop listening and reset the client: connects are refused until replug(). */
  unplug(): Promise<void>;
  /** Listen again on the same port. */
  replug(): Promise<void>;
  close(): Promise<void>;
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const addr = server.address();
      resolve(typeof addr === 'object' && addr ? addr.port : port);
    });
  });
}

export async function exposeTcp(device: Attachable, opts: { host?: string; port?: number } = {}): Promise<TcpExposure> {
  const host = opts.host ?? '127.0.0.1';
  const link = new SwitchLink();
  device.attach(link);
  let client: Socket | null = null;

  const onConnection = (socket: Socket) => {
    client?.destroy();
    client = socket;
    socket.setNoDelay(true);
    socket.on('data', (b: Buffer) => link.deliver(b));
    socket.on('error', () => { /* a reset client is just gone */ });
    socket.on('close', () => {
      if (client === socket) {
        client = null;
        link.disconnect();
      }
    });
    link.connect((b) => {
      if (!socket.destroyed) socket.write(b);
    });
  };

  let server: Server | null = createServer(onConnection);
  const port = await listen(server, opts.port ?? 0, host);

  const drop = () => {
    link.disconnect();
    const c = client;
    client = null;
    c?.resetAndDestroy();
  };

  async function unplug(): Promise<void> {
    drop();
    const s = server;
    server = null;
    if (s) await new Promise<void>((r) => s.close(() => r()));
  }

  return {
    kind: 'tcp',
    url: `tcp://${host}:${port}`,
    host,
    port,
    get connected() {
      return client !== null;
    },
    dropConnections: drop,
    unplug,
    async replug() {
      if (server) return;
      server = createServer(onConnection);
      await listen(server, port, host);
    },
    close: unplug,
  };
}
