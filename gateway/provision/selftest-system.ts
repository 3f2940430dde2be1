// Self-test of what is not a sensor: the broker and a real round trip to the central
// receiver's ack, the clock, the disk. Each check says what to do when it fails.
//
// The round trip publishes one JSON batch (sensor `selftest`) as station `<id>-selftest` on
// that station's obs topic and waits for the receiver's ack naming its seq. A separate
// station id, because the receiver keeps each station's seqs: a test batch under the real id
// would take a seq the gateway will use for real data. The receiver needs no change for it.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statfsSync } from 'node:fs';
import { dirname } from 'node:path';
import mqtt from 'mqtt';
import { ackedSeqs, decodeAck, makeBatch, topics } from '../../core/index.ts';
import type { StationConfig } from '../config/schema.ts';
import type { Verdict } from './selftest-sensors.ts';

export interface CheckResult {
  item: string;
  verdict: Verdict;
  detail: string;
  advice?: string;
  /** measured, e.g. round trip ms */
  figures?: Record<string, number>;
}

export const selfTestStation = (id: string) => `${id}-selftest`;

export async function checkBroker(config: StationConfig, timeoutMs = 10_000): Promise<CheckResult[]> {
  const u = config.uplink;
  const tls = u.tls ? {
    ...(u.tls.ca_file ? { ca: readFileSync(u.tls.ca_file) } : {}),
    ...(u.tls.cert_file ? { cert: readFileSync(u.tls.cert_file) } : {}),
    ...(u.tls.key_file ? { key: readFileSync(u.tls.key_file) } : {}),
  } : {};
  const password = u.password_file && existsSync(u.password_file) ? readFileSync(u.password_file, 'utf8').trim() : undefined;
  const station = selfTestStation(config.station.id);
  const t = topics(station);
  const started = Date.now();
  const client = mqtt.connect(u.broker, {
    protocolVersion: u.protocol_version, clientId: `bonin-provision-${process.pid}`, clean: true, reconnectPeriod: 0,
    connectTimeout: timeoutMs, ...(u.username ? { username: u.username } : {}), ...(password ? { password } : {}), ...tls,
  });
  client.on('error', () => {});
  const out: CheckResult[] = [];
  try {
    const connected = await new Promise<string | null>((resolve) => {
      const timer = setTimeout(() => resolve(`no answer within ${timeoutMs / 1000} s`), timeoutMs);
      client.once('connect', () => { clearTimeout(timer); resolve(null); });
      client.once('error', (e) => { clearTimeout(timer); resolve(e.message); });
      client.once('close', () => { clearTimeout(timer); resolve('connection closed by the broker or the network'); });
    });
    if (connected) {
      out.push({ item: 'broker connection', verdict: 'fail', detail: `${u.broker}: ${connected}`, advice: 'check the broker address and port, the network link (satellite modem up? routes?), and for mqtts:// the certificate (signed by the centre?) and the CA' });
      out.push({ item: 'receiver round trip', verdict: 'fail', detail: 'not tried: no broker connection', advice: 'fix the broker connection first' });
      return out;
    }
    out.push({ item: 'broker connection', verdict: 'pass', detail: `${u.broker} connected in ${Date.now() - started} ms`, figures: { connect_ms: Date.now() - started } });
    const seq = 1;
    const now = Date.now();
    const batch = makeBatch(station, seq, now, [{ ts: now - (now % 60_000), sensor: 'selftest', values: { air_temperature: { v: 25, f: 'good', n: 1 } } }]);
    const acked = new Promise<number | null>((resolve) => {
      const timer = setTimeout(() => resolve(null), timeoutMs);
      client.on('message', (topic, payload) => {
        const a = topic === t.ack ? decodeAck(payload) : null;
        if (a?.ok && ackedSeqs(a.value).includes(seq)) {
          clearTimeout(timer);
          resolve(Date.now());
        }
      });
    });
    await client.subscribeAsync(t.ack, { qos: 1 });
    const sent = Date.now();
    await client.publishAsync(t.obs, JSON.stringify(batch), { qos: 1 });
    const at = await acked;
    if (at === null) out.push({ item: 'receiver round trip', verdict: 'fail', detail: `no ack on ${t.ack} within ${timeoutMs / 1000} s`, advice: `no ack from the receiver within ${timeoutMs / 1000} s: check the broker address and that the central receiver is running (it must subscribe to bonin/v1/+/obs)` });
    else out.push({ item: 'receiver round trip', verdict: 'pass', detail: `test batch on ${t.obs} acked in ${at - sent} ms`, figures: { round_trip_ms: at - sent } });
    return out;
  } finally {
    await client.endAsync(true).catch(() => {});
  }
}

/** The clock: a sane year, and synchronised (systemd-timesyncd / chrony via timedatectl). */
export function checkClock(now = new Date()): CheckResult {
  const year = now.getUTCFullYear();
  if (year < 2025 || year > 2100) {
    return { item: 'clock', verdict: 'fail', detail: `the clock says ${now.toISOString()}`, advice: 'the board has no battery-backed clock or it was never set: set it (date -s, or a GPS/NTP source) before starting the gateway; every timestamp depends on it' };
  }
  let synced: string | null = null;
  try {
    synced = execFileSync('timedatectl', ['show', '-p', 'NTPSynchronized', '--value'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 5000 }).trim();
  } catch {
    synced = existsSync('/run/systemd/timesync/synchronized') ? 'yes' : null;
  }
  if (synced === 'yes') return { item: 'clock', verdict: 'pass', detail: `${now.toISOString()}, synchronised (NTP)` };
  return {
    item: 'clock', verdict: 'warn', detail: `${now.toISOString()}, ${synced === null ? 'synchronisation unknown (no timedatectl)' : 'not synchronised'}`,
    advice: 'check that an NTP server is reachable over the uplink (timedatectl timesync-status) or that the GPS time source runs; compare with a watch now',
  };
}

/** Free space where the store goes, against its quota (or 1 GB when it has none). */
export function checkDisk(config: StationConfig): CheckResult {
  const dir = dirname(config.storage.path);
  mkdirSync(dir, { recursive: true });
  const s = statfsSync(dir);
  const freeMb = Math.floor((s.bavail * s.bsize) / 1048576);
  const needMb = (config.storage.quota_mb ?? 1024) + config.storage.reserve_mb;
  const figures = { free_mb: freeMb, needed_mb: needMb };
  if (freeMb >= needMb) return { item: 'disk', verdict: 'pass', detail: `${freeMb} MB free in ${dir}, ${needMb} MB needed (quota + reserve)`, figures };
  return { item: 'disk', verdict: 'fail', detail: `${freeMb} MB free in ${dir}, ${needMb} MB needed`, advice: `free space in ${dir}, or set storage.quota_mb below ${Math.max(1, freeMb - config.storage.reserve_mb)} MB (the store then keeps less history through long outages)`, figures };
}
