// The signed command channel on its own: a real SQLite nonce table, real Ed25519 keys, a
// manual clock. Accepted commands run and are answered; every refusal is answered, counted
// and logged (one line per kind per minute).
import { generateKeyPairSync } from 'node:crypto';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { commandSignedBytes, ManualClock, signCommand, type CommandReply } from '../../core/index.ts';
import { openDatabase } from '../store/index.ts';
import { CommandChannel } from './channel.ts';
import { CommandRegistry } from './registry.ts';

const T0 = Date.UTC(2026, 10, 25, 12);
const pair = () => {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return { privateKey, publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString() };
};

function rig(opts: { keys?: string[] } = {}) {
  const centre = pair();
  const clock = new ManualClock(T0);
  const lines: Array<Record<string, unknown>> = [];
  const log = pino({ level: 'info' }, { write: (s: string) => lines.push(JSON.parse(s) as Record<string, unknown>) });
  const registry = new CommandRegistry();
  const ran: Array<Record<string, unknown>> = [];
  registry.register('ping', (args) => { ran.push(args); return { ok: true, message: 'pong', echo: args.n }; });
  const replies: CommandReply[] = [];
  const db = openDatabase(':memory:');
  const channel = new CommandChannel({
    station: 'STN', db, registry, clock, log, publicKeys: opts.keys ?? [centre.publicPem], maxAgeS: 3600, futureToleranceS: 300,
    reply: (body, done) => { replies.push(JSON.parse(body) as CommandReply); done(true); },
    synchronised: () => false,
  });
  const sign = (o: Partial<Parameters<typeof signCommand>[0]> = {}, key = centre.privateKey) =>
    signCommand({ station: 'STN', cmd: 'ping', args: { n: 1 }, now: clock.now(), ttlMs: 600_000, ...o }, key);
  const send = (env: unknown) => channel.handle(Buffer.from(JSON.stringify(env)));
  const refusals = () => lines.filter((l) => l.msg === 'commands: refused a command');
  return { clock, lines, ran, replies, channel, sign, send, refusals, db, centre };
}

describe('signed command channel', () => {
  it('runs a signed command once and answers it with its id and details', async () => {
    const r = rig();
    const env = r.sign();
    const reply = await r.send(env);
    expect(reply).toMatchObject({ v: 1, station: 'STN', id: env.id, cmd: 'ping', ok: true, message: 'pong', echo: 1, ts: T0 });
    expect(r.replies).toEqual([reply]);
    expect(r.ran).toEqual([{ n: 1 }]);
    expect(r.lines.some((l) => l.msg === 'commands: accepted a signed command' && l.id === env.id)).toBe(true);
    // Re-serialised with other key order and spaces: the canonical bytes are the same, so it still verifies.
    const shuffled = JSON.parse(JSON.stringify(Object.fromEntries(Object.entries(env).reverse()), null, 2)) as typeof env;
    expect(commandSignedBytes(shuffled).equals(commandSignedBytes(env))).toBe(true);
  });

  it('refuses, answers and logs unsigned, tampered, foreign-key, wrong-station, expired, future, over-long and replayed commands', async () => {
    const r = rig();
    const cases: Array<[string, unknown]> = [];
    const { sig: _sig, ...unsigned } = r.sign();
    cases.push(['unsigned', unsigned]);
    cases.push(['unsigned', { v: 1, station: 'STN', cmd: 'resend', ranges: [[1, 2]], ts: T0 }]); // the old, unauthenticated format
    cases.push(['bad-signature', { ...r.sign(), args: { n: 2 } }]);
    cases.push(['unknown-key', r.sign({}, pair().privateKey)]);
    const { key_id: _k, ...noKeyId } = r.sign({}, pair().privateKey);
    cases.push(['bad-signature', noKeyId]);
    cases.push(['wrong-station', r.sign({ station: 'OTHER' })]);
    cases.push(['expired', r.sign({ now: T0 - 700_000 })]);
    cases.push(['future', r.sign({ now: T0 + 400_000 })]);
    cases.push(['too-long', r.sign({ ttlMs: 2 * 3600_000 })]);
    cases.push(['malformed', { ...r.sign(), issued: 'yesterday' }]);
    for (const [why, env] of cases) {
      const reply = await r.send(env);
      expect(reply, why).toMatchObject({ ok: false, refused: why, station: 'STN' });
      expect(reply.message.length).toBeGreaterThan(10);
    }
    const garbage = await r.channel.handle(Buffer.from('not json'));
    expect(garbage).toMatchObject({ ok: false, refused: 'malformed', id: null });
    expect(r.ran).toEqual([]);
    expect(r.replies).toHaveLength(cases.length + 1);
    // Replay: the same signed envelope twice, the second refused (also after a restart: the id is in SQLite).
    const env = r.sign();
    expect((await r.send(env)).ok).toBe(true);
    expect(await r.send(env)).toMatchObject({ ok: false, refused: 'replayed', id: env.id });
    expect(r.ran).toHaveLength(1);
    // Logged: one line per kind of refusal per minute, the rest counted.
    const kinds = new Set(r.refusals().map((l) => l.refused));
    expect([...kinds].sort()).toEqual(['bad-signature', 'expired', 'future', 'malformed', 'replayed', 'too-long', 'unknown-key', 'unsigned', 'wrong-station']);
    expect(r.refusals().filter((l) => l.refused === 'unsigned')).toHaveLength(1);
    expect(r.channel.summary()).toMatchObject({ accepted: 1, refused: cases.length + 2, by_refusal: { unsigned: 2, 'bad-signature': 2, replayed: 1 } });
    const expiredReply = r.replies.find((x) => x.refused === 'expired')!;
    expect(expiredReply).toMatchObject({ station_time: T0, station_clock_synchronised: false });
  });

  it('with no command key every command is refused; an unreadable key is logged and ignored', async () => {
    const r = rig({ keys: ['/nonexistent/centre.pub.pem'] });
    expect(r.lines.some((l) => l.key === 'commands.public_keys.0' && String(l.err).includes('not found'))).toBe(true);
    expect(await r.send(r.sign())).toMatchObject({ ok: false, refused: 'no-keys' });
  });

  it('a replayed id stays refused until its envelope expired plus the margin, then is pruned', async () => {
    const r = rig();
    const env = r.sign({ ttlMs: 60_000 });
    expect((await r.send(env)).ok).toBe(true);
    expect(r.channel.summary().nonces).toBe(1);
    r.clock.advance(60_000 + 3600_000 + 1000); // past expiry + max_age margin
    expect(await r.send(r.sign())).toMatchObject({ ok: true }); // a fresh command prunes the old id
    expect(r.channel.summary().nonces).toBe(1);
    expect(await r.send(env)).toMatchObject({ ok: false, refused: 'expired' });
  });

  it('an unknown command name is answered, not a crash; an after-reply action runs once the reply is out', async () => {
    const r = rig();
    expect(await r.send(r.sign({ cmd: 'launch' }))).toMatchObject({ ok: false, message: expect.stringContaining('unknown command "launch"') });
    const order: string[] = [];
    const reg = (r.channel as unknown as { o: { registry: CommandRegistry } }).o.registry;
    reg.register('bye', () => ({ ok: true, message: 'bye', afterReply: () => order.push(`after reply ${r.replies.length}`) }));
    const before = r.replies.length;
    const reply = await r.send(r.sign({ cmd: 'bye' }));
    expect(reply).not.toHaveProperty('afterReply');
    expect(order).toEqual([`after reply ${before + 1}`]);
  });
});
