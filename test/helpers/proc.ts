// What Linux says about one process (/proc/<pid>/…): resident memory, CPU time, bytes it
// made the disk write. The soak and the station benchmark measure the gateway's own process
// with these, not the test's. Linux only; each returns null when the process is gone.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const read = (path: string): string | null => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
};

/** Resident set size in bytes (VmRSS). */
export function rssBytes(pid: number): number | null {
  const m = /VmRSS:\s+(\d+) kB/.exec(read(`/proc/${pid}/status`) ?? '');
  return m ? Number(m[1]) * 1024 : null;
}

/** User + system CPU time in seconds (utime + stime of /proc/<pid>/stat, in clock ticks of 100 Hz). */
export function cpuSeconds(pid: number): number | null {
  const s = read(`/proc/${pid}/stat`);
  if (!s) return null;
  // the command name (field 2) may hold spaces: count fields after its closing parenthesis
  const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) / 100; // fields 14 and 15 of the whole line; USER_HZ is 100 on Linux
}

/** Bytes the process caused to be sent to the storage layer (write_bytes of /proc/<pid>/io). */
export function writeBytes(pid: number): number | null {
  const m = /write_bytes:\s+(\d+)/.exec(read(`/proc/${pid}/io`) ?? '');
  return m ? Number(m[1]) : null;
}

/** Bytes of every file under `dir` (what a station folder takes on disk, apparent sizes). */
export function dirBytes(dir: string): number {
  let total = 0;
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return 0;
  }
  for (const name of entries) {
    const p = join(dir, name);
    try {
      const st = statSync(p);
      total += st.isDirectory() ? dirBytes(p) : st.size;
    } catch { /* removed meanwhile */ }
  }
  return total;
}

/**
 * Growth per unit of x of y, as the slope of a least-squares line fitted within each segment
 * (a restarted process starts a new segment with its own intercept; the slope is shared).
 */
export function pooledSlope(samples: Array<{ x: number; y: number; segment: number }>): number | null {
  const bySeg = new Map<number, Array<{ x: number; y: number }>>();
  for (const s of samples) (bySeg.get(s.segment) ?? bySeg.set(s.segment, []).get(s.segment)!).push(s);
  let sxy = 0;
  let sxx = 0;
  for (const pts of bySeg.values()) {
    if (pts.length < 2) continue;
    const mx = pts.reduce((a, p) => a + p.x, 0) / pts.length;
    const my = pts.reduce((a, p) => a + p.y, 0) / pts.length;
    for (const p of pts) {
      sxy += (p.x - mx) * (p.y - my);
      sxx += (p.x - mx) ** 2;
    }
  }
  return sxx > 0 ? sxy / sxx : null;
}
