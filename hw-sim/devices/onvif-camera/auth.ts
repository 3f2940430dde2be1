// The two ways an ONVIF camera checks who is asking: WS-Security UsernameToken on SOAP calls
// (ONVIF Core §5.12, OASIS UsernameToken Profile 1.0) and HTTP Digest on the snapshot URI
// (RFC 7616, MD5, qop=auth — what node-onvif's fetchSnapshot answers).
import { createHash, randomBytes } from 'node:crypto';
import type { UsernameToken } from './soap.ts';

export interface TokenCheck {
  ok: boolean;
  /** why it was refused (kept by the camera for tests and logs; the client only sees NotAuthorized) */
  reason?: string;
}

/**
 * Verify a UsernameToken against the camera's user and password, with Created checked
 * against the camera's own clock (skewed or not) within ± windowMs, and nonces not replayed.
 * `seen` is the camera's bounded cache of recent nonces.
 */
export function checkUsernameToken(
  token: UsernameToken | null,
  user: string,
  password: string,
  cameraNow: number,
  windowMs: number,
  seen: Set<string>,
): TokenCheck {
  if (!token) return { ok: false, reason: 'no WS-Security UsernameToken' };
  if (token.username !== user) return { ok: false, reason: `unknown user "${token.username}"` };
  if (token.passwordType.endsWith('#PasswordText')) {
    return token.password === password ? { ok: true } : { ok: false, reason: 'wrong password (PasswordText)' };
  }
  if (token.nonce === null || token.created === null) return { ok: false, reason: 'PasswordDigest without Nonce or Created' };
  const created = Date.parse(token.created);
  if (!Number.isFinite(created)) return { ok: false, reason: `unreadable Created "${token.created}"` };
  const offS = Math.round((created - cameraNow) / 1000);
  if (Math.abs(created - cameraNow) > windowMs) return { ok: false, reason: `Created is ${offS} s off the camera clock (window ±${windowMs / 1000} s)` };
  const nonce = Buffer.from(token.nonce, 'base64');
  const expected = createHash('sha1').update(Buffer.concat([nonce, Buffer.from(token.created, 'utf8'), Buffer.from(password, 'utf8')])).digest('base64');
  if (expected !== token.password) return { ok: false, reason: 'wrong password (PasswordDigest mismatch)' };
  if (seen.has(token.nonce)) return { ok: false, reason: 'nonce replayed' };
  seen.add(token.nonce);
  // Bounded: forget the oldest nonces (a Set iterates in insertion order).
  while (seen.size > 1000) seen.delete(seen.values().next().value!);
  return { ok: true };
}

const md5 = (s: string) => createHash('md5').update(s, 'utf8').digest('hex');

/** Parse `Digest k="v", k=v, …` (quoted values may hold commas). */
export function parseDigestHeader(header: string): Record<string, string> | null {
  const m = /^\s*Digest\s+([\s\S]*)$/i.exec(header);
  if (!m) return null;
  const out: Record<string, string> = {};
  const re = /([\w-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))\s*(?:,|$)/g;
  let part: RegExpExecArray | null;
  while ((part = re.exec(m[1]!)) !== null) {
    if (part[0] === '') break;
    out[part[1]!.toLowerCase()] = part[2] !== undefined ? part[2].replace(/\\(.)/g, '$1') : part[3]!;
  }
  return out;
}

/** Server side of HTTP Digest: issues nonces, builds challenges, checks answers. */
export class DigestGuard {
  /** nonce → real time issued (ms); real time because it bounds a network exchange, not the weather */
  private nonces = new Map<string, number>();

  constructor(readonly realm: string, private readonly nonceLifeMs = 300_000) {
    // node-onvif splits the challenge on ',' and '=' and expects the realm first.
    if (/[,="]/.test(realm)) throw new RangeError(`digest realm must not contain , = or " (got "${realm}")`);
  }

  /** The WWW-Authenticate value node-onvif (and browsers, curl) answer. */
  challenge(): string {
    const nonce = randomBytes(16).toString('hex');
    this.nonces.set(nonce, Date.now());
    while (this.nonces.size > 256) this.nonces.delete(this.nonces.keys().next().value!);
    return `Digest realm="${this.realm}", qop="auth", nonce="${nonce}", algorithm=MD5`;
  }

  /** Check an Authorization header for this method and request URI. */
  check(header: string | undefined, method: string, uri: string, user: string, password: string): TokenCheck {
    if (!header) return { ok: false, reason: 'no Authorization header' };
    if (/^\s*Basic\s/i.test(header)) return { ok: false, reason: 'Basic offered; camera wants Digest' };
    const d = parseDigestHeader(header);
    if (!d) return { ok: false, reason: 'Authorization is neither Basic nor Digest' };
    const issued = d.nonce !== undefined ? this.nonces.get(d.nonce) : undefined;
    if (issued === undefined || Date.now() - issued > this.nonceLifeMs) return { ok: false, reason: 'unknown or stale nonce' };
    if (d.username !== user) return { ok: false, reason: `unknown user "${d.username ?? ''}"` };
    if (d.realm !== this.realm) return { ok: false, reason: `wrong realm "${d.realm ?? ''}"` };
    if (d.uri !== uri) return { ok: false, reason: `uri "${d.uri ?? ''}" is not the request's "${uri}"` };
    if (d.algorithm !== undefined && d.algorithm.toUpperCase() !== 'MD5') return { ok: false, reason: `unsupported algorithm ${d.algorithm}` };
    const ha1 = md5(`${user}:${this.realm}:${password}`);
    const ha2 = md5(`${method}:${uri}`);
    let expected: string;
    if (d.qop === 'auth') {
      if (!d.nc || !d.cnonce) return { ok: false, reason: 'qop=auth without nc or cnonce' };
      expected = md5(`${ha1}:${d.nonce}:${d.nc}:${d.cnonce}:auth:${ha2}`);
    } else {
      return { ok: false, reason: `qop "${d.qop ?? ''}" not offered (auth only)` };
    }
    if (d.response !== expected) return { ok: false, reason: 'wrong password (digest response mismatch)' };
    return { ok: true };
  }
}
