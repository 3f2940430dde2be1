import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { stamp, writeFileAtomic } from './write-atomic.ts';

describe('writeFileAtomic', () => {
  const dirs: string[] = [];
  const fresh = () => {
    const d = mkdtempSync(join(tmpdir(), 'bonin-atomic-'));
    dirs.push(d);
    return d;
  };
  afterEach(() => { for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true }); });

  it('a crash after the temp file is written and before the rename leaves the old file whole, and no temp file behind', () => {
    const dir = fresh();
    const file = join(dir, 'station.yaml');
    writeFileSync(file, 'old: 1\n');
    expect(() => writeFileAtomic(file, 'new: 2\n'.repeat(10_000), { beforeRename: (tmp) => {
      // The new content is complete and synced in the temp file at this point…
      expect(readFileSync(tmp, 'utf8').length).toBe(70_000);
      throw new Error('power cut');
    } })).toThrow('power cut');
    expect(readFileSync(file, 'utf8')).toBe('old: 1\n');
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('replaces the file and keeps the old one as a timestamped backup', () => {
    const dir = fresh();
    const file = join(dir, 'station.yaml');
    writeFileSync(file, 'old: 1\n');
    const now = new Date('2026-11-25T19:01:02.345Z');
    const r = writeFileAtomic(file, 'new: 2\n', { now, backup: 'stamped' });
    expect(readFileSync(file, 'utf8')).toBe('new: 2\n');
    expect(r.backup).toBe(join(dir, `station.yaml.${stamp(now)}.bak`));
    expect(stamp(now)).toBe('20261125T190102Z');
    expect(readFileSync(r.backup!, 'utf8')).toBe('old: 1\n');
  });

  it('makes a secret 0600 from its first byte, in a folder it creates', () => {
    const dir = fresh();
    const file = join(dir, 'tls', 'station.key.pem');
    const r = writeFileAtomic(file, 'KEY', { mode: 0o600 });
    expect(r.backup).toBeNull();
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('a write that cannot happen (target is a folder) throws and leaves nothing behind', () => {
    const dir = fresh();
    const target = join(dir, 'station.yaml');
    writeFileSync(join(dir, 'keep'), 'x');
    rmSync(target, { force: true });
    // a folder where the file should go: rename over it fails
    mkdtempSync(join(dir, 'x'));
    const folder = readdirSync(dir).find((f) => f.startsWith('x'))!;
    expect(() => writeFileAtomic(join(dir, folder), 'new')).toThrow();
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect(existsSync(join(dir, 'keep'))).toBe(true);
  });

  it("'bak' keeps only the last replaced file, with its mode; the new file keeps the old mode", () => {
    const dir = fresh();
    const file = join(dir, 'station.yaml');
    writeFileSync(file, 'v: 1\n', { mode: 0o640 });
    writeFileAtomic(file, 'v: 2\n', { backup: 'bak' });
    writeFileAtomic(file, 'v: 3\n', { backup: 'bak' });
    expect(readFileSync(file, 'utf8')).toBe('v: 3\n');
    expect(readFileSync(`${file}.bak`, 'utf8')).toBe('v: 2\n');
    expect(statSync(file).mode & 0o777).toBe(0o640);
    expect(readdirSync(dir).sort()).toEqual(['station.yaml', 'station.yaml.bak']);
  });
});
