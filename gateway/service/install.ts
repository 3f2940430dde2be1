// `bonin install-service`: renders the unit (unit.ts) for a station file, writes it (atomic,
// 0644) and enables it with systemctl when systemd runs this machine; otherwise it says what
// to run. It refuses an invalid station file (exit 78), like `bonin run`.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../config/load.ts';
import { writeFileAtomic } from '../config/write-atomic.ts';
import { renderUnit, writablePathsOf } from './unit.ts';

export interface InstallOptions {
  config: string;
  user: string;
  unitDir: string;
  name: string;
  watchdogS: number;
  memoryMax: string;
  cpuQuota: string;
  dryRun?: boolean;
  /** commander's --no-enable */
  enable?: boolean;
}

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export function unitFor(o: Pick<InstallOptions, 'config' | 'user' | 'watchdogS' | 'memoryMax' | 'cpuQuota'>): string {
  const configPath = resolve(o.config);
  const config = loadConfig(configPath); // throws ConfigError: the caller exits 78
  return renderUnit({
    user: o.user, nodePath: process.execPath, binPath: join(REPO, 'bin', 'bonin.js'), configPath, workingDirectory: REPO,
    writablePaths: writablePathsOf(configPath, config), watchdogS: o.watchdogS, memoryMax: o.memoryMax, cpuQuota: o.cpuQuota,
    description: `Bonin weather station gateway (${config.station.id})`,
  });
}

/** systemd is PID 1 here and systemctl answers (not in a container without it). */
export function systemdRuns(): boolean {
  if (!existsSync('/run/systemd/system')) return false;
  try {
    execFileSync('systemctl', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function userExists(user: string): boolean {
  try {
    execFileSync('id', ['-u', user], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Writes (or prints) the unit; returns the lines to tell the technician. */
export function installService(o: InstallOptions, run = (cmd: string, args: string[]) => execFileSync(cmd, args, { stdio: 'inherit' })): { unit: string; path: string | null; said: string[] } {
  const unit = unitFor(o);
  if (o.dryRun) return { unit, path: null, said: [] };
  const path = join(o.unitDir, `${o.name}.service`);
  writeFileAtomic(path, unit, { mode: 0o644 });
  const said = [`wrote ${path}`];
  if (!userExists(o.user)) said.push(`user ${o.user} does not exist: sudo useradd --system --no-create-home --shell /usr/sbin/nologin --groups dialout ${o.user}, and give it the data folders (chown)`);
  const next = [['systemctl', 'daemon-reload'], ['systemctl', 'enable', '--now', `${o.name}.service`]];
  if (o.enable === false) {
    said.push(`not enabled (--no-enable); to start it: ${next.map((c) => c.join(' ')).join(' && ')}`);
  } else if (!systemdRuns()) {
    said.push(`systemd is not running here; on the station run: ${next.map((c) => c.join(' ')).join(' && ')}`);
  } else {
    for (const [cmd, ...args] of next) run(cmd!, args);
    said.push(`enabled and started ${o.name}.service; follow it with: journalctl -u ${o.name} -f`);
  }
  return { unit, path, said };
}
