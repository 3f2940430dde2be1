// sd_notify for a Node process (docs/service.md). Node has no unix datagram sockets, so a small
// long-lived helper child does the sending: python3 (a 10-line script), or socat when python3
// is missing. The helper lives as long as the gateway, in the same cgroup, so systemd can
// always attribute its datagrams to the service (NotifyAccess=all); a short-lived
// `systemd-notify` per message races with its own exit (systemd may look the sender up
// after it is gone and drop the message). Native addons (sd-notify needs libsystemd-dev,
// unix-dgram compiles with node-gyp) were rejected: nothing more to build on a Pi.
// Active only when NOTIFY_SOCKET is set (systemd Type=notify sets it).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import type { Logger } from '../log.ts';

const PY_HELPER = [
  'import os, socket, sys',
  "a = os.environ['NOTIFY_SOCKET']",
  "a = '\\0' + a[1:] if a.startswith('@') else a",
  's = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)',
  'for line in sys.stdin:',
  "    m = line.rstrip('\\n').replace('\\t', '\\n')",
  '    if m:',
  '        try: s.sendto(m.encode(), a)',
  "        except OSError as e: sys.stderr.write('notify: %s\\n' % e); sys.stderr.flush()",
].join('\n');

type Helper = 'python3' | 'socat';

function available(cmd: string): boolean {
  return spawnSync(cmd, ['-V'], { stdio: 'ignore' }).error === undefined;
}

export class SystemdNotifier {
  private child: ChildProcess | null = null;
  private respawnTimer: NodeJS.Timeout | null = null;
  private closed = false;
  readonly stats = { sent: 0, helperRestarts: 0 };

  private constructor(private readonly socket: string, private readonly helper: Helper, private readonly log: Logger) {
    this.spawnHelper();
  }

  /** The notifier when systemd asked for notifications (NOTIFY_SOCKET) and a helper exists; else null. */
  static fromEnv(env: NodeJS.ProcessEnv, log: Logger, prefer: Helper[] = ['python3', 'socat']): SystemdNotifier | null {
    const socket = env.NOTIFY_SOCKET;
    if (!socket) return null;
    const helper = prefer.find(available);
    if (!helper) {
      log.error({ socket }, 'systemd: NOTIFY_SOCKET is set but neither python3 nor socat is installed; cannot notify (the unit will time out at start)');
      return null;
    }
    return new SystemdNotifier(socket, helper, log);
  }

  get via(): Helper {
    return this.helper;
  }

  private spawnHelper(): void {
    const args = this.helper === 'python3'
      ? ['python3', ['-u', '-c', PY_HELPER]] as const
      : ['socat', ['-u', 'STDIN', this.socket.startsWith('@') ? `ABSTRACT-SENDTO:${this.socket.slice(1)}` : `UNIX-SENDTO:${this.socket}`]] as const;
    const child = spawn(args[0], [...args[1]], { stdio: ['pipe', 'ignore', 'pipe'], env: { ...process.env, NOTIFY_SOCKET: this.socket } });
    child.stdin!.on('error', () => {}); // EPIPE when it died: the exit handler respawns it
    child.stderr!.on('data', (d: Buffer) => this.log.warn({ helper: this.helper, out: d.toString().trim().slice(0, 200) }, 'systemd: notify helper says'));
    child.on('exit', (code, signal) => {
      if (this.closed) return;
      this.child = null;
      this.log.error({ helper: this.helper, code, signal }, 'systemd: notify helper exited; starting it again in 5 s');
      this.respawnTimer = setTimeout(() => { this.stats.helperRestarts++; this.spawnHelper(); }, 5000);
    });
    this.child = child;
  }

  /** One sd_notify message of KEY=value fields, e.g. {READY: '1', STATUS: 'running'}. */
  send(fields: Record<string, string>): boolean {
    const child = this.child;
    if (!child?.stdin?.writable) return false;
    const clean = (v: string) => v.replace(/[\t\n\r]+/g, ' ');
    const parts = Object.entries(fields).map(([k, v]) => `${k}=${clean(v)}`);
    // python3 reads one message a line (fields joined by tabs); socat sends what it reads, and
    // newline-separated fields are the datagram format itself.
    child.stdin.write(this.helper === 'python3' ? `${parts.join('\t')}\n` : `${parts.join('\n')}\n`);
    this.stats.sent++;
    return true;
  }

  /** Ends the helper once what was written has gone (stdin closed: it sends the rest and exits). */
  close(): Promise<void> {
    this.closed = true;
    if (this.respawnTimer) clearTimeout(this.respawnTimer);
    const child = this.child;
    if (!child) return Promise.resolve();
    return new Promise((resolve) => {
      const kill = setTimeout(() => { child.kill('SIGKILL'); resolve(); }, 2000);
      child.once('exit', () => { clearTimeout(kill); resolve(); });
      child.stdin!.end();
    });
  }
}
