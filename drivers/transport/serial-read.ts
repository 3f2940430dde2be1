// serialport's unix read path, made cheap: wait until the fd is readable, then one
// non-blocking read() on the main thread.
//
// What @serialport/bindings-cpp 13 does per chunk (dist/unix-read.js): fs.read on the libuv
// threadpool, which returns the data; the stream asks for more at once, so a second fs.read
// on the threadpool fails with EAGAIN (an Error with a stack trace, built per chunk); then
// the uv_poll poller waits for readable and a third fs.read on the threadpool fetches the
// next chunk. Two threadpool round trips (each a futex wake of a worker and an eventfd write
// back to the loop), a rejected promise and a dozen `debug` calls per chunk: with a station's
// seven sensors (~120 chunks/s, the Firmata board's 19 ms analog reports most of them) the
// serial read path was the largest single cost of the gateway (CPU profile and strace of
// bench/station.ts).
//
// Here: poller 'readable' → readSync on the fd (opened O_NONBLOCK by the bindings, so it never
// blocks) → one chunk. No threadpool, no eventfd, no exception unless something is wrong.
//
// read() returning 0 on a tty is a hangup (the far end of a PTY gone, a USB adapter
// unplugged). The bindings retry that forever — the missed-disconnect spin of
// docs/serial-node.md — here it is a disconnect: the stream closes with a DisconnectedError,
// the transport reconnects. The transport's path watchdog stays as the second line.
import { readSync } from 'node:fs';
import { SerialPort } from 'serialport';

type Binding = typeof SerialPort.binding;
type OpenOptions = Parameters<Binding['open']>[0];
type PortBinding = Awaited<ReturnType<Binding['open']>>;
type ReadResult = { buffer: Buffer; bytesRead: number };
/** The detected binding seen through one signature (its type is the union of the three platforms'). */
const detected = SerialPort.binding as unknown as { list: Binding['list']; open(o: OpenOptions): Promise<PortBinding> };

/** What we use of a unix port binding (LinuxPortBinding, DarwinPortBinding). */
interface UnixPort {
  fd: number | null;
  poller: { once(event: 'readable', cb: (err?: Error | null) => void): unknown };
}

const isUnixPort = (p: object): p is UnixPort & object => 'poller' in p && 'fd' in p && typeof (p as UnixPort).fd === 'number';

/** The stream ignores a canceled error (a close of ours); any other error is a disconnect. */
const canceled = (message: string) => Object.assign(new Error(message), { canceled: true });
const RETRY = new Set(['EAGAIN', 'EWOULDBLOCK', 'EINTR']);

/** One chunk from a unix serial fd: poll for readable, then a non-blocking read on this thread. */
export function pollRead(port: UnixPort, buffer: Buffer, offset: number, length: number): Promise<ReadResult> {
  return new Promise((resolve, reject) => {
    const wait = () => {
      if (port.fd === null) {
        reject(canceled('Port is not open'));
        return;
      }
      port.poller.once('readable', onReadable);
    };
    const onReadable = (err?: Error | null) => {
      // The poller reports a close of ours as an error with `canceled`, a poll failure without.
      if (err) {
        reject(err);
        return;
      }
      const fd = port.fd;
      if (fd === null) {
        reject(canceled('Port is not open'));
        return;
      }
      let n: number;
      try {
        n = readSync(fd, buffer, offset, length, null);
      } catch (e) {
        if (RETRY.has((e as NodeJS.ErrnoException).code ?? '')) wait(); // readable was spurious
        else reject(Object.assign(e as Error, { disconnect: true })); // EIO, ENXIO, EBADF: the device is gone
        return;
      }
      if (n === 0) {
        reject(Object.assign(new Error('read returned 0 bytes: the tty hung up'), { disconnect: true }));
        return;
      }
      resolve({ buffer, bytesRead: n });
    };
    wait();
  });
}

/**
 * serialport's detected binding with the unix read path above. Anything that is not a unix
 * port binding (Windows) keeps the library's own read.
 */
export const pollReadBinding: Binding = {
  list: () => detected.list(),
  async open(options: OpenOptions): Promise<PortBinding> {
    const port = await detected.open(options);
    if (isUnixPort(port)) {
      const libraryRead = port.read.bind(port);
      port.read = (buffer: Buffer, offset: number, length: number) => {
        // The library's argument checks, for the cases its read rejects outright.
        if (!Buffer.isBuffer(buffer) || buffer.length < offset + length) return libraryRead(buffer, offset, length);
        return pollRead(port, buffer, offset, length);
      };
    }
    return port;
  },
} as Binding;
