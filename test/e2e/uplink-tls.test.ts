// TLS with a client certificate per station and a Mosquitto ACL: a station publishes only
// under its own topics and reads only its own ack/cmd. The test makes its own CA with openssl.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { makeBatch, systemClock, topics, type MinuteRecord } from '../../core/index.ts';
import { createLogger } from '../../gateway/log.ts';
import { openDatabase, Outbox } from '../../gateway/store/index.ts';
import { Uplink } from '../../gateway/uplink/uplink.ts';
import { Receiver } from '../../hw-sim/receiver/index.ts';
import { Mosquitto } from '../helpers/mosquitto.ts';
import { waitFor } from '../helpers/wait.ts';

const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});
const rec = (i: number): MinuteRecord => ({ ts: Date.UTC(2026, 6, 1) + i * 60_000, sensor: 'wxt530', values: { air_pressure: { v: 1012 + i / 10, f: 'good', n: 6 } } });

function makePki(dir: string) {
  const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
  ssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '2', '-subj', '/CN=bonin-test-ca');
  const leaf = (name: string, ext?: string) => {
    ssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`);
    if (ext) writeFileSync(join(dir, `${name}.ext`), ext);
    ssl('x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${name}.crt`, '-days', '2', ...(ext ? ['-extfile', `${name}.ext`] : []));
    chmodSync(join(dir, `${name}.key`), 0o600);
  };
  leaf('broker', 'subjectAltName=IP:127.0.0.1\n');
  leaf('STN1');
  leaf('STN2');
  leaf('central');
  const f = (n: string) => join(dir, n);
  return { f, read: (n: string) => readFileSync(f(n)) };
}

async function tlsBroker(dir: string, pki: ReturnType<typeof makePki>) {
  const broker = await Mosquitto.start();
  cleanup.push(() => broker.stop());
  writeFileSync(join(dir, 'acl'), [
    'user central', 'topic readwrite bonin/#', '',
    'pattern write bonin/v1/%u/obs', 'pattern write bonin/v1/%u/status', 'pattern write bonin/v1/%u/reply',
    'pattern read bonin/v1/%u/ack', 'pattern read bonin/v1/%u/cmd', '',
  ].join('\n'));
  writeFileSync(broker.conf, [
    `listener ${broker.port} 127.0.0.1`, `cafile ${pki.f('ca.crt')}`, `certfile ${pki.f('broker.crt')}`, `keyfile ${pki.f('broker.key')}`,
    'require_certificate true', 'use_identity_as_username true', 'allow_anonymous false', `acl_file ${join(dir, 'acl')}`, 'persistence false', '',
  ].join('\n'));
  // Mosquitto started as root drops to the `mosquitto` user: let it into the directory, and
  // give it its own key (still 0600, as a real broker's key).
  chmodSync(dir, 0o755);
  chmodSync(join(dir, 'acl'), 0o644);
  if (process.getuid?.() === 0) {
    try {
      execFileSync('chown', ['mosquitto', pki.f('broker.key')], { stdio: 'ignore' });
    } catch {
      // no mosquitto user: mosquitto then runs as root and reads it anyway
    }
  }
  await broker.restart();
  return `mqtts://127.0.0.1:${broker.port}`;
}

describe('TLS and ACL on a real Mosquitto', () => {
  it('each station with its own certificate delivers its data; it cannot publish or listen as another station', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bonin-tls-'));
    const pki = makePki(dir);
    const url = await tlsBroker(dir, pki);
    const receiver = new Receiver({ broker: url, dbPath: join(dir, 'receiver.db'), group: 'c', tls: { ca: pki.read('ca.crt'), cert: pki.read('central.crt'), key: pki.read('central.key') } });
    await receiver.start();
    cleanup.push(() => receiver.stop());

    const outbox = new Outbox(openDatabase(join(dir, 'stn1.db')), 'STN1');
    for (let i = 0; i < 5; i++) outbox.commitMinutes([rec(i)], Date.now());
    const uplink = new Uplink(outbox, {
      station: 'STN1', broker: url, protocolVersion: 5, inFlight: 4, resendAfterMs: 30_000, keepaliveS: 10, clock: systemClock,
      log: createLogger({ level: 'silent' }), tls: { ca: pki.f('ca.crt'), cert: pki.f('STN1.crt'), key: pki.f('STN1.key') },
    });
    cleanup.push(() => uplink.stop());
    uplink.start();
    await waitFor('STN1 delivered over TLS', () => outbox.counts().outboxBatches === 0);
    expect(receiver.store.counts()).toMatchObject({ batches: 5, records: 5 });

    // STN1's certificate, pretending to be STN2: its publish is dropped, its subscription refused.
    const rogue = await mqtt.connectAsync(url, { protocolVersion: 5, ca: pki.read('ca.crt'), cert: pki.read('STN1.crt'), key: pki.read('STN1.key'), rejectUnauthorized: true });
    cleanup.push(() => rogue.endAsync());
    // Mosquitto grants the subscription but applies the read ACL at delivery: STN1 hears only its own.
    const heard: string[] = [];
    rogue.on('message', (t) => heard.push(t));
    await rogue.subscribeAsync([topics('STN2').ack, topics('STN2').cmd, topics('STN1').cmd], { qos: 1 });
    const central = await mqtt.connectAsync(url, { protocolVersion: 5, ca: pki.read('ca.crt'), cert: pki.read('central.crt'), key: pki.read('central.key'), rejectUnauthorized: true });
    cleanup.push(() => central.endAsync());
    for (const t of [topics('STN2').ack, topics('STN2').cmd, topics('STN1').cmd]) await central.publishAsync(t, '{}', { qos: 1 });
    await waitFor('STN1 to hear its own cmd', () => heard.includes(topics('STN1').cmd));
    await rogue.publishAsync(topics('STN2').obs, JSON.stringify(makeBatch('STN2', 1, Date.now(), [rec(0)])), { qos: 1 }).catch(() => {});
    await new Promise((r) => setTimeout(r, 800));
    expect(receiver.store.counts()).toMatchObject({ batches: 5, rejected: 0 });
    expect(receiver.store.stations()).toEqual(['STN1']);
    expect(heard).toEqual([topics('STN1').cmd]);

    // No certificate: no connection.
    const anon = mqtt.connect(url, { protocolVersion: 5, ca: pki.read('ca.crt'), rejectUnauthorized: true, reconnectPeriod: 0, connectTimeout: 3000 });
    const outcome = await new Promise<string>((resolve) => {
      anon.once('connect', () => resolve('connected'));
      anon.once('error', () => resolve('refused'));
      anon.once('close', () => resolve('refused'));
    });
    anon.end(true);
    expect(outcome).toBe('refused');
  });

  it('a station key readable by others is refused with the fix to make', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bonin-tls-key-'));
    writeFileSync(join(dir, 'k.key'), 'not really a key');
    chmodSync(join(dir, 'k.key'), 0o644);
    const outbox = new Outbox(openDatabase(':memory:'), 'S');
    expect(() => new Uplink(outbox, {
      station: 'S', broker: 'mqtts://127.0.0.1:1', protocolVersion: 5, inFlight: 1, resendAfterMs: 1000, keepaliveS: 10, clock: systemClock,
      log: createLogger({ level: 'silent' }), tls: { key: join(dir, 'k.key') },
    })).toThrow(/chmod 600/);
  });
});
