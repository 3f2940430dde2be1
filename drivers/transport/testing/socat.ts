// Test helper: a socat PTY pair (docs/serial-node.md). `a` and `b` are symlinks to the two
// PTY ends; bytes written to one come out of the other. kill() and start() again on the
// same links simulate unplug and replug.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export class SocatPair {
  readonly dir: string;
  readonly a: string;
  readonly b: string;
  private proc: ChildProcess | null = null;

  /** Links under a fresh temp dir unless `dir` is given. */
  constructor(dir?: string) {
    this.dir = dir ?? mkdtempSync(join(tmpdir(), 'bonin-socat-'));
    this.a = join(this.dir, 'a');
    this.b = join(this.dir, 'b');
  }

  get running(): boolean {
    return this.proc !== null;
  }

  /** Start socat; resolves once it reports "starting data transfer loop" (both links exist). */
  start(timeoutMs = 5000): Promise<void> {
    if (this.proc) return Promise.resolve();
    const proc = spawn('socat', ['-d', '-d', `pty,raw,echo=0,link=${this.a}`, `pty,raw,echo=0,link=${this.b}`], { stdio: ['ignore', 'ignore', 'pipe'] });
    this.proc = proc;
    proc.once('exit', () => {
      if (this.proc === proc) this.proc = null;
    });
    return new Promise((resolve, reject) => {
      let stderr = '';
      const timer = setTimeout(() => {
        proc.kill('SIGKILL');
        reject(new Error(`socat not ready after ${timeoutMs} ms: ${stderr}`));
      }, timeoutMs);
      proc.stderr!.on('data', (d: Buffer) => {
        stderr += d.toString();
        if (stderr.includes('starting data transfer loop')) {
          clearTimeout(timer);
          resolve();
        }
      });
      proc.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
    });
  }

  /** Kill socat (SIGKILL leaves dangling links, SIGTERM removes them) and wait for it to exit. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const proc = this.proc;
    if (!proc) return;
    this.proc = null;
    await new Promise<void>((resolve) => {
      if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
      proc.once('exit', () => resolve());
      proc.kill(signal);
    });
  }

  /** Kill socat and remove the temp dir. */
  async dispose(): Promise<void> {
    await this.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
