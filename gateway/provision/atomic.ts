// Writing the station file (and secrets) so that a power cut at any instant leaves either the
// old file or the new one, never half of either: temp file in the same folder, fsync it,
// rename over, fsync the folder (the rename itself is only durable once the folder is).
// An existing file is first copied to a timestamped backup beside it.
import { closeSync, copyFileSync, existsSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

export interface AtomicWriteOptions {
  /** file mode of the new file (0o600 for secrets); applied at creation, before any byte is written */
  mode?: number;
  /** copy an existing file to `<name>.<UTC stamp>.bak` first (default true) */
  backup?: boolean;
  /** when the backup's timestamp is taken (default now) */
  now?: Date;
  /** test hook: runs after the temp file is synced and before the rename (a crash there must leave the old file) */
  beforeRename?: (tempPath: string) => void;
}

export interface AtomicWriteResult {
  path: string;
  backup: string | null;
}

function fsyncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** `20261125T190102Z`: sorts by time, no characters a shell or a FAT stick minds. */
export const stamp = (d: Date) => d.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z');

export function writeFileAtomic(path: string, data: string | Buffer, opts: AtomicWriteOptions = {}): AtomicWriteResult {
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true });
  let backup: string | null = null;
  if (opts.backup !== false && existsSync(path)) {
    backup = join(dir, `${basename(path)}.${stamp(opts.now ?? new Date())}.bak`);
    copyFileSync(path, backup);
    fsyncDir(dir);
  }
  const temp = join(dir, `.${basename(path)}.${process.pid}.tmp`);
  // 'wx': never follow or reuse something already there; the mode is set as the file is made.
  const fd = openSync(temp, 'wx', opts.mode ?? 0o644);
  try {
    const buf = Buffer.isBuffer(data) ? data : Buffer.from(data, 'utf8');
    let off = 0;
    while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    rmSync(temp, { force: true });
    throw e;
  }
  closeSync(fd);
  try {
    opts.beforeRename?.(temp);
    renameSync(temp, path);
  } catch (e) {
    rmSync(temp, { force: true });
    throw e;
  }
  fsyncDir(dir);
  return { path, backup };
}
