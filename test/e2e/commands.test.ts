// Signed remote commands end to end (docs/commands.md): a whole station (simulated WXT530 on a
// PTY, real Mosquitto, reference receiver) and the centre's `bonin cmd sign --send` as a
// technician at the centre runs it. A signed set-config is answered on reply, written to the
// station file (previous kept as .bak) and followed by a restart request; an invalid one is
// refused and the file untouched; unsigned, forged and replayed commands are answered with
// their refusal and logged; a resend signed with the receiver's key gets its reconciliation answer.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import mqtt from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { ScaledClock, topics, type CommandReply } from '../../core/index.ts';
import { validateConfig } from '../../gateway/config/load.ts';
import pino from 'pino';
import { StationGateway } from '../../gateway/pipeline/station.ts';
import { STATION, startRig } from '../helpers/station.ts';
import { waitFor } from '../helpers/wait.ts';

const BONIN = resolve(dirname(fileURLToPath(import.meta.url)), '../../bin/bonin.js');
const run = promisify(execFile);
const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

async function bonin(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(process.execPath, [BONIN, ...args], { timeout: 90_000 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('signed remote commands through a real Mosquitto', () => {
  it('set-config by `bonin cmd sign --send`; refusals answered and logged; a signed resend answered', async () => {
    const clock = new ScaledClock({ speed: 1 }); // real time: `bonin cmd` signs with the wall clock
    const rig = await startRig(clock);
    cleanup.push(() => rig.stop());
    const keyFile = join(rig.dir, 'centre.pem');
    writeFileSync(keyFile, rig.cmdKeys.privatePem, { mode: 0o600 });
    const lines: Array<Record<string, unknown>> = [];
    const config = validateConfig(rig.config, rig.configPath, rig.dir);
    const glog = pino({ level: 'info' }, { write: (s: string) => lines.push(JSON.parse(s) as Record<string, unknown>) });
    const gateway = new StationGateway(config, clock, glog, { configPath: rig.configPath });
    cleanup.push(() => gateway.stop());
    const restarts: string[] = [];
    gateway.on('restart', (why: string) => restarts.push(why));
    gateway.start();
    await waitFor('the uplink connected', () => gateway.uplink.connected, 30_000);

    // A valid set-config, signed and sent by the centre's CLI: answered ok, file replaced, restart after the reply.
    const before = readFileSync(rig.configPath, 'utf8');
    const ok = await bonin(['cmd', 'sign', '--key', keyFile, '--station', STATION, '--cmd', 'set-config', '--args', '{"key":"uplink.resend_after_s","value":45}', '--send', '--broker', rig.broker.url, '--timeout-s', '60']);
    expect(ok.code, ok.stderr).toBe(0);
    const [envelope, replyLine] = ok.stdout.trim().split('\n');
    const reply = JSON.parse(replyLine!) as CommandReply;
    expect(reply).toMatchObject({ id: JSON.parse(envelope!).id, station: STATION, cmd: 'set-config', ok: true, key: 'uplink.resend_after_s', value: 45, previous: 30 });
    expect(JSON.parse(readFileSync(rig.configPath, 'utf8')).uplink.resend_after_s).toBe(45);
    expect(readFileSync(`${rig.configPath}.bak`, 'utf8')).toBe(before);
    await waitFor('the restart request after the reply', () => restarts.length === 1, 15_000);
    expect(restarts).toEqual(['set-config uplink.resend_after_s']);

    // An invalid value: refused with the key and the reason (exit 1), the file untouched.
    const now = readFileSync(rig.configPath, 'utf8');
    const bad = await bonin(['cmd', 'sign', '--key', keyFile, '--station', STATION, '--cmd', 'set-config', '--args', '{"key":"uplink.resend_after_s","value":-1}', '--send', '--broker', rig.broker.url]);
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.stdout.trim().split('\n')[1]!)).toMatchObject({ ok: false, key: 'uplink.resend_after_s', message: expect.stringMatching(/uplink\.resend_after_s: /) });
    expect(readFileSync(rig.configPath, 'utf8')).toBe(now);
    expect(restarts).toHaveLength(1);

    // Unsigned, forged and replayed commands on the cmd topic: each answered on reply with its refusal.
    const centre = await mqtt.connectAsync(rig.broker.url);
    cleanup.push(() => centre.endAsync());
    const replies: CommandReply[] = [];
    centre.on('message', (_t, p) => replies.push(JSON.parse(p.toString()) as CommandReply));
    await centre.subscribeAsync(topics(STATION).reply, { qos: 1 });
    const signed = JSON.parse(envelope!) as Record<string, unknown>;
    await centre.publishAsync(topics(STATION).cmd, JSON.stringify({ ...signed, sig: undefined, id: 'unsigned-0001' }), { qos: 1 });
    await centre.publishAsync(topics(STATION).cmd, JSON.stringify({ ...signed, args: { key: 'uplink.resend_after_s', value: 1 } }), { qos: 1 });
    await centre.publishAsync(topics(STATION).cmd, JSON.stringify(signed), { qos: 1 }); // the very envelope that was accepted
    await waitFor('three refusals', () => replies.filter((r) => r.ok === false && r.refused).length >= 3, 30_000);
    expect(replies.map((r) => r.refused).filter(Boolean).sort()).toEqual(['bad-signature', 'replayed', 'unsigned']);
    expect(JSON.parse(readFileSync(rig.configPath, 'utf8')).uplink.resend_after_s).toBe(45);
    const refusedLines = lines.filter((l) => l.msg === 'commands: refused a command').map((l) => l.refused);
    expect(refusedLines.sort()).toEqual(['bad-signature', 'replayed', 'unsigned']);
    expect(gateway.channel.summary()).toMatchObject({ accepted: 2, refused: 3 });

    // A `resend` signed by the receiver's key (as its gap requests are) goes through the same channel
    // to the outbox's reconciliation: seqs this station never gave are `unknown`.
    const resendReplies: CommandReply[] = [];
    rig.receiver.on('command-reply', (r: CommandReply) => resendReplies.push(r));
    await centre.publishAsync(topics(STATION).cmd, JSON.stringify(rig.receiver.command(STATION, 'resend', { ranges: [[1000, 1005]] })), { qos: 1 });
    await waitFor('the resend reply', () => resendReplies.some((r) => r.cmd === 'resend'), 30_000);
    expect(resendReplies.find((r) => r.cmd === 'resend')).toMatchObject({ ok: true, station: STATION, pending: [], resent: [], evicted: [], unknown: [[1000, 1005]] });
    expect(existsSync(`${rig.configPath}.bak`)).toBe(true);
  }, 240_000);
});
