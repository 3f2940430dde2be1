// `bonin install-service`: write the systemd unit and enable it (gateway/service/install.ts).
import { ConfigError } from '../config/load.ts';
import { installService, type InstallOptions } from '../service/install.ts';
import { EXIT_CONFIG } from './run.ts';

export function runInstallService(o: InstallOptions): void {
  try {
    const r = installService(o);
    if (o.dryRun) process.stdout.write(r.unit);
    for (const line of r.said) process.stdout.write(`${line}\n`);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`bonin: ${err.message}\n`);
      process.exit(EXIT_CONFIG);
    }
    process.stderr.write(`bonin install-service: ${(err as Error).message}\n`);
    process.exitCode = 1;
  }
}
