// Ed25519 keys as the project passes them around: a PEM file path or inline PEM text (config
// keys such as `nowcast.public_key`, `commands.public_keys`), checked to be Ed25519, and named
// by a short key id. Shared by signed models (edge-model/signing.ts) and signed commands
// (core/command.ts). node:crypto only.
import { createHash, createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';

/** A key as a PEM file path or inline PEM text. */
export function readPem(keyOrPath: string): string {
  if (keyOrPath.includes('-----BEGIN')) return keyOrPath;
  if (!existsSync(keyOrPath)) throw new Error(`key file ${keyOrPath} not found`);
  return readFileSync(keyOrPath, 'utf8');
}

export function ed25519PublicKey(keyOrPath: string): KeyObject {
  const k = createPublicKey(readPem(keyOrPath));
  if (k.asymmetricKeyType !== 'ed25519') throw new Error(`public key is ${k.asymmetricKeyType}, not ed25519`);
  return k;
}

export function ed25519PrivateKey(keyOrPath: string): KeyObject {
  const k = createPrivateKey(readPem(keyOrPath));
  if (k.asymmetricKeyType !== 'ed25519') throw new Error(`private key is ${k.asymmetricKeyType}, not ed25519`);
  return k;
}

/** A short name for a public key: the first 16 hex digits of the sha256 of its SPKI DER. */
export function keyIdOf(pub: KeyObject): string {
  return createHash('sha256').update(pub.export({ type: 'spki', format: 'der' })).digest('hex').slice(0, 16);
}
