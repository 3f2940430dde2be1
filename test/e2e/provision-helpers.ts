// Shared by the provisioning end-to-end tests: run the real `bonin provision` as a child
// process against a mystery rack, and compare what it found with what the rack holds.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RackSlot } from '../../hw-sim/rack.ts';
import type { CommissioningReport } from '../../gateway/provision/report.ts';

export const BONIN = resolve(dirname(fileURLToPath(import.meta.url)), '../../bin/bonin.js');

/** Scan settings of the tests: short, but several times what a twin needs to answer on a loaded machine. */
export const SCAN_FLAGS = ['--listen-ms', '1300', '--probe-ms', '900', '--parallel', '4'];

export interface ProvisionRun { code: number | null; stdout: string; stderr: string }

/** `bonin provision --non-interactive …` as a child process; killed after `timeoutMs`. */
export function runProvision(args: string[], timeoutMs = 240_000): Promise<ProvisionRun> {
  return new Promise((resolvePromise) => {
    const child = spawn(process.execPath, [BONIN, 'provision', '--non-interactive', '--no-system-ports', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => { stdout += b.toString(); });
    child.stderr.on('data', (b: Buffer) => { stderr += b.toString(); });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr });
    });
  });
}

export function readReport(stdout: string): CommissioningReport {
  const summary = JSON.parse(stdout.trim().split('\n').at(-1)!) as { report: string };
  return JSON.parse(readFileSync(summary.report, 'utf8')) as CommissioningReport;
}

/** Every slot's verdict against the report: '' when right, else what went wrong. */
export function compareWithRack(slots: readonly RackSlot[], report: CommissioningReport): string[] {
  const wrong: string[] = [];
  for (const s of slots) {
    const f = report.scan.findings.find((x) => x.port === s.path);
    if (!f) {
      wrong.push(`${s.path} (${s.label}): not in the report`);
      continue;
    }
    if (s.expect.type === null) {
      const want = s.kind === 'garbage' ? 'garbage' : 'silent';
      if (f.status !== want) wrong.push(`${s.path} (${s.label}): reported ${f.status} ${f.type ?? ''}, expected ${want}`);
      continue;
    }
    if (f.status !== 'identified' || f.type !== s.expect.type) wrong.push(`${s.path} (${s.label} at ${s.baud}): reported ${f.status} ${f.type ?? ''}`);
    else if (f.baud !== s.baud) wrong.push(`${s.path} (${s.label}): baud ${f.baud}, really ${s.baud}`);
    else if (s.expect.mode && f.sensor?.mode !== s.expect.mode) wrong.push(`${s.path} (${s.label}): mode ${String(f.sensor?.mode)}, expected ${s.expect.mode}`);
  }
  return wrong;
}
