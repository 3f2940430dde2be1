// The unit `bonin install-service` writes: its settings, the folders it may write, and
// `systemd-analyze verify` on it when that tool is installed (skipped with a message when not).
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { STATION_NODE_FLAGS } from '../../core/node-flags.ts';
import { ConfigError } from '../config/load.ts';
import { installService, unitFor } from './install.ts';
import { renderUnit } from './unit.ts';

function station() {
  const dir = mkdtempSync(join(tmpdir(), 'bonin-unit-'));
  mkdirSync(join(dir, 'etc'));
  const config = join(dir, 'etc', 'station.yaml');
  copyFileSync('config/chichijima.yaml', config); // storage.path ../data/chichijima.db
  return { dir, config };
}
const opts = (config: string) => ({ config, user: 'bonin', watchdogS: 90, memoryMax: '256M', cpuQuota: '40%' });
const values = (unit: string, key: string) => unit.split('\n').filter((l) => l.startsWith(`${key}=`)).map((l) => l.slice(key.length + 1));

function hasSystemdAnalyze(): boolean {
  try { execFileSync('systemd-analyze', ['--version'], { stdio: 'ignore' }); return true; } catch { return false; }
}

describe('systemd unit', () => {
  it('is Type=notify with the watchdog, restarts for ever but not on a bad station file, limits and hardens the process', () => {
    const s = station();
    const unit = unitFor(opts(s.config));
    const one = (k: string) => values(unit, k)[0];
    expect(one('Type')).toBe('notify');
    expect(one('NotifyAccess')).toBe('all');
    expect(one('WatchdogSec')).toBe('90');
    expect(one('Restart')).toBe('always');
    expect(one('RestartPreventExitStatus')).toBe('78');
    // systemd's own restarts can never reach the start limit: RestartSec × burst > interval.
    expect(Number(one('RestartSec')) * Number(one('StartLimitBurst'))).toBeGreaterThan(Number(one('StartLimitIntervalSec')));
    expect([one('MemoryMax'), one('CPUQuota'), one('TasksMax')]).toEqual(['256M', '40%', '64']);
    for (const k of ['NoNewPrivileges', 'PrivateTmp']) expect(one(k)).toBe('yes');
    expect(one('ProtectSystem')).toBe('strict');
    expect(one('ProtectHome')).toBe('yes');
    expect(one('SupplementaryGroups')).toBe('dialout');
    expect(one('DevicePolicy')).toBe('closed');
    expect(values(unit, 'DeviceAllow')).toEqual(['char-ttyUSB rw', 'char-ttyACM rw', 'char-ttyS rw', 'char-ttyAMA rw']);
    expect(one('RestrictAddressFamilies')).toBe('AF_UNIX AF_INET AF_INET6 AF_NETLINK');
    expect(one('User')).toBe('bonin');
    expect(one('ExecStart')).toBe([process.execPath, ...STATION_NODE_FLAGS, join(process.cwd(), 'bin', 'bonin.js'), 'run', '--config', s.config].join(' '));
    // The data folder (storage.path is ../data/… of the station file) and the station file's own folder (set-config).
    expect(one('ReadWritePaths')!.split(' ').sort()).toEqual([join(s.dir, 'data'), join(s.dir, 'etc')]);
    expect(values(unit, 'MemoryDenyWriteExecute')).toEqual([]); // V8's JIT needs writable+executable pages
  });

  it('keeps /home readable when the checkout or the data live there; quotes paths with spaces', () => {
    const unit = renderUnit({ user: 'pi', nodePath: '/usr/bin/node', binPath: '/home/pi/bonin/bin/bonin.js', configPath: '/home/pi/my station.yaml', workingDirectory: '/home/pi/bonin', writablePaths: ['/var/lib/bonin', '/home/pi'], watchdogS: 60, memoryMax: '300M', cpuQuota: '50%' });
    expect(values(unit, 'ProtectHome')).toEqual(['read-only']);
    expect(values(unit, 'ExecStart')[0]).toContain('"/home/pi/my station.yaml"');
  });

  it('install writes the unit 0644 into --unit-dir; --dry-run writes nothing; an invalid station file is refused', () => {
    const s = station();
    const unitDir = join(s.dir, 'units');
    mkdirSync(unitDir);
    const dry = installService({ ...opts(s.config), unitDir, name: 'bonin', dryRun: true });
    expect(dry.path).toBeNull();
    const r = installService({ ...opts(s.config), unitDir, name: 'bonin', enable: false });
    expect(r.path).toBe(join(unitDir, 'bonin.service'));
    expect(readFileSync(r.path!, 'utf8')).toBe(dry.unit);
    expect(statSync(r.path!).mode & 0o777).toBe(0o644);
    expect(r.said.join('\n')).toMatch(/systemctl daemon-reload && systemctl enable --now bonin.service/);
    const bad = join(s.dir, 'etc', 'bad.yaml');
    writeFileSync(bad, 'station: {id: "has space"}\n');
    expect(() => installService({ ...opts(bad), unitDir, name: 'x', dryRun: true })).toThrow(ConfigError);
  });

  it('passes systemd-analyze verify', (ctx) => {
    if (!hasSystemdAnalyze()) {
      console.warn('systemd-analyze not installed: unit not verified (apt-get install systemd)');
      ctx.skip();
    }
    const s = station();
    const path = join(s.dir, 'bonin.service');
    writeFileSync(path, unitFor(opts(s.config)));
    const out = spawnSync('systemd-analyze', ['verify', path], { encoding: 'utf8' });
    // verify exits 0 even on unknown keys; its complaints about our file name the file.
    const ours = `${out.stdout}\n${out.stderr}`.split('\n').filter((l) => l.includes(path));
    expect(ours).toEqual([]);
    expect(out.status).toBe(0);
    // and it does catch a mistake of ours:
    writeFileSync(path, unitFor(opts(s.config)).replace('KillMode=mixed', 'KillMode=bogus'));
    expect(spawnSync('systemd-analyze', ['verify', path], { encoding: 'utf8' }).stderr).toContain('bogus');
  });
});
