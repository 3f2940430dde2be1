// `bonin model keygen|sign|verify`: the centre's side of signed nowcast updates (issue #7).
// keygen writes an Ed25519 key pair (private key 0600, never overwritten); sign sets the
// manifest's signature in place after checking the .tflite's sha256 (a manifest that does not
// match its network is not signed); verify checks the signature and the sha256 and exits 1
// when either fails.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { checkManifest, sha256Hex } from '../../edge-model/manifest.ts';
import { generateSigningKeys, loadPrivateKey, loadPublicKey, readVerifiedModel, signManifest } from '../../edge-model/signing.ts';

export interface KeygenOptions { out: string; pub?: string; force?: boolean }

export function runModelKeygen(o: KeygenOptions): void {
  const pubPath = o.pub ?? o.out.replace(/(\.key)?\.pem$/, '') + '.pub.pem';
  for (const p of [o.out, pubPath]) if (existsSync(p) && !o.force) throw new Error(`${p} exists; not overwriting a key (--force to replace it)`);
  const k = generateSigningKeys();
  writeFileSync(o.out, k.privatePem, { mode: 0o600 });
  writeFileSync(pubPath, k.publicPem, { mode: 0o644 });
  console.log(`private key ${o.out} (0600, keep it off the stations)\npublic key ${pubPath}\nkey id ${k.keyId}`);
}

export function runModelSign(manifestPath: string, o: { key: string }): void {
  const manifest = checkManifest(JSON.parse(readFileSync(manifestPath, 'utf8')));
  const bytes = readFileSync(join(dirname(manifestPath), manifest.model_file));
  const sha = sha256Hex(bytes);
  if (sha !== manifest.sha256) throw new Error(`${manifest.model_file}: sha256 ${sha} ≠ manifest ${manifest.sha256}; not signing`);
  const signed = signManifest(manifest, loadPrivateKey(o.key));
  const tmp = `${manifestPath}.tmp`;
  writeFileSync(tmp, JSON.stringify(signed, null, 2) + '\n');
  renameSync(tmp, manifestPath); // a half-written manifest never replaces a good one
  console.log(`signed ${manifestPath}: model ${signed.version}, key ${signed.signature!.key_id}`);
}

export function runModelVerify(manifestPath: string, o: { pub: string }): void {
  try {
    const { manifest } = readVerifiedModel(manifestPath, loadPublicKey(o.pub));
    console.log(`ok ${manifestPath}: model ${manifest.version}, key ${manifest.signature!.key_id}, sha256 ${manifest.sha256}`);
  } catch (err) {
    console.error(`refused ${manifestPath}: ${(err as Error).message}`);
    process.exitCode = 1;
  }
}
