// Ed25519 signing of model manifests: a round trip, and every way a model must be refused
// (tampered .tflite, tampered manifest, another key, unsigned), through node:crypto for real.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { canonicalJson, generateSigningKeys, loadPrivateKey, loadPublicKey, readVerifiedModel, signManifest } from './signing.ts';
import { tinyModel, writeModel } from './test-model.ts';

const keys = generateSigningKeys();
const other = generateSigningKeys();
const priv = loadPrivateKey(keys.privatePem);
const pub = loadPublicKey(keys.publicPem);

function signedModelDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'bonin-sign-'));
  const m = tinyModel({ version: 't1' });
  return writeModel(dir, { manifest: signManifest(m.manifest, priv), bytes: m.bytes });
}

describe('model signing', () => {
  it('canonical JSON sorts keys at every depth, so layout does not matter', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 0, y: 'x' }], c: null } })).toBe('{"a":{"c":null,"d":[1,{"y":"x","z":0}]},"b":1}');
  });

  it('a signed model verifies, also after the manifest is re-indented', () => {
    const path = signedModelDir();
    const { manifest } = readVerifiedModel(path, pub);
    expect(manifest.signature?.key_id).toBe(keys.keyId);
    writeFileSync(path, JSON.stringify(JSON.parse(readFileSync(path, 'utf8'))));
    expect(() => readVerifiedModel(path, pub)).not.toThrow();
  });

  it('refuses a tampered .tflite (sha256)', () => {
    const path = signedModelDir();
    const file = path.replace('.manifest.json', '.tflite');
    const b = readFileSync(file);
    b[b.length - 12]! ^= 0x01;
    writeFileSync(file, b);
    expect(() => readVerifiedModel(path, pub)).toThrow(/sha256/);
  });

  it('refuses a tampered manifest: a changed normalisation, or a sha256 changed to match a new .tflite', () => {
    const path = signedModelDir();
    const m = JSON.parse(readFileSync(path, 'utf8'));
    m.input.features[3].mean += 0.5;
    writeFileSync(path, JSON.stringify(m));
    expect(() => readVerifiedModel(path, pub)).toThrow(/does not verify/);

    const path2 = signedModelDir();
    const evil = tinyModel({ version: 't1', changeBias: 5 });
    const m2 = JSON.parse(readFileSync(path2, 'utf8'));
    writeFileSync(path2.replace('.manifest.json', '.tflite'), evil.bytes);
    m2.sha256 = evil.manifest.sha256;
    writeFileSync(path2, JSON.stringify(m2));
    expect(() => readVerifiedModel(path2, pub)).toThrow(/does not verify/);
  });

  it('refuses a model signed with another key, and an unsigned one', () => {
    const path = signedModelDir();
    expect(() => readVerifiedModel(path, loadPublicKey(other.publicPem))).toThrow(new RegExp(`key ${keys.keyId}, not the configured key ${other.keyId}`));
    const dir = mkdtempSync(join(tmpdir(), 'bonin-sign-'));
    const unsigned = writeModel(dir, tinyModel({ version: 't2' }));
    expect(() => readVerifiedModel(unsigned, pub)).toThrow(/not signed/);
  });

  it('refuses a key that is not Ed25519', async () => {
    const { generateKeyPairSync } = await import('node:crypto');
    const ec = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expect(() => loadPublicKey(ec)).toThrow(/not ed25519/);
  });
});
