// Is the operating system's clock synchronised? Asked of what the board runs, in order:
// systemd-timesyncd (a flag file it creates on sync; else `timedatectl`), then chrony
// (`chronyc -c tracking`: its last field, the leap status, is "Not synchronised" until it
// is). Each answer is yes, no, or unknown (the daemon is not there): only yes counts.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';

export type SystemSyncAnswer = { synchronised: boolean; by: 'timesyncd' | 'timedatectl' | 'chrony' } | null;

/** Where systemd-timesyncd says it has synchronised (systemd ≥ 239). */
export const TIMESYNCD_FLAG = '/run/systemd/timesync/synchronized';

/** `chronyc -c tracking` → synchronised? (null: not tracking output). Leap status is the last CSV field. */
export function parseChronycTracking(csv: string): boolean | null {
  const line = csv.trim().split('\n')[0] ?? '';
  const fields = line.split(',');
  if (fields.length < 10) return null;
  const leap = fields[fields.length - 1]!.trim();
  if (leap === 'Not synchronised') return false;
  return ['Normal', 'Insert second', 'Delete second'].includes(leap) ? true : null;
}

function run(cmd: string, args: string[]): Promise<string | null> {
  return new Promise((resolve) => {
    execFile(cmd, args, { timeout: 3000, encoding: 'utf8' }, (err, stdout) => resolve(err ? null : stdout));
  });
}

export interface SystemCheckOptions {
  timesyncdFlag?: string;
  /** commands (tests point them at scripts); null skips one */
  timedatectl?: string | null;
  chronyc?: string | null;
}

/** Ask the system once. Never throws; a daemon that is not installed answers null. */
export async function checkSystemSync(o: SystemCheckOptions = {}): Promise<SystemSyncAnswer> {
  if (existsSync(o.timesyncdFlag ?? TIMESYNCD_FLAG)) return { synchronised: true, by: 'timesyncd' };
  const tdc = o.timedatectl === undefined ? 'timedatectl' : o.timedatectl;
  if (tdc) {
    const out = await run(tdc, ['show', '-p', 'NTPSynchronized', '--value']);
    if (out?.trim() === 'yes') return { synchronised: true, by: 'timedatectl' };
  }
  const chronyc = o.chronyc === undefined ? 'chronyc' : o.chronyc;
  if (chronyc) {
    const out = await run(chronyc, ['-c', 'tracking']);
    const ok = out === null ? null : parseChronycTracking(out);
    if (ok !== null) return { synchronised: ok, by: 'chrony' };
  }
  return null;
}
