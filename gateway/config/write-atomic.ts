// Writes a file so that a power cut at any instant leaves either the old file or the new one,
// never half of either: temp file in the same folder (made with its final mode before any byte
// is written), fsync, rename over, fsync the folder (the rename is only durable once the folder
// is). The one writer of the station file, secrets and the systemd unit: `set-config`
// (gateway/commands/), `bonin provision` (gateway/provision/) and `bonin install-service`.
import { closeSync, copyFileSync, existsSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

export interface AtomicWriteOptions {
  /** the new file's mode (0o600 for secrets); default: the replaced file's mode, else 0o644 */
  mode?: number;
  /**
   * keep the file it replaces: 'bak' as `<file>.bak` (the last one only: a remote set-config),
   * 'stamped' as `<file>.<UTC stamp>.bak` (every one: a technician's provisioning); default none
   */
  backup?: 'none' | 'bak' | 'stamped';
  /** when a stamped backup's time is taken (default now) */
  now?: Date;
  /** test hook: runs after the temp file is synced and before the rename (a crash there must leave the old file) */
  beforeRename?: (tempPath: string) => void;
}

export interface AtomicWriteResult {
  path: string;
  /** where the replaced file was kept, or null */
  backup: string | null;
}

/** `20261125T190102Z`: sorts by time, no characters a shell or a FAT stick minds. */
export const stamp = (d: Date) => d.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z');

function fsyncDir(dir: string): void {
  let fd: number | null = null;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch { /* some filesystems refuse fsync on a folder; the rename is still atomic */ } finally {
    if (fd !== null) closeSync(fd);
  }
}

function writeThenRename(path: string, data: string | Buffer, mode: number, beforeRename?: (temp: string) => void): void {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  rmSync(temp, { force: true }); // a temp file left by a crash of an earlier process with this pid
  // 'wx': never follow or reuse something already there; the mode is set as the file is made.
  const fd = openSync(temp, 'wx', mode);
  try {
    const buf = Buffer.isBuffer(data) ? data : Buffer.from(data, 'utf8');
    let off = 0;
    while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
    fsyncSync(fd);
  } catch (err) {
    closeSync(fd);
    rmSync(temp, { force: true });
    throw err;
  }
  closeSync(fd);
  try {
    beforeRename?.(temp);
    renameSync(temp, path);
  } catch (err) {
    rmSync(temp, { force: true });
    throw err;
  }
  fsyncDir(dirname(path));
}

/** Atomically replace (or create) `path` with `data`, in a folder it creates when missing. */
export function writeFileAtomic(path: string, data: string | Buffer, opts: AtomicWriteOptions = {}): AtomicWriteResult {
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true });
  const exists = existsSync(path);
  const mode = opts.mode ?? (exists ? statSync(path).mode & 0o777 : 0o644);
  let backup: string | null = null;
  if (exists && opts.backup === 'bak') {
    backup = `${path}.bak`;
    copyFileSync(path, `${backup}.${process.pid}.tmp`);
    renameSync(`${backup}.${process.pid}.tmp`, backup);
  } else if (exists && opts.backup === 'stamped') {
    backup = join(dir, `${basename(path)}.${stamp(opts.now ?? new Date())}.bak`);
    copyFileSync(path, backup);
  }
  if (backup) fsyncDir(dir);
  writeThenRename(path, data, mode, opts.beforeRename);
  return { path, backup };
}
