// A virtual device reached inside the same process, for fast unit tests: no PTY, no socket.
//
// Shape of the gateway side: `exposure.port` is a Node Duplex stream, the same surface a
// SerialPort or a net.Socket offers — 'data' events (Buffer) carry the device's bytes,
// write() sends commands, 'close' fires on unplug. Bytes written to the port reach the
// device on a later tick (never inside the caller's write()), as over a real wire.
// After unplug()/replug() the port is a new stream: take `exposure.port` again (or listen
// to the 'port' callback given to `onPort`).
import { Duplex } from 'node:stream';
import { SwitchLink, type Attachable } from './switch-link.ts';

export interface InProcessExposure {
  readonly kind: 'inprocess';
  /** 'inprocess:<name>': a label, not an openable path. */
  readonly path: string;
  /** The gateway side of the current connection; null while unplugged. */
  readonly port: Duplex | null;
  /** Called with each new port (after replug). */
  onPort(cb: (port: Duplex) => void): void;
  unplug(): Promise<void>;
  replug(): Promise<void>;
  close(): Promise<void>;
}

export async function exposeInProcess(device: Attachable, opts: { name?: string } = {}): Promise<InProcessExposure> {
  const link = new SwitchLink();
  device.attach(link);
  let port: Duplex | null = null;
  const listeners: Array<(p: Duplex) => void> = [];

  const plug = () => {
    const p: Duplex = new Duplex({
      read() { /* pushed by the device */ },
      write(chunk: Buffer, _enc, cb) {
        setImmediate(() => link.deliver(Buffer.from(chunk)));
        cb();
      },
    });
    p.on('error', () => { /* destroyed on unplug */ });
    port = p;
    link.connect((b) => {
      if (!p.destroyed) p.push(b);
    });
    for (const l of listeners) l(p);
  };

  const unplug = async () => {
    link.disconnect();
    const p = port;
    port = null;
    p?.destroy();
  };

  plug();
  return {
    kind: 'inprocess',
    path: `inprocess:${opts.name ?? device.name}`,
    get port() {
      return port;
    },
    onPort(cb) {
      listeners.push(cb);
    },
    unplug,
    async replug() {
      if (!port) plug();
    },
    close: unplug,
  };
}
