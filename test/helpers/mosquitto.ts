// A real Mosquitto broker for a test: its own config, on a free loopback port, stopped and
// restarted on the same port to simulate a dead link.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const c = createConnection({ port, host: '127.0.0.1' }, () => { c.destroy(); resolve(true); });
      c.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > until) throw new Error(`mosquitto did not listen on ${port} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export const mosquittoBinary = (): string => (existsSync('/usr/sbin/mosquitto') ? '/usr/sbin/mosquitto' : 'mosquitto');

export class Mosquitto {
  private proc: ChildProcess | null = null;
  readonly conf: string;

  private constructor(readonly port: number) {
    const dir = mkdtempSync(join(tmpdir(), 'bonin-mosquitto-'));
    this.conf = join(dir, 'mosquitto.conf');
    writeFileSync(this.conf, `listener ${port} 127.0.0.1\nallow_anonymous true\npersistence false\nmax_queued_messages 100000\n`);
  }

  get url(): string {
    return `mqtt://127.0.0.1:${this.port}`;
  }

  static async start(): Promise<Mosquitto> {
    return Mosquitto.startOn(await freePort());
  }

  static async startOn(port: number): Promise<Mosquitto> {
    const m = new Mosquitto(port);
    await m.restart();
    return m;
  }

  async restart(): Promise<void> {
    if (this.proc) await this.stop();
    this.proc = spawn(mosquittoBinary(), ['-c', this.conf], { stdio: 'ignore' });
    await waitForPort(this.port, 5000);
  }

  async stop(): Promise<void> {
    const p = this.proc;
    this.proc = null;
    if (!p || p.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      p.once('exit', () => resolve());
      p.kill('SIGKILL');
    });
  }
}
