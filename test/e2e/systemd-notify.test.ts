// The gateway under a systemd-like supervisor (docs/service.md): the test plays systemd's part
// with a real unix datagram socket (python3) as NOTIFY_SOCKET and WATCHDOG_USEC set, runs the
// real gateway (`bonin run`) against the simulated WXT530, and reads what arrives: READY=1,
// then WATCHDOG=1 pings. Then the simulated sensor is switched off: the pings must stop
// (STATUS says why) while the process is still running, so systemd would restart it. A
// signed `restart` command is answered, then the gateway exits 0 after STOPPING=1.
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import mqtt from 'mqtt';
import { commandPrivateKey, ScaledClock, signCommand, topics, type CommandReply } from '../../core/index.ts';
import { STATION, startRig } from '../helpers/station.ts';
import { waitFor } from '../helpers/wait.ts';

const BONIN = resolve(dirname(fileURLToPath(import.meta.url)), '../../bin/bonin.js');
const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

/** systemd's side: bind a datagram socket, print each message as one JSON line with its arrival time. */
const LISTENER = [
  'import json, os, socket, sys, time',
  's = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)',
  's.bind(sys.argv[1])',
  "print('listening', flush=True)",
  'while True:',
  '    d = s.recv(4096)',
  "    print(json.dumps({'t': time.time(), 'm': d.decode()}), flush=True)",
].join('\n');

interface Msg { t: number; fields: Record<string, string> }

function listen(path: string) {
  const py = spawn('python3', ['-u', '-c', LISTENER, path], { stdio: ['ignore', 'pipe', 'inherit'] });
  const msgs: Msg[] = [];
  let ready = false;
  createInterface({ input: py.stdout! }).on('line', (line) => {
    if (line === 'listening') { ready = true; return; }
    const { t, m } = JSON.parse(line) as { t: number; m: string };
    msgs.push({ t: t * 1000, fields: Object.fromEntries(m.split('\n').filter(Boolean).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)])) });
  });
  return { py, msgs, isReady: () => ready };
}

const stopChild = (p: ChildProcess) => new Promise<void>((r) => {
  if (p.exitCode !== null || p.signalCode !== null) return r();
  p.once('exit', () => r());
  p.kill('SIGKILL');
});

describe('systemd notify and watchdog', () => {
  it('READY=1, then WATCHDOG=1 while readings flow; the pings stop when the sensor goes silent', async () => {
    const clock = new ScaledClock({ speed: 10 });
    const rig = await startRig(clock);
    cleanup.push(() => rig.stop());
    // Windows of 20 simulated seconds (2 s real at 10×): readings every few seconds keep it alive.
    // The store's window must outlast the time between commits (storage.commit_every_min; the config check refuses it otherwise).
    writeFileSync(rig.configPath, JSON.stringify({ ...rig.config, watchdog: { readings_stale_s: 20, store_stale_s: 150, uplink_stale_s: 60 } }, null, 2));
    const sock = join(rig.dir, 'notify.sock');
    const sd = listen(sock);
    cleanup.push(() => stopChild(sd.py));
    await waitFor('the notify socket', sd.isReady, 15_000);

    const gw = spawn(process.execPath, [BONIN, 'run', '--config', rig.configPath, '--clock', clock.toSpec()], {
      stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, NOTIFY_SOCKET: sock, WATCHDOG_USEC: '1000000' },
    });
    let stderr = '';
    gw.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); });
    cleanup.push(() => stopChild(gw));
    const pings = () => sd.msgs.filter((m) => m.fields.WATCHDOG === '1');

    await waitFor('READY=1', () => sd.msgs.some((m) => m.fields.READY === '1'), 60_000);
    const ready = sd.msgs.find((m) => m.fields.READY === '1')!;
    expect(ready.fields.STATUS).toMatch(/^running: /);
    await waitFor('five watchdog pings', () => pings().length >= 5, 60_000);
    expect(pings().every((p) => p.t >= ready.t)).toBe(true);
    // Pings every WATCHDOG_USEC/2 = 0.5 s: comfortably more than one a second.
    await waitFor('a running STATUS naming a sensor that reads', () => sd.msgs.some((m) => /^running: 1\/1 sensors reading/.test(m.fields.STATUS ?? '')), 60_000);

    // The sensor goes silent (the simulated WXT530 switched off).
    await rig.sim.stop();
    await waitFor('STATUS: stalled, no reading', () => sd.msgs.some((m) => /STALLED.*no reading from any sensor/.test(m.fields.STATUS ?? '')), 60_000);
    const stalledAt = sd.msgs.find((m) => /STALLED/.test(m.fields.STATUS ?? ''))!.t;
    const before = pings().length;
    await new Promise((r) => setTimeout(r, 4000)); // eight ping periods
    expect(gw.exitCode, stderr).toBeNull(); // still running: it is systemd that would act
    expect(pings().filter((p) => p.t > stalledAt)).toEqual([]);
    expect(pings().length).toBe(before);

    // A signed `restart`: answered first, then a clean exit (0) with STOPPING=1, for systemd to start it again.
    const centre = await mqtt.connectAsync(rig.broker.url);
    cleanup.push(() => centre.endAsync());
    const replies: CommandReply[] = [];
    centre.on('message', (_t, p) => replies.push(JSON.parse(p.toString()) as CommandReply));
    await centre.subscribeAsync(topics(STATION).reply, { qos: 1 });
    const exit = new Promise<number | null>((r) => gw.once('exit', (code) => r(code)));
    const env = signCommand({ station: STATION, cmd: 'restart', now: clock.now(), ttlMs: 600_000 }, commandPrivateKey(rig.cmdKeys.privatePem));
    await centre.publishAsync(topics(STATION).cmd, JSON.stringify(env), { qos: 1 });
    expect(await exit).toBe(0);
    // The broker has the reply before the gateway exits (it waits for the PUBACK); its copy to
    // this subscriber may still be on the way on a loaded machine (CI saw none at exit once).
    await waitFor('the reply to the restart', () => replies.length > 0, 10_000);
    expect(replies).toEqual([expect.objectContaining({ id: env.id, cmd: 'restart', ok: true, message: expect.stringContaining('systemd starts the gateway again') })]);
    await waitFor('STOPPING=1', () => sd.msgs.some((m) => m.fields.STOPPING === '1'), 15_000);
  }, 180_000);
});
