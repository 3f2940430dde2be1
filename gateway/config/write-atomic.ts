// Writes a file so that a power cut leaves either the old file or the new one, never half of
// either: temp file beside it, fsync, rename over, fsync the folder. With `backup`, the file it
// replaces is kept as `<file>.bak` (itself written the same way). Used for the station file
// by `set-config` (gateway/commands/set-config.ts); provisioning (issue 9) may use it too.
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

function fsyncDir(dir: string): void {
  let fd: number | null = null;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch { /* some filesystems refuse fsync on a folder; the rename is still atomic */ } finally {
    if (fd !== null) closeSync(fd);
  }
}

function writeThenRename(path: string, data: string | Buffer, mode: number): void {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  const fd = openSync(tmp, 'w', mode);
  try {
    writeSync(fd, typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
    fsyncSync(fd);
  } catch (err) {
    closeSync(fd);
    try { unlinkSync(tmp); } catch { /* already gone */ }
    throw err;
  }
  closeSync(fd);
  try {
    renameSync(tmp, path);
  } catch (err) {
    try { unlinkSync(tmp); } catch { /* already gone */ }
    throw err;
  }
  fsyncDir(dirname(path));
}

/** Atomically replace `path` with `data`; keeps the previous content as `<path>.bak` when `backup` is set. The file's mode is kept (default 0644 for a new file). */
export function writeFileAtomic(path: string, data: string | Buffer, opts: { backup?: boolean; mode?: number } = {}): void {
  const exists = existsSync(path);
  const mode = opts.mode ?? (exists ? statSync(path).mode & 0o777 : 0o644);
  if (opts.backup && exists) writeThenRename(`${path}.bak`, readFileSync(path), mode);
  writeThenRename(path, data, mode);
}
