// Signed remote commands on bonin/v1/{station}/cmd (issue #10, docs/commands.md). Both ends use
// this module: the centre (the reference receiver, `bonin cmd sign`) signs an envelope, the
// gateway (gateway/commands/channel.ts) verifies it. Ed25519 over canonical JSON of the
// envelope without `sig`, after a fixed context line, so a signature made for a model manifest
// (same key type, same canonical JSON) can never pass as a command. node:crypto only.
import { createPublicKey, randomBytes, sign, verify, type KeyObject } from 'node:crypto';
import { z } from 'zod';
import { canonicalJson } from './canonical-json.ts';
import { ed25519PrivateKey, ed25519PublicKey, keyIdOf, readPem } from './ed25519.ts';

/** The first bytes of every signed command: domain separation from other Ed25519 signatures. */
export const COMMAND_CONTEXT = 'bonin-cmd-v1\n';

export const commandEnvelopeSchema = z.object({
  v: z.literal(1),
  station: z.string().min(1),
  /** the nonce: unique per command, also its name in the reply */
  id: z.string().min(8).max(128).regex(/^[A-Za-z0-9_.:-]+$/, 'letters, digits, _ . : - only'),
  cmd: z.string().min(1).max(64),
  args: z.record(z.string(), z.unknown()),
  /** UTC ms when the centre signed it, and after which it is void */
  issued: z.number().int().nonnegative(),
  expires: z.number().int().nonnegative(),
  /** which key signed it (first 16 hex of the sha256 of its SPKI DER); optional, speeds up the check */
  key_id: z.string().regex(/^[0-9a-f]{16}$/).optional(),
  /** base64 Ed25519 signature over commandSignedBytes(envelope) */
  sig: z.string().min(1),
}).strict();
export type CommandEnvelope = z.infer<typeof commandEnvelopeSchema>;
export type UnsignedCommand = Omit<CommandEnvelope, 'sig'>;

/** The station's answer on bonin/v1/{station}/reply: `ok`, a sentence, and details by command. */
export interface CommandReply {
  v: 1;
  station: string;
  /** the command's id (null when the payload had none we could read) */
  id: string | null;
  cmd: string | null;
  ok: boolean;
  message: string;
  /** why a command was refused before it ran: unsigned, malformed, wrong-station, unknown-key, bad-signature, expired, future, too-long, replayed */
  refused?: string;
  /** station clock when answered, UTC ms */
  ts: number;
  [detail: string]: unknown;
}

/** The exact bytes signed: COMMAND_CONTEXT + canonical JSON of the envelope minus `sig`, UTF-8. */
export function commandSignedBytes(env: UnsignedCommand | CommandEnvelope): Buffer {
  const rest: Record<string, unknown> = { ...env };
  delete rest.sig;
  return Buffer.from(COMMAND_CONTEXT + canonicalJson(rest), 'utf8');
}

/** Keys: a PEM file path or inline PEM, Ed25519 only (core/ed25519.ts, shared with signed models). */
export { readPem, keyIdOf };
export const commandPublicKey = ed25519PublicKey;
export const commandPrivateKey = ed25519PrivateKey;

/** A fresh nonce: 128 random bits, hex. */
export function newCommandId(): string {
  return randomBytes(16).toString('hex');
}

/** Build and sign an envelope. `now` and `ttlMs` in UTC ms (the centre's clock). */
export function signCommand(o: { station: string; cmd: string; args?: Record<string, unknown>; now: number; ttlMs: number; id?: string }, key: KeyObject): CommandEnvelope {
  const env: UnsignedCommand = {
    v: 1, station: o.station, id: o.id ?? newCommandId(), cmd: o.cmd, args: o.args ?? {},
    issued: Math.round(o.now), expires: Math.round(o.now + o.ttlMs), key_id: keyIdOf(createPublicKey(key)),
  };
  return { ...env, sig: sign(null, commandSignedBytes(env), key).toString('base64') };
}

/**
 * The key that verifies the envelope's signature, or why none does. A `key_id` naming a key
 * we do not hold is refused at once (it cannot verify); without key_id every key is tried.
 */
export function verifyCommand(env: CommandEnvelope, keys: KeyObject[]): { ok: true; keyId: string } | { ok: false; refused: 'unknown-key' | 'bad-signature'; message: string } {
  const named = env.key_id ? keys.filter((k) => keyIdOf(k) === env.key_id) : keys;
  if (env.key_id && !named.length) return { ok: false, refused: 'unknown-key', message: `signed with key ${env.key_id}, not one of this station's command keys (${keys.map(keyIdOf).join(', ') || 'none configured'})` };
  const bytes = commandSignedBytes(env);
  const sig = Buffer.from(env.sig, 'base64');
  for (const k of named) if (verify(null, bytes, k, sig)) return { ok: true, keyId: keyIdOf(k) };
  return { ok: false, refused: 'bad-signature', message: 'signature does not verify (command changed after signing, or another key)' };
}
