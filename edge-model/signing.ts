// Ed25519 signatures on model manifests (issue #7 item 6). The signature covers the manifest
// without its `signature` field, written as canonical JSON (keys sorted at every depth, no
// spaces), so re-indenting the file does not break it; the manifest carries the .tflite's
// sha256, so the signature covers the network's bytes too. node:crypto only.
import { createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { canonicalJson } from '../core/canonical-json.ts';
import { ed25519PrivateKey, ed25519PublicKey, keyIdOf } from '../core/ed25519.ts';
import { checkManifest, sha256Hex, type ModelManifest } from './manifest.ts';

/** JSON with object keys sorted at every depth and no whitespace (core/canonical-json.ts, shared with signed commands). */
export { canonicalJson };

/** The bytes a signature covers: the manifest minus `signature`, canonical JSON, UTF-8. */
export function signedBytes(m: ModelManifest | Record<string, unknown>): Buffer {
  const rest: Record<string, unknown> = { ...m };
  delete rest.signature;
  return Buffer.from(canonicalJson(rest), 'utf8');
}

/** Keys as a PEM file path or inline PEM text (config `nowcast.public_key`), Ed25519 only, and their ids (core/ed25519.ts). */
export const loadPublicKey = ed25519PublicKey;
export const loadPrivateKey = ed25519PrivateKey;
export const keyId = keyIdOf;

export function generateSigningKeys(): { privatePem: string; publicPem: string; keyId: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    keyId: keyId(publicKey),
  };
}

/** The manifest with its signature set (any old one replaced). */
export function signManifest(m: ModelManifest, privateKey: KeyObject): ModelManifest {
  const pub = createPublicKey(privateKey);
  const value = sign(null, signedBytes(m), privateKey).toString('base64');
  return { ...m, signature: { alg: 'ed25519', key_id: keyId(pub), value } };
}

/** Throws, saying why, unless the manifest carries an Ed25519 signature that verifies against `pub`. */
export function verifyManifestSignature(m: ModelManifest, pub: KeyObject): void {
  const s = m.signature;
  if (!s) throw new Error('model manifest is not signed');
  if (s.alg !== 'ed25519' || typeof s.value !== 'string') throw new Error(`model signature: unknown algorithm ${JSON.stringify(s.alg)}`);
  const want = keyId(pub);
  const ok = verify(null, signedBytes(m), pub, Buffer.from(s.value, 'base64'));
  if (!ok) {
    throw new Error(s.key_id && s.key_id !== want
      ? `model signature made with key ${s.key_id}, not the configured key ${want}`
      : 'model signature does not verify (manifest changed after signing, or another key)');
  }
}

/**
 * Reads a manifest and its .tflite and checks all of it: the manifest's shape, the signature
 * against `pub`, the .tflite's sha256. Returns both; throws with the first thing wrong.
 */
export function readVerifiedModel(manifestPath: string, pub: KeyObject): { manifest: ModelManifest; bytes: Uint8Array } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(manifestPath, 'utf8'));
  } catch (err) {
    throw new Error(`model manifest ${manifestPath}: ${(err as Error).message}`);
  }
  const manifest = checkManifest(parsed);
  verifyManifestSignature(manifest, pub);
  const file = join(dirname(manifestPath), manifest.model_file);
  if (!existsSync(file)) throw new Error(`model file ${manifest.model_file} not found beside the manifest`);
  const bytes = new Uint8Array(readFileSync(file));
  const sha = sha256Hex(bytes);
  if (sha !== manifest.sha256) throw new Error(`model ${manifest.model_file}: sha256 ${sha} ≠ manifest ${manifest.sha256}`);
  return { manifest, bytes };
}
