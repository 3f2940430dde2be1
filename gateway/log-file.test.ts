// The log file can never fill the disk: far more than the cap written, the total on disk
// stays under it and the newest lines are the ones kept; a full disk (a tiny tmpfs, when
// root can mount one) or a read-only folder never throws at the caller, drops lines with a
// counter and says so in the file once the disk has room again.
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { waitFor } from '../test/helpers/wait.ts';
import { createLogger, flushLog, logFileStats } from './log.ts';
import { RotatingLogFile } from './log-file.ts';

const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'bonin-log-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const onDisk = (f: RotatingLogFile) => f.paths().filter(existsSync).reduce((s, p) => s + statSync(p).size, 0);

describe('RotatingLogFile', () => {
  it('written 40× its cap through pino: on disk ≤ files × max_file, the newest lines kept, every file whole JSON lines', async () => {
    const path = join(tmp(), 'gateway.log');
    const log = createLogger({ file: path, maxFileMb: 64 / 1024, files: 3 }); // 64 KiB × 3
    const cap = 3 * 64 * 1024;
    const N = 40_000; // ~80 bytes a line: ~3.2 MB
    for (let i = 0; i < N; i++) {
      log.info({ i }, 'a line of the soak');
      if (i % 200 === 0) await new Promise((r) => setTimeout(r, 1)); // let the async writes run
    }
    const stats = logFileStats(log)!;
    // the asynchronous writes finish (flushLog is for exit: it does not wait for a write in flight)
    await waitFor('every line written or counted', () => stats.linesWritten + stats.linesDropped === N, 10_000);
    flushLog(log);
    const files = [path, `${path}.1`, `${path}.2`];
    const total = files.filter(existsSync).reduce((s, p) => s + statSync(p).size, 0);
    expect(total).toBeLessThanOrEqual(cap);
    expect(existsSync(`${path}.3`)).toBe(false);
    expect(stats.rotations).toBeGreaterThan(10);
    const last = readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { i?: number });
    expect(last.at(-1)!.i).toBe(N - 1); // the newest line is on disk
    const older = readFileSync(`${path}.1`, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { i?: number });
    // .1 ends where the current file starts (unless a slow disk made the bounded buffer drop lines)
    if (!stats.linesDropped) expect(older.at(-1)!.i! + 1).toBe(last.find((l) => l.i !== undefined)!.i);
    expect(stats.linesWritten + stats.linesDropped).toBe(N);
  });

  it('a file count of 1 starts the file over, and files of a larger earlier setting are removed', () => {
    const d = tmp();
    const path = join(d, 'g.log');
    writeFileSync(`${path}.4`, 'left by files: 5\n');
    const f = new RotatingLogFile({ path, maxFileBytes: 4096, files: 1 });
    expect(existsSync(`${path}.4`)).toBe(false);
    for (let i = 0; i < 500; i++) f.write(`${JSON.stringify({ i })}\n`);
    f.close();
    expect(onDisk(f)).toBeLessThanOrEqual(4096);
    expect(readFileSync(path, 'utf8').trim().split('\n').at(-1)).toBe('{"i":499}');
  });

  it('a folder it cannot write: never throws, drops with a counter, says so once; writes again and reports the loss when it can', async () => {
    if (process.getuid?.() === 0) {
      // root writes through permissions: use a read-only bind of the folder instead
      const d = tmp();
      const path = join(d, 'sub', 'gateway.log');
      execFileSync('mkdir', ['-p', join(d, 'sub')]);
      execFileSync('mount', ['--bind', join(d, 'sub'), join(d, 'sub')]);
      execFileSync('mount', ['-o', 'remount,bind,ro', join(d, 'sub')]);
      try {
        await refuses(path, () => execFileSync('mount', ['-o', 'remount,bind,rw', join(d, 'sub')]));
      } finally {
        execFileSync('umount', [join(d, 'sub')]);
      }
    } else {
      const d = tmp();
      chmodSync(d, 0o500);
      await refuses(join(d, 'gateway.log'), () => chmodSync(d, 0o700));
    }
  });
});

async function refuses(path: string, makeWritable: () => void) {
  const said: string[] = [];
  const f = new RotatingLogFile({ path, maxFileBytes: 64 * 1024, files: 2, flushMs: 10, retryMs: 50, onFailing: (m) => said.push(m) });
  for (let i = 0; i < 100; i++) expect(f.write(`{"i":${i}}\n`)).toBe(true);
  await waitFor('the write to fail', () => f.stats.linesDropped === 100, 5000);
  for (let i = 100; i < 200; i++) f.write(`{"i":${i}}\n`);
  await waitFor('the second failure', () => f.stats.linesDropped === 200, 5000);
  expect(said).toHaveLength(1); // once, not once a line
  expect(said[0]).toMatch(/cannot write the log file .*(EROFS|EACCES)/);
  expect(f.stats.failing).toMatch(/EROFS|EACCES/);
  makeWritable();
  f.write('{"i":200}\n');
  await waitFor('a write after the disk came back', () => f.stats.linesWritten === 1, 5000);
  f.close();
  const lines = readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { msg?: string; dropped?: number; i?: number });
  expect(lines[0]!.dropped).toBe(200);
  expect(lines[0]!.msg).toMatch(/200 lines were dropped/);
  expect(lines[1]!.i).toBe(200);
  expect(f.stats.failing).toBeNull();
}

// A disk that fills up: a 1 MB tmpfs with the log capped at 4 × 512 KiB = 2 MB (more than the disk).
let mnt = '';
try {
  if (process.getuid?.() === 0) {
    mnt = mkdtempSync(join(tmpdir(), 'bonin-log-full-'));
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', mnt], { stdio: 'pipe' });
  }
} catch (err) {
  console.log(`log disk-full case SKIPPED: cannot mount a tmpfs (${(err as Error).message.split('\n')[0]})`);
  rmSync(mnt, { recursive: true, force: true });
  mnt = '';
}
afterAll(() => {
  if (!mnt) return;
  execFileSync('umount', [mnt]);
  rmSync(mnt, { recursive: true, force: true });
});

describe.skipIf(!mnt)('RotatingLogFile on a full disk (1 MB tmpfs)', () => {
  it('ENOSPC: the caller never sees an error, lines are dropped and counted, logging resumes once there is room', async () => {
    const path = join(mnt, 'gateway.log');
    const said: string[] = [];
    const f = new RotatingLogFile({ path, maxFileBytes: 512 * 1024, files: 4, flushMs: 5, retryMs: 50, onFailing: (m) => said.push(m) });
    const line = `${JSON.stringify({ level: 30, msg: 'x'.repeat(200) })}\n`;
    for (let i = 0; i < 10_000 && !f.stats.failing; i++) {
      f.write(line);
      if (i % 200 === 0) await new Promise((r) => setTimeout(r, 2));
    }
    await waitFor('ENOSPC', () => f.stats.failing !== null, 10_000);
    expect(f.stats.failing).toMatch(/ENOSPC/);
    for (let i = 0; i < 500; i++) f.write(line); // still refused: dropped, not thrown
    await new Promise((r) => setTimeout(r, 100));
    expect(f.stats.linesDropped).toBeGreaterThan(0);
    expect(said).toHaveLength(1);
    // Room again: the oldest rotated file goes (as a technician would free space).
    for (const p of f.paths().slice(1)) rmSync(p, { force: true });
    f.write('{"after":true}\n');
    await waitFor('a write after room came back', () => f.stats.failing === null && f.stats.linesWritten > 0, 10_000);
    f.close();
    const text = readFileSync(path, 'utf8');
    expect(text).toMatch(/lines were dropped \(ENOSPC/);
    expect(text.trim().split('\n').at(-1)).toBe('{"after":true}');
  });
});
