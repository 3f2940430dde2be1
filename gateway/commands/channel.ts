// The signed command channel (issue #10 item 3, docs/commands.md): the uplink hands it each raw
// payload of bonin/v1/{station}/cmd; it checks the envelope (signature, station, lifetime,
// expiry, nonce) and runs the command from the CommandRegistry. Every command, accepted or
// refused, is answered on bonin/v1/{station}/reply, so the centre always learns what
// happened; refusals are logged, rate-limited per kind (a flood of junk is one line a minute).
//
// Time: expiry and "issued in the future" use the gateway Clock, the station's own idea of
// now. A station whose clock is wrong (no RTC, not synchronised yet) refuses commands as
// expired/future; the reply carries `station_time` so the centre sees the skew, and can sign
// with `issued`/`expires` around the station's time. Accepting anything while the clock is
// unsure would make every captured command replayable once its id is pruned; we chose not to.
import type { KeyObject } from 'node:crypto';
import { commandEnvelopeSchema, commandPublicKey, keyIdOf, verifyCommand, type Clock, type CommandEnvelope, type CommandReply } from '../../core/index.ts';
import { RateLimitedLog, type Logger } from '../log.ts';
import type { Db } from '../store/db.ts';
import { NonceStore } from './nonces.ts';
import type { CommandRegistry } from './registry.ts';

export interface CommandChannelOptions {
  station: string;
  db: Db;
  registry: CommandRegistry;
  clock: Clock;
  log: Logger;
  /** config commands.public_keys: PEM file paths or inline PEM */
  publicKeys: string[];
  maxAgeS: number;
  futureToleranceS: number;
  /** publish a reply on the station's reply topic; `done` once the broker has it (or it could not go) */
  reply: (body: string, done: (ok: boolean) => void) => void;
  /** whether the station clock is known to be right; said in time refusals */
  synchronised?: () => boolean;
}

export type Refusal = 'malformed' | 'unsigned' | 'wrong-station' | 'no-keys' | 'unknown-key' | 'bad-signature' | 'too-long' | 'future' | 'expired' | 'replayed';

/** After this long without the broker's PUBACK for a reply, its after-reply action runs anyway (real ms). */
const AFTER_REPLY_TIMEOUT_MS = 5000;

export class CommandChannel {
  private readonly keys: KeyObject[] = [];
  private readonly nonces: NonceStore;
  private readonly warn: RateLimitedLog;
  readonly stats = { accepted: 0, refused: 0, by_refusal: {} as Partial<Record<Refusal, number>>, last: null as null | { id: string | null; cmd: string | null; ok: boolean; at: number } };

  constructor(private readonly o: CommandChannelOptions) {
    this.warn = new RateLimitedLog(o.log, o.clock);
    // A broken key file costs the remote commands, not the station: the data keeps flowing.
    o.publicKeys.forEach((k, i) => {
      try {
        this.keys.push(commandPublicKey(k));
      } catch (err) {
        o.log.error({ key: `commands.public_keys.${i}`, err: (err as Error).message }, 'commands: a public key cannot be loaded; it is ignored');
      }
    });
    this.nonces = new NonceStore(o.db, o.maxAgeS * 1000);
    if (!this.keys.length) o.log.warn('commands: no command keys (commands.public_keys): every remote command will be refused');
  }

  keyIds(): string[] {
    return this.keys.map(keyIdOf);
  }

  /** Check, run and answer one payload from the cmd topic. Never throws. */
  async handle(payload: Buffer | string): Promise<CommandReply> {
    try {
      return await this.check(payload);
    } catch (err) { // e.g. a full disk while recording the nonce: answered, and nothing ran
      this.o.log.error({ err: (err as Error).message }, 'commands: could not handle a command');
      const reply: CommandReply = { v: 1, station: this.o.station, id: null, cmd: null, ok: false, message: `station error: ${(err as Error).message}`, ts: Math.round(this.o.clock.now()) };
      this.send(reply);
      return reply;
    }
  }

  private async check(payload: Buffer | string): Promise<CommandReply> {
    const now = this.o.clock.now();
    let raw: unknown;
    try { raw = JSON.parse(payload.toString()); } catch { raw = undefined; }
    const obj = raw && typeof raw === 'object' && !Array.isArray(raw) ? raw as Record<string, unknown> : null;
    const id = typeof obj?.id === 'string' ? obj.id.slice(0, 128) : null;
    const cmd = typeof obj?.cmd === 'string' ? obj.cmd.slice(0, 64) : null;
    const refuse = (why: Refusal, message: string, extra: Record<string, unknown> = {}) => this.refuse(id, cmd, why, message, now, extra);
    if (!obj) return refuse('malformed', 'not a JSON object');
    if (obj.sig === undefined || obj.sig === null || obj.sig === '') return refuse('unsigned', 'unsigned command refused: every command must carry an Ed25519 signature (docs/commands.md)');
    const parsed = commandEnvelopeSchema.safeParse(obj);
    if (!parsed.success) return refuse('malformed', `not a command envelope: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(top level)'}: ${i.message}`).join('; ')}`);
    const env = parsed.data;
    if (env.station !== this.o.station) return refuse('wrong-station', `command for station ${env.station}, this is ${this.o.station}`);
    if (!this.keys.length) return refuse('no-keys', 'this station has no command keys (commands.public_keys): every command is refused');
    const sig = verifyWith(env, this.keys);
    if (!sig.ok) return refuse(sig.refused, sig.message);
    if (env.expires <= env.issued) return refuse('malformed', 'expires is not after issued');
    if (env.expires - env.issued > this.o.maxAgeS * 1000) return refuse('too-long', `lifetime ${Math.round((env.expires - env.issued) / 1000)} s exceeds commands.max_age_s (${this.o.maxAgeS} s)`);
    const clockNote = { station_time: Math.round(now), ...(this.o.synchronised ? { station_clock_synchronised: this.o.synchronised() } : {}) };
    if (env.issued > now + this.o.futureToleranceS * 1000) return refuse('future', `issued ${new Date(env.issued).toISOString()}, ahead of the station clock ${new Date(now).toISOString()} by more than ${this.o.futureToleranceS} s`, clockNote);
    if (now > env.expires) return refuse('expired', `expired ${new Date(env.expires).toISOString()}; station clock ${new Date(now).toISOString()}`, clockNote);
    this.nonces.pruneExpired(now);
    if (!this.nonces.claim(env.id, env.cmd, env.expires, now)) return refuse('replayed', `command id ${env.id} was seen already: a replay (or the broker delivered it twice; the first answer stands)`);

    this.o.log.info({ id: env.id, cmd: env.cmd, key_id: sig.keyId, args: summarise(env.args) }, 'commands: accepted a signed command');
    const result = await this.o.registry.run(env.cmd, env.args, { now, id: env.id });
    const { afterReply, ok, message, ...details } = result;
    this.stats.accepted++;
    this.stats.last = { id: env.id, cmd: env.cmd, ok, at: Math.round(now) };
    const reply: CommandReply = { ...details, v: 1, station: this.o.station, id: env.id, cmd: env.cmd, ok, message, ts: Math.round(this.o.clock.now()) };
    this.o.log[ok ? 'info' : 'warn']({ id: env.id, cmd: env.cmd, ok, message }, `commands: ${env.cmd} ${ok ? 'done' : 'failed'}`);
    this.send(reply, typeof afterReply === 'function' ? afterReply as () => void : undefined);
    return reply;
  }

  private refuse(id: string | null, cmd: string | null, why: Refusal, message: string, now: number, extra: Record<string, unknown>): CommandReply {
    this.stats.refused++;
    this.stats.by_refusal[why] = (this.stats.by_refusal[why] ?? 0) + 1;
    this.stats.last = { id, cmd, ok: false, at: Math.round(now) };
    this.warn.warn(`cmd-refused:${why}`, { id, cmd, refused: why, reason: message }, 'commands: refused a command');
    const reply: CommandReply = { ...extra, v: 1, station: this.o.station, id, cmd, ok: false, refused: why, message, ts: Math.round(now) };
    this.send(reply);
    return reply;
  }

  /** Publishes the reply; an after-reply action (restart) runs once the broker has it, or after a timeout. */
  private send(reply: CommandReply, after?: () => void): void {
    let ran = false;
    const runAfter = () => {
      if (ran || !after) return;
      ran = true;
      after();
    };
    const timer = after ? setTimeout(runAfter, AFTER_REPLY_TIMEOUT_MS) : null;
    try {
      this.o.reply(JSON.stringify(reply), () => {
        if (timer) clearTimeout(timer);
        runAfter();
      });
    } catch (err) {
      this.o.log.error({ err: (err as Error).message, id: reply.id }, 'commands: could not publish a reply');
    }
  }

  summary() {
    return { keys: this.keyIds(), ...this.stats, nonces: this.nonces.size() };
  }
}

function verifyWith(env: CommandEnvelope, keys: KeyObject[]): ReturnType<typeof verifyCommand> {
  try {
    return verifyCommand(env, keys);
  } catch (err) { // a signature that is not base64 of the right length
    return { ok: false, refused: 'bad-signature', message: `signature unreadable: ${(err as Error).message}` };
  }
}

/** Args for the log: a model's base64 is not a log line. */
function summarise(args: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(args).map(([k, v]) => [k, typeof v === 'string' && v.length > 200 ? `${v.slice(0, 40)}… (${v.length} chars)` : v]));
}
