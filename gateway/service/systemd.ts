// The gateway under systemd (Type=notify, WatchdogSec): READY=1 once the pipeline is up,
// WATCHDOG=1 every WATCHDOG_USEC/2 while PipelineWatch finds it moving, STATUS= a line a
// technician reads in `systemctl status`, STOPPING=1 on the way out. Nothing happens unless
// systemd set NOTIFY_SOCKET (and WATCHDOG_USEC for the pings, for this very process).
import type { Logger } from '../log.ts';
import { SystemdNotifier } from './notify.ts';
import { PipelineWatch, type PipelineProgress } from './watchdog.ts';

export interface SystemdOptions {
  log: Logger;
  progress: () => PipelineProgress;
  /** a one-line summary for STATUS= while all is well */
  summary: () => string;
  windows: { readings_stale_s: number; store_stale_s: number; uplink_stale_s: number };
  env?: NodeJS.ProcessEnv;
}

export interface SystemdHandle {
  notifier: SystemdNotifier;
  /** real ms between pings; null: no watchdog asked */
  pingEveryMs: number | null;
  stop(): Promise<void>;
}

export function startSystemd(o: SystemdOptions): SystemdHandle | null {
  const env = o.env ?? process.env;
  const notifier = SystemdNotifier.fromEnv(env, o.log);
  if (!notifier) return null;
  const usec = Number(env.WATCHDOG_USEC);
  const forUs = !env.WATCHDOG_PID || Number(env.WATCHDOG_PID) === process.pid;
  const pingEveryMs = usec > 0 && forUs ? Math.max(100, usec / 1000 / 2) : null;
  notifier.send({ READY: '1', STATUS: `running: ${o.summary()}` });
  o.log.info({ via: notifier.via, watchdog_ping_ms: pingEveryMs }, 'systemd: ready');
  let timer: NodeJS.Timeout | null = null;
  let watch: PipelineWatch | null = null;
  let lastStatus = '';
  if (pingEveryMs) {
    watch = new PipelineWatch({
      readingsStaleMs: o.windows.readings_stale_s * 1000, storeStaleMs: o.windows.store_stale_s * 1000,
      uplinkStaleMs: o.windows.uplink_stale_s * 1000, loopStallMs: pingEveryMs,
    }, o.progress);
    timer = setInterval(() => {
      const problems = watch!.problems();
      const status = problems.length ? `STALLED (watchdog pings stopped): ${problems.join('; ')}` : `running: ${o.summary()}`;
      if (problems.length) {
        if (status !== lastStatus) o.log.error({ problems }, 'systemd: pipeline not moving; watchdog pings stopped (systemd will restart the gateway)');
        notifier.send({ STATUS: status });
      } else {
        notifier.send({ WATCHDOG: '1', ...(status !== lastStatus ? { STATUS: status } : {}) });
      }
      lastStatus = status;
    }, pingEveryMs);
  }
  return {
    notifier, pingEveryMs,
    async stop() {
      if (timer) clearInterval(timer);
      watch?.stop();
      notifier.send({ STOPPING: '1', STATUS: 'stopping' });
      await notifier.close();
    },
  };
}
