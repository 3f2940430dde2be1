// `bonin cmd sign`: the centre's side of signed remote commands (docs/commands.md). Prints the
// signed envelope as one JSON line; with --send it publishes it on the station's cmd topic and
// waits for the station's answer on reply (exit 0 when ok, 1 when refused or failed, 3 when
// no answer came). `bonin cmd keygen` makes the key pair (the private half stays at the centre).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import mqtt from 'mqtt';
import { commandPrivateKey, signCommand, topics, type CommandReply } from '../../core/index.ts';

export interface CmdSignOptions {
  key: string;
  station: string;
  cmd: string;
  /** JSON object, or @file holding one */
  args?: string;
  /** a model manifest: args become {manifest, tflite: base64 of the .tflite beside it} */
  modelManifest?: string;
  ttlS?: number;
  send?: boolean;
  broker?: string;
  timeoutS?: number;
}

export function buildArgs(o: Pick<CmdSignOptions, 'args' | 'modelManifest'>): Record<string, unknown> {
  if (o.modelManifest) {
    const manifest = JSON.parse(readFileSync(o.modelManifest, 'utf8')) as { model_file?: string };
    if (!manifest.model_file) throw new Error(`${o.modelManifest}: no model_file in the manifest`);
    return { manifest, tflite: readFileSync(join(dirname(o.modelManifest), manifest.model_file)).toString('base64') };
  }
  const text = o.args === undefined ? '{}' : o.args.startsWith('@') ? readFileSync(o.args.slice(1), 'utf8') : o.args;
  let parsed: unknown;
  try { parsed = JSON.parse(text); } catch (err) { throw new Error(`--args is not JSON: ${(err as Error).message}`); }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('--args must be a JSON object, e.g. \'{"key":"uplink.resend_after_s","value":45}\'');
  return parsed as Record<string, unknown>;
}

export async function runCmdSign(o: CmdSignOptions): Promise<void> {
  let env;
  try {
    env = signCommand({ station: o.station, cmd: o.cmd, args: buildArgs(o), now: Date.now(), ttlMs: (o.ttlS ?? 600) * 1000 }, commandPrivateKey(o.key));
  } catch (err) {
    process.stderr.write(`bonin cmd: ${(err as Error).message}\n`);
    process.exitCode = 2;
    return;
  }
  process.stdout.write(`${JSON.stringify(env)}\n`);
  if (!o.send) return;
  const t = topics(o.station);
  const client = await mqtt.connectAsync(o.broker ?? 'mqtt://127.0.0.1:1883', { clientId: `bonin-cmd-${process.pid}`, clean: true, reconnectPeriod: 0, connectTimeout: 15_000 });
  try {
    const reply = await new Promise<CommandReply | null>((resolve, reject) => {
      const timer = setTimeout(() => resolve(null), (o.timeoutS ?? 60) * 1000);
      client.on('message', (topic, payload) => {
        if (topic !== t.reply) return;
        try {
          const r = JSON.parse(payload.toString()) as CommandReply;
          if (r.id === env.id) { clearTimeout(timer); resolve(r); }
        } catch { /* another message on reply: not ours */ }
      });
      client.subscribeAsync(t.reply, { qos: 1 })
        .then(() => client.publishAsync(t.cmd, JSON.stringify(env), { qos: 1 }))
        .catch((err: Error) => { clearTimeout(timer); reject(err); });
    });
    if (!reply) {
      process.stderr.write(`bonin cmd: no reply from ${o.station} within ${o.timeoutS ?? 60} s\n`);
      process.exitCode = 3;
      return;
    }
    process.stdout.write(`${JSON.stringify(reply)}\n`);
    process.stderr.write(`${o.station}: ${reply.ok ? 'ok' : 'REFUSED'}: ${reply.message}\n`);
    if (!reply.ok) process.exitCode = 1;
  } finally {
    await client.endAsync(true);
  }
}
