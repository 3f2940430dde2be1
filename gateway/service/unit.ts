// The systemd unit of the gateway (issue 10 item 1, issue 9 item 7), rendered from the
// station file and where Bonin is installed. Why each setting is there is said beside it
// (docs/service.md has the long form).
import { dirname, resolve } from 'node:path';
import { STATION_NODE_FLAGS } from '../../core/node-flags.ts';

export interface UnitOptions {
  /** Description= */
  description?: string;
  user: string;
  /** absolute path of node */
  nodePath: string;
  /** absolute path of bin/bonin.js */
  binPath: string;
  /** absolute path of the station file */
  configPath: string;
  /** the checkout (WorkingDirectory) */
  workingDirectory: string;
  /** folders the gateway writes: the database's, the log's, the models', the station file's (set-config) */
  writablePaths: string[];
  watchdogS: number;
  memoryMax: string;
  cpuQuota: string;
  tasksMax?: number;
  /** StartLimitAction= when systemd gives up (none: the unit stays failed; reboot: the board reboots) */
  startLimitAction?: 'none' | 'reboot';
}

/** A path for a unit file line: systemd splits on spaces, so quote when needed. */
const q = (p: string) => (/[\s"\\]/.test(p) ? `"${p.replace(/(["\\])/g, '\\$1')}"` : p);

/** /home, /root and /run/user hold the checkout or the data: then they can only be read-only, not hidden. */
const underHome = (p: string) => /^\/(home|root|run\/user)(\/|$)/.test(p);

export function renderUnit(o: UnitOptions): string {
  const writable = [...new Set(o.writablePaths)].sort();
  const homeNeeded = [o.workingDirectory, o.configPath, o.binPath, ...writable].some(underHome);
  const lines = [
    '# Bonin station gateway — written by `bonin install-service` (docs/service.md).',
    '[Unit]',
    `Description=${o.description ?? 'Bonin weather station gateway'}`,
    'Documentation=file://' + o.workingDirectory + '/docs/service.md',
    'Wants=network-online.target',
    'After=network-online.target',
    '# Restarts by Restart= are 30 s apart, so they never make 12 starts in 5 min: systemd keeps',
    '# retrying for ever (nobody is there to reset it). The limit only stops something else',
    '# starting it in a tight loop.',
    'StartLimitIntervalSec=300',
    'StartLimitBurst=12',
    `StartLimitAction=${o.startLimitAction ?? 'none'}`,
    '',
    '[Service]',
    '# READY=1 once the pipeline is up; WATCHDOG=1 only while readings arrive, the store commits',
    '# and the uplink timer turns (gateway/service/watchdog.ts). The pings come from a helper',
    '# child process (no unix datagram sockets in Node), hence NotifyAccess=all.',
    'Type=notify',
    'NotifyAccess=all',
    `WatchdogSec=${o.watchdogS}`,
    'TimeoutStartSec=180',
    'TimeoutStopSec=30',
    'KillMode=mixed',
    `User=${o.user}`,
    'SupplementaryGroups=dialout',
    `WorkingDirectory=${q(o.workingDirectory)}`,
    'Environment=NODE_ENV=production',
    `ExecStart=${[o.nodePath, ...STATION_NODE_FLAGS, o.binPath, 'run', '--config', o.configPath].map(q).join(' ')}`,
    'Restart=always',
    'RestartSec=30',
    '# 78 = invalid station file (EX_CONFIG): restarting cannot fix it.',
    'RestartPreventExitStatus=78',
    '',
    '# Resources: a Raspberry-Pi-class board shared with nothing else important.',
    `MemoryMax=${o.memoryMax}`,
    `CPUQuota=${o.cpuQuota}`,
    `TasksMax=${o.tasksMax ?? 64}`,
    'LimitNOFILE=4096',
    '',
    '# Hardening: the gateway reads serial ports and writes its data folders, nothing else.',
    'NoNewPrivileges=yes',
    'ProtectSystem=strict',
    `ReadWritePaths=${writable.map(q).join(' ')}`,
    `ProtectHome=${homeNeeded ? 'read-only' : 'yes'}`,
    'PrivateTmp=yes',
    'ProtectKernelTunables=yes',
    'ProtectKernelModules=yes',
    'ProtectKernelLogs=yes',
    'ProtectControlGroups=yes',
    'ProtectClock=yes',
    'ProtectHostname=yes',
    'RestrictRealtime=yes',
    'RestrictSUIDSGID=yes',
    'LockPersonality=yes',
    'RestrictNamespaces=yes',
    'SystemCallArchitectures=native',
    '# Serial adapters (USB, CDC-ACM, on-board UARTs) and nothing else of /dev.',
    'DevicePolicy=closed',
    'DeviceAllow=char-ttyUSB rw',
    'DeviceAllow=char-ttyACM rw',
    'DeviceAllow=char-ttyS rw',
    'DeviceAllow=char-ttyAMA rw',
    '# AF_NETLINK: network interface and serial device listing; AF_UNIX: systemd notify, journald.',
    'RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6 AF_NETLINK',
    '# No MemoryDenyWriteExecute: V8 compiles JavaScript to machine code at run time.',
    '',
    '[Install]',
    'WantedBy=multi-user.target',
    '',
  ];
  return lines.join('\n');
}

/** The folders a station file makes the gateway write. */
export function writablePathsOf(configPath: string, config: { storage: { path: string }; log: { file?: string }; nowcast: { models_dir?: string } }): string[] {
  const base = dirname(resolve(configPath));
  const out = [base];
  if (config.storage.path !== ':memory:') out.push(dirname(resolve(base, config.storage.path)));
  if (config.log.file) out.push(dirname(resolve(base, config.log.file)));
  if (config.nowcast.models_dir) out.push(resolve(base, config.nowcast.models_dir));
  return out;
}
