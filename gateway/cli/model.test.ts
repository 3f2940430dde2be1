// `bonin model keygen|sign|verify` as the centre runs them: a key pair (private 0600), a
// tiny model signed and verified, then refused once its .tflite is touched or the key differs.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { tinyModel, writeModel } from '../../edge-model/test-model.ts';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '../..');
const bonin = (...args: string[]) => run(process.execPath, [join(ROOT, 'bin/bonin.js'), 'model', ...args], { cwd: ROOT });
const fails = (...args: string[]) => bonin(...args).then(() => { throw new Error('expected exit 1'); }, (e: { code: number; stderr: string }) => e);

describe('bonin model', () => {
  it('keygen, sign, verify; refuses a touched .tflite, another key, an unsigned manifest', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bonin-model-cli-'));
    await bonin('keygen', '--out', join(dir, 'centre.key.pem'));
    expect(statSync(join(dir, 'centre.key.pem')).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(dir, 'centre.pub.pem'), 'utf8')).toMatch(/BEGIN PUBLIC KEY/);
    expect((await fails('keygen', '--out', join(dir, 'centre.key.pem'))).stderr).toMatch(/exists; not overwriting/);

    const manifest = writeModel(join(dir, 'm'), tinyModel({ version: 'c1' }));
    expect((await fails('verify', '--pub', join(dir, 'centre.pub.pem'), manifest)).stderr).toMatch(/not signed/);
    expect((await bonin('sign', '--key', join(dir, 'centre.key.pem'), manifest)).stdout).toMatch(/signed .* model c1/);
    expect((await bonin('verify', '--pub', join(dir, 'centre.pub.pem'), manifest)).stdout).toMatch(/^ok .* model c1/);

    await bonin('keygen', '--out', join(dir, 'other.key.pem'));
    expect((await fails('verify', '--pub', join(dir, 'other.pub.pem'), manifest)).stderr).toMatch(/not the configured key/);

    const tfl = join(dir, 'm', 'nowcast-c1.tflite');
    const b = readFileSync(tfl);
    b[b.length - 12]! ^= 1;
    writeFileSync(tfl, b);
    const e = await fails('verify', '--pub', join(dir, 'centre.pub.pem'), manifest);
    expect(e.code).toBe(1);
    expect(e.stderr).toMatch(/sha256/);
    expect((await fails('sign', '--key', join(dir, 'centre.key.pem'), manifest)).stderr).toMatch(/not signing/);
  });

  it('the shipped model verifies against the shipped public key', async () => {
    const { stdout } = await bonin('verify', '--pub', 'edge-model/model/nowcast-signing.pub.pem', 'edge-model/model/nowcast.manifest.json');
    expect(stdout).toMatch(/^ok /);
  });
});
