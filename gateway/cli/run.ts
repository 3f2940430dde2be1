// `bonin run --config FILE`: the gateway daemon.
import { ScaledClock, systemClock, type Clock } from '../../core/index.ts';
import { ConfigError, loadConfig } from '../config/load.ts';
import { createLogger } from '../log.ts';
import { StationGateway } from '../pipeline/station.ts';
import { startGatewayStatusPage } from '../web/index.ts';
import { startSystemd } from '../service/systemd.ts';

/** sysexits EX_CONFIG: systemd units can refuse to restart on it (RestartPreventExitStatus=78). */
export const EXIT_CONFIG = 78;

export function clockFromOption(spec: string | undefined): Clock {
  return spec ? ScaledClock.fromSpec(spec) : systemClock;
}

export async function runGateway(opts: { config: string; clock?: string }): Promise<void> {
  let config;
  try {
    config = loadConfig(opts.config);
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`bonin: ${e.message}\n`);
      process.exit(EXIT_CONFIG);
    }
    throw e;
  }
  const log = createLogger({ level: config.log.level, file: config.log.file, maxFileMb: config.log.max_file_mb, files: config.log.files });
  const clock = clockFromOption(opts.clock);
  const gateway = new StationGateway(config, clock, log, { configPath: opts.config });
  gateway.start();
  // Under systemd (Type=notify): READY=1 now, watchdog pings while the pipeline moves (docs/service.md).
  const systemd = startSystemd({ log, progress: () => gateway.progress(), summary: () => gateway.oneLine(), windows: config.watchdog });
  // The local status page (read-only); a port already taken is logged, the station runs on.
  const page = await startGatewayStatusPage(gateway, clock, log);
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'gateway: stopping');
    await page?.close();
    await gateway.stop();
    await systemd?.stop();
    process.exit(0);
  };
  // A `restart` or `set-config` command, after its reply: exit cleanly, systemd (Restart=always) starts us again.
  gateway.on('restart', (why: string) => void stop(`restart: ${why}`));
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}
