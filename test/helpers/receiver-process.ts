// A `bonin receiver` child process (issue 11: several share one broker group and one
// database file), for the fleet test and the fleet bench.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { waitFor } from './wait.ts';

const ROOT = join(import.meta.dirname, '..', '..');

export interface ReceiverProcess { proc: ChildProcess; output: () => string; kill: () => Promise<void> }

/** Start `bonin receiver --group GROUP --db DB`; resolves once it has subscribed through the shared group. */
export async function startReceiverProcess(broker: string, db: string, group: string, timeoutMs = 60_000): Promise<ReceiverProcess> {
  const proc = spawn(process.execPath, [join(ROOT, 'bin/bonin.js'), 'receiver', '--broker', broker, '--db', db, '--group', group, '--report-every', '3600'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout!.on('data', (b: Buffer) => { out += b.toString(); });
  proc.stderr!.on('data', (b: Buffer) => { out += b.toString(); });
  const kill = async () => {
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    await new Promise<void>((resolve) => { proc.once('exit', () => resolve()); proc.kill('SIGKILL'); });
  };
  try {
    await waitFor('receiver to subscribe', () => {
      if (proc.exitCode !== null) throw new Error(`receiver exited: ${out}`);
      return out.includes(`subscribed to $share/${group}/`);
    }, timeoutMs);
  } catch (err) {
    await kill();
    throw err;
  }
  return { proc, output: () => out, kill };
}

/** CPU seconds (user + system) a process has used so far, from /proc (Linux). */
export function cpuSeconds(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ 100)
  } catch {
    return NaN;
  }
}
