// The signed bytes of a command are exactly what docs/commands.md says, so the centre can be
// written in another language: checked byte for byte, and against Python's json.dumps.
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { commandSignedBytes, keyIdOf, signCommand, verifyCommand } from './command.ts';

describe('command envelope', () => {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const env = signCommand({ station: 'S1', cmd: 'set-config', args: { value: 45, key: 'uplink.resend_after_s' }, now: 1796380800000, ttlMs: 600_000, id: 'abcdef0123456789' }, privateKey);

  it('signs "bonin-cmd-v1\\n" + canonical JSON without sig', () => {
    const expected = `bonin-cmd-v1\n{"args":{"key":"uplink.resend_after_s","value":45},"cmd":"set-config","expires":1796381400000,"id":"abcdef0123456789","issued":1796380800000,"key_id":"${keyIdOf(publicKey)}","station":"S1","v":1}`;
    expect(commandSignedBytes(env).toString('utf8')).toBe(expected);
    expect(verify(null, Buffer.from(expected, 'utf8'), publicKey, Buffer.from(env.sig, 'base64'))).toBe(true);
    expect(verifyCommand(env, [publicKey])).toEqual({ ok: true, keyId: keyIdOf(publicKey) });
  });

  it('Python json.dumps(sort_keys, compact separators) gives the same bytes', () => {
    const { sig: _s, ...unsigned } = env;
    const py = execFileSync('python3', ['-c', 'import json,sys; sys.stdout.write("bonin-cmd-v1\\n" + json.dumps(json.loads(sys.stdin.read()), sort_keys=True, separators=(",", ":"), ensure_ascii=False))'], { input: JSON.stringify(unsigned) });
    expect(py.equals(commandSignedBytes(env))).toBe(true);
  });
});
