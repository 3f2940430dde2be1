// The station's client key and certificate for mqtts://, and the model signing public key.
// Keys are made by the openssl CLI (present on every Debian/Raspberry Pi OS image) so the
// formats are the ones the broker's administrators know; the private key is created 0600
// and never leaves the board. Generated: an EC P-256 key, a certificate signing request for
// the centre to sign, and a self-signed certificate so the gateway can start (the broker
// will refuse it until the centre's certificate replaces it: the self-test says so).
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, readFileSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadPublicKey, keyId } from '../../edge-model/signing.ts';
import { writeFileAtomic } from '../config/write-atomic.ts';

export interface TlsFiles {
  key_file: string;
  cert_file: string;
  ca_file?: string;
  /** generated: the request to send to the centre */
  csr_file?: string;
  generated: boolean;
  notes: string[];
}

function openssl(args: string[]): string {
  try {
    return execFileSync('openssl', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new Error(`openssl ${args[0]} failed: ${(err.stderr ?? err.message).trim().split('\n')[0]} (install it: apt-get install openssl)`);
  }
}

/** A new key (0600), CSR and self-signed certificate for `stationId` in `dir`. */
export function generateClientCert(dir: string, stationId: string): TlsFiles {
  const key = join(dir, `${stationId}.key.pem`);
  const csr = join(dir, `${stationId}.csr.pem`);
  const cert = join(dir, `${stationId}.cert.pem`);
  const pem = openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256']);
  writeFileAtomic(key, pem, { mode: 0o600, backup: 'stamped' });
  chmodSync(key, 0o600); // an old key file replaced keeps no wider mode
  openssl(['req', '-new', '-key', key, '-subj', `/CN=${stationId}/O=Bonin AWS`, '-out', csr]);
  openssl(['req', '-x509', '-key', key, '-in', csr, '-days', '3650', '-out', cert]);
  return {
    key_file: key, cert_file: cert, csr_file: csr, generated: true,
    notes: [`send ${basename(csr)} to the central system to be signed, then put the signed certificate in ${cert}; until then the broker may refuse the self-signed one`],
  };
}

/** Copy given files beside the station file; the key 0600 whatever its mode was. */
export function importClientCert(dir: string, stationId: string, files: { cert_file: string; key_file: string; ca_file?: string }): TlsFiles {
  const notes: string[] = [];
  for (const f of [files.cert_file, files.key_file, files.ca_file]) if (f && !existsSync(f)) throw new Error(`cannot import ${f}: no such file`);
  const key = join(dir, `${stationId}.key.pem`);
  const cert = join(dir, `${stationId}.cert.pem`);
  if ((statSync(files.key_file).mode & 0o077) !== 0) notes.push(`${files.key_file} was readable by others; the imported copy is 0600`);
  writeFileAtomic(key, readFileSync(files.key_file), { mode: 0o600, backup: 'stamped' });
  chmodSync(key, 0o600);
  if (resolve(files.cert_file) !== resolve(cert)) copyFileSync(files.cert_file, cert);
  let ca: string | undefined;
  if (files.ca_file) {
    ca = join(dir, 'ca.pem');
    if (resolve(files.ca_file) !== resolve(ca)) copyFileSync(files.ca_file, ca);
  }
  // The key and the certificate must belong together, or TLS fails at the broker with a vaguer error.
  const pub = (args: string[]) => openssl(args).trim();
  if (pub(['pkey', '-in', key, '-pubout']) !== pub(['x509', '-in', cert, '-noout', '-pubkey'])) throw new Error(`${files.key_file} is not the key of ${files.cert_file}`);
  return { key_file: key, cert_file: cert, ...(ca ? { ca_file: ca } : {}), generated: false, notes };
}

/** The project's shipped model signing public key. */
export const SHIPPED_SIGNING_KEY = fileURLToPath(new URL('../../edge-model/model/nowcast-signing.pub.pem', import.meta.url));

/** Check a model signing public key (Ed25519 PEM) and say which key it is. */
export function checkSigningKey(path: string): { path: string; keyId: string } {
  return { path, keyId: keyId(loadPublicKey(path)) };
}
