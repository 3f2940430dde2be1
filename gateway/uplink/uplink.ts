// The uplink: reads only the outbox, publishes batches over MQTT, and deletes a batch only
// when the central system's ack names it. Delivery is at least once: a batch not acked
// within `resendAfterMs` goes again; the receiver drops duplicates by (station, seq).
// Broker down or unreachable is normal here (a satellite link): we reconnect with
// exponential backoff and jitter, the outbox keeps growing on disk, and nothing is dropped.
//
// On a link paid by the byte (docs/uplink.md): compact messages carry many batches each;
// the freshest minutes go first and the backlog drains behind them; a byte budget per hour
// and per day holds back what does not fit; the in-flight window bounds what a reconnect
// can send at once, so a long outage ends without a resend storm.
import { EventEmitter } from 'node:events';
import { readFileSync, statSync } from 'node:fs';
import mqtt, { type MqttClient } from 'mqtt';
import { MQTT_MEMORY_OPTIONS, unpinSmallBuffers } from './mqtt-memory.ts';
import {
  ackedSeqs, decodeAck, decodeBatch, encodeCompact, makeBatch, toRanges, topics, WIRE_VERSION,
  type BatchPart, type Clock, type ObsBatch, type Timer,
} from '../../core/index.ts';
import { resendFactor, type BacklogOrder, type DueRow, type Outbox } from '../store/outbox.ts';
import { RateLimitedLog, type Logger } from '../log.ts';
import { isDiskFull } from '../store/disk-full.ts';
import { Backoff } from './backoff.ts';
import { ByteBudget, publishBytes } from './budget.ts';

export type UplinkEncoding = 'compact' | 'json';

export interface UplinkOptions {
  station: string;
  /** a store write failed on a full disk: make room (StoreQuota.onDiskFull) */
  onDiskFull?: () => void;
  broker: string;
  protocolVersion: 4 | 5;
  username?: string;
  password?: string;
  /** messages sent and not yet acknowledged, at most */
  inFlight: number;
  /** and at most this many bytes of them (the link's bandwidth × round trip); null: no limit */
  inFlightBytes?: number | null;
  resendAfterMs: number;
  keepaliveS: number;
  clock: Clock;
  log: Logger;
  /** 'compact' (default) packs up to `maxMessageRecords` records a message; 'json' is one batch a message (debug) */
  encoding?: UplinkEncoding;
  maxMessageRecords?: number;
  backlogOrder?: BacklogOrder;
  /** an unsent batch younger than this is fresh: it goes before the backlog. Default 5 min */
  freshMs?: number;
  budgetPerHour?: number | null;
  budgetPerDay?: number | null;
  reconnectBaseMs?: number;
  reconnectCapMs?: number;
  /** extra fields for the retained status message */
  status?: () => Record<string, unknown>;
  /** TLS to the broker (mqtts://): the CA that signed the broker's certificate, and this station's own certificate and key */
  tls?: TlsFiles;
}

export interface TlsFiles { ca?: string; cert?: string; key?: string }

/** Read TLS files for mqtt.js; a private key anyone but its owner can read is refused (it is the station's identity). */
export function loadTls(files: TlsFiles): { ca?: Buffer; cert?: Buffer; key?: Buffer } {
  if (files.key) {
    const mode = statSync(files.key).mode & 0o777;
    if (mode & 0o077) throw new Error(`${files.key}: private key is readable by others (mode ${mode.toString(8)}); chmod 600 it`);
  }
  return {
    ...(files.ca ? { ca: readFileSync(files.ca) } : {}),
    ...(files.cert ? { cert: readFileSync(files.cert) } : {}),
    ...(files.key ? { key: readFileSync(files.key) } : {}),
  };
}

/**
 * `firstAt`: when the batch first went, if that was in this process (its ack can time the
 * station's clock; kept when the batch goes again); `sends`: how many times it went, this one
 * counted (the resend backoff)
 */
interface InFlight { at: number; msg: number; bytes: number; firstAt: number | null; sends: number }

const MIN_REAL_RECONNECT_MS = 200;

export class Uplink extends EventEmitter {
  private client: MqttClient | null = null;
  private readonly inFlight = new Map<number, InFlight>(); // seq → message it went in
  private readonly topics;
  private timer: Timer | null = null;
  private reconnectTimer: Timer | null = null;
  private stopping = false;
  private msgCounter = 0;
  private readonly warn: RateLimitedLog;
  private readonly backoff: Backoff;
  private readonly tls: ReturnType<typeof loadTls>;
  readonly budget: ByteBudget;
  lastAckAt: number | null = null;
  lastTickAt: number | null = null;
  /** for status and tests */
  readonly stats = { messages: 0, bytes: 0, heldByBudget: 0, reconnects: 0, ignoredAcks: 0, resendRequests: 0, corrupt: 0, diskFull: 0 };

  constructor(private readonly outbox: Outbox, private readonly opts: UplinkOptions) {
    super();
    this.topics = topics(opts.station);
    this.warn = new RateLimitedLog(opts.log, opts.clock);
    this.backoff = new Backoff({ baseMs: opts.reconnectBaseMs ?? 2000, capMs: opts.reconnectCapMs ?? 10 * 60_000 });
    // its counts may wait for the minute commit (Outbox deferBookkeeping): a power cut loses a minute of them
    this.budget = new ByteBudget({ perHour: opts.budgetPerHour, perDay: opts.budgetPerDay }, outbox.laterState);
    this.tls = opts.tls ? loadTls(opts.tls) : {};
  }

  get connected(): boolean {
    return this.client?.connected ?? false;
  }

  start(): void {
    const o = this.opts;
    const offline = JSON.stringify({ v: WIRE_VERSION, station: o.station, state: 'offline', ts: o.clock.now(), reason: 'connection lost' });
    unpinSmallBuffers(); // mqtt-packet's caches would pin Buffer pools (mqtt-memory.ts)
    this.client = mqtt.connect(o.broker, {
      ...MQTT_MEMORY_OPTIONS,
      protocolVersion: o.protocolVersion,
      clientId: `bonin-${o.station}`,
      clean: true,
      keepalive: o.keepaliveS,
      reconnectPeriod: 0, // ours: exponential backoff with jitter (scheduleReconnect)
      connectTimeout: 15_000,
      username: o.username,
      password: o.password,
      will: { topic: this.topics.status, payload: Buffer.from(offline), qos: 1, retain: true },
      ...this.tls,
      rejectUnauthorized: true,
    });
    this.client.on('connect', () => this.onConnect());
    this.client.on('message', (topic, payload) => this.safely(topic, () => {
      if (topic === this.topics.ack) this.onAck(payload);
      // Commands are checked and run by the signed command channel (gateway/commands/channel.ts).
      else if (topic === this.topics.cmd) this.emit('cmd', payload);
    }));
    this.client.on('error', (err) => this.warn.warn('mqtt-error', { broker: o.broker, err: err.message }, 'uplink: broker error'));
    this.client.on('close', () => {
      this.emit('link', 'down');
      this.scheduleReconnect();
    });
    this.timer = o.clock.every(Math.max(1000, o.resendAfterMs / 4), () => {
      this.lastTickAt = o.clock.now(); // the systemd watchdog checks that this timer turns
      this.pump();
    });
  }

  private scheduleReconnect(): void {
    if (this.stopping || this.reconnectTimer) return;
    // A real-time floor, as in drivers/transport: a broker does not answer faster because the
    // scenario clock runs at 60×, and a 2 s backoff must not become a busy loop against it.
    const delay = Math.max(this.backoff.next(), MIN_REAL_RECONNECT_MS * this.opts.clock.speed);
    this.warn.warn('mqtt-offline', { broker: this.opts.broker, retryInMs: Math.round(delay), failures: this.backoff.failures }, 'uplink: broker unreachable, batches wait in the outbox');
    this.reconnectTimer = this.opts.clock.after(delay, () => {
      this.reconnectTimer = null;
      if (this.stopping || !this.client || this.client.connected) return;
      this.stats.reconnects++;
      this.client.reconnect();
    });
  }

  private messagesInFlight(): { messages: number; bytes: number } {
    const msgs = new Map<number, number>();
    for (const f of this.inFlight.values()) msgs.set(f.msg, f.bytes);
    return { messages: msgs.size, bytes: [...msgs.values()].reduce((a, b) => a + b, 0) };
  }

  /**
   * Publish what the window and the budget allow: called when a batch is committed, on ack,
   * periodically, and after each (re)connect, when nothing in flight can be trusted to have
   * arrived (the window then goes again, and only the window).
   */
  pump(afterReconnect = false): void {
    this.safely('send', () => this.pumpNow(afterReconnect));
  }

  /**
   * The link's events write to the store (acks, sent marks, byte budgets). On a full disk a
   * write fails and its transaction rolls back, so nothing is half-done: the quota makes room
   * and the work is tried once more; if the disk is still full it waits for the next event
   * (an unrecorded ack comes again with the resend). A full disk never kills the gateway.
   */
  private safely(what: string, fn: () => void): void {
    try {
      fn();
    } catch (err) {
      if (!isDiskFull(err)) throw err;
      this.stats.diskFull++;
      this.opts.onDiskFull?.();
      try {
        fn();
      } catch (again) {
        if (!isDiskFull(again)) throw again;
        this.warn.warn('disk-full', { what }, 'uplink: disk full; will try again at the next event');
      }
    }
  }

  private pumpNow(afterReconnect: boolean): void {
    const client = this.client;
    if (!client?.connected) return;
    const o = this.opts;
    const now = o.clock.now();
    const resendAfter = afterReconnect ? -Infinity : o.resendAfterMs;
    // Batches unacked for too long (or acked under us) leave the window; `due` offers them again.
    // A batch leaving the window keeps its first send's time if it goes again now (a reconnect
    // resends at once what was in flight: a time probe sent as the link came up, say).
    const firstSent = new Map<number, number>();
    for (const [seq, f] of this.inFlight) {
      if (now - f.at < resendAfter * resendFactor(f.sends)) continue;
      this.inFlight.delete(seq);
      if (f.firstAt !== null) firstSent.set(seq, f.firstAt);
    }
    const perMsg = o.encoding === 'json' ? 1 : Math.max(1, o.maxMessageRecords ?? 60);
    let { messages, bytes: bytesInFlight } = this.messagesInFlight();
    const slots = o.inFlight - messages;
    if (slots <= 0) return;
    const rows = this.outbox.due(now, resendAfter, Math.min(5000, slots * perMsg), new Set(this.inFlight.keys()), { freshMs: o.freshMs, order: o.backlogOrder });
    const sent: number[] = [];
    for (const all of this.group(rows, perMsg)) {
      if (messages >= o.inFlight) break;
      const group = all.filter((r) => this.intact(r));
      if (!group.length) continue;
      // JSON goes exactly as stored (its sha256 is checked at the receiver); compact is built from it.
      const payload = o.encoding === 'json' ? Buffer.from(group[0]!.payload) : this.encode(group.map(partOf));
      const wire = publishBytes(this.topics.obs, payload.length, o.protocolVersion);
      if (o.inFlightBytes && messages > 0 && bytesInFlight + wire > o.inFlightBytes) break;
      if (this.budget.left(now) < wire) {
        this.stats.heldByBudget++;
        this.warn.warn('budget', { ...this.budget.usage(now), waiting: rows.length - sent.length }, 'uplink: byte budget spent; batches wait for the next hour');
        break;
      }
      const msg = ++this.msgCounter;
      for (const r of group) this.inFlight.set(r.seq, { at: now, msg, bytes: wire, firstAt: r.attempts === 0 ? now : (firstSent.get(r.seq) ?? null), sends: r.attempts + 1 });
      this.publish(this.topics.obs, payload, wire, now, group.map((r) => r.seq));
      sent.push(...group.map((r) => r.seq));
      messages++;
      bytesInFlight += wire;
    }
    this.outbox.markSent(sent, now);
    if (sent.length) this.emit('sent', sent.length);
  }

  /**
   * Fresh batches in their own message(s) first, then the backlog, `perMsg` records at most each.
   * The latest 10-min / hourly aggregates ride in the batch of the minute that closes them
   * (Outbox.commitMinutes), so they are fresh too: no class of their own is needed.
   */
  private group(rows: DueRow[], perMsg: number): DueRow[][] {
    const out: DueRow[][] = [];
    for (const cls of [rows.filter((r) => r.fresh), rows.filter((r) => !r.fresh)]) {
      // Compact messages want ascending seqs (delta coding); newest-first order is kept between messages.
      let cur: DueRow[] = [];
      let n = 0;
      for (const r of cls) {
        if (cur.length && n + r.n_records > perMsg) { out.push(cur.sort((a, b) => a.seq - b.seq)); cur = []; n = 0; }
        cur.push(r);
        n += r.n_records;
      }
      if (cur.length) out.push(cur.sort((a, b) => a.seq - b.seq));
    }
    return out;
  }

  /**
   * A stored batch whose checksum no longer matches (disk corruption) is not re-encoded into
   * a valid-looking message: it stays in the outbox, is counted and logged, and a gap request
   * from the central system will show it.
   */
  private intact(r: DueRow): boolean {
    if (this.opts.encoding === 'json') return true;
    const ok = decodeBatch(r.payload).ok;
    if (!ok) {
      this.stats.corrupt++;
      this.outbox.markSent([r.seq], this.opts.clock.now());
      this.warn.warn('corrupt', { seq: r.seq }, 'uplink: a stored batch fails its checksum; not sent');
    }
    return ok;
  }

  private encode(parts: BatchPart[]): Buffer {
    if (this.opts.encoding === 'json') {
      const p = parts[0]!;
      return Buffer.from(JSON.stringify(makeBatch(this.opts.station, p.seq, p.created, p.records)));
    }
    return encodeCompact(this.opts.station, parts);
  }

  private publish(topic: string, payload: Buffer | string, wire: number, now: number, seqs: number[] = []): void {
    this.budget.spend(wire, now);
    this.stats.messages++;
    this.stats.bytes += wire;
    this.client?.publish(topic, payload, { qos: 1 }, (err) => {
      if (err) this.warn.warn('publish', { seqs: toRanges(seqs), err: err.message }, 'uplink: publish failed; will resend');
    });
  }

  /** Status goes first of all classes; it is skipped (not queued: the next one replaces it) only when the budget is spent. */
  publishStatus(state: 'online' | 'offline'): void {
    this.safely('status', () => this.publishStatusNow(state));
  }

  private publishStatusNow(state: 'online' | 'offline'): void {
    const now = this.opts.clock.now();
    // With a status provider (the station's health, compact), the uplink's own figures are in it.
    const body = JSON.stringify({ v: WIRE_VERSION, station: this.opts.station, state, ts: Math.round(now), ...(this.opts.status ? this.opts.status() : { uplink: this.figures(now) }) });
    const wire = publishBytes(this.topics.status, Buffer.byteLength(body), this.opts.protocolVersion);
    if (!this.client?.connected || this.budget.left(now) < wire) return;
    this.budget.spend(wire, now);
    this.client.publish(this.topics.status, body, { qos: 1, retain: true });
  }

  /**
   * A message outside the outbox on its own topic, QoS 1: a nowcast (issue #7), a camera
   * thumbnail or frame (issue #8). No seq, no central ack: the caller keeps it in its own
   * table and marks it sent on the broker's PUBACK (`done(true)`). Refused (false) when
   * offline or when it does not fit the byte budget; the caller tries again later.
   */
  publishDirect(kind: 'nowcast' | 'image', body: string | Buffer, done: (ok: boolean) => void): boolean {
    const now = this.opts.clock.now();
    const topic = this.topics[kind];
    const wire = publishBytes(topic, Buffer.byteLength(body), this.opts.protocolVersion);
    if (!this.client?.connected || this.budget.left(now) < wire) return false;
    let spent = false;
    this.safely(kind, () => {
      this.budget.spend(wire, now);
      spent = true;
    });
    if (!spent) return false; // disk full: the caller keeps it unsent and tries later
    this.stats.messages++;
    this.stats.bytes += wire;
    this.client.publish(topic, body, { qos: 1 }, (err) => done(!err));
    return true;
  }

  figures(now = this.opts.clock.now()) {
    return { ...this.stats, encoding: this.opts.encoding ?? 'compact', in_flight: this.inFlight.size, budget: this.budget.usage(now) };
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.timer?.cancel();
    this.reconnectTimer?.cancel();
    try {
      this.budget.persist(this.opts.clock.now());
    } catch (err) {
      this.opts.log.warn({ err: (err as Error).message }, 'uplink: could not save the byte budget counts on the way out');
    }
    const client = this.client;
    if (!client) return;
    if (client.connected) {
      await new Promise<void>((resolve) => {
        const body = { v: WIRE_VERSION, station: this.opts.station, state: 'offline', ts: this.opts.clock.now(), reason: 'stopped' };
        client.publish(this.topics.status, JSON.stringify(body), { qos: 1, retain: true }, () => resolve());
        setTimeout(resolve, 1000);
      });
    }
    await client.endAsync(true);
  }

  private onConnect(): void {
    this.backoff.reset();
    this.opts.log.info({ broker: this.opts.broker }, 'uplink: connected');
    this.emit('link', 'up');
    this.client!.subscribe([this.topics.ack, this.topics.cmd], { qos: 1 }, (err) => {
      if (err) this.opts.log.error({ err: err.message }, 'uplink: cannot subscribe to acks and commands');
      this.publishStatus('online');
      this.pump(true);
    });
  }

  private onAck(payload: Buffer): void {
    const ack = decodeAck(payload);
    if (!ack.ok || ack.value.station !== this.opts.station) {
      this.stats.ignoredAcks++;
      this.warn.warn('bad-ack', { error: ack.ok ? 'wrong station' : ack.error }, 'uplink: ignored an ack it cannot use');
      return;
    }
    // Duplicate acks and acks for seqs we do not hold change nothing (acknowledge ignores them).
    const seqs = ackedSeqs(ack.value);
    // The central system's clock when it acked: a time source for a station without one
    // (gateway/time/), with the time since the acked batches first went in this process (null:
    // none of ours). The first send, not the last: the broker keeps acks for a station that was
    // away and hands them over when it is back, hours old, just after the window went again;
    // timed to that resend they would look fresh and drag the clock back by the outage. Timed to
    // the first send they show their age, and the station takes only short round trips.
    let sentAt: number | null = null;
    for (const q of seqs) {
      const first = this.inFlight.get(q)?.firstAt ?? null;
      if (first !== null && (sentAt === null || first > sentAt)) sentAt = first;
    }
    this.emit('ack-time', ack.value.ts, sentAt === null ? null : this.opts.clock.now() - sentAt);
    const done = this.outbox.acknowledge(seqs);
    for (const s of seqs) this.inFlight.delete(s);
    this.lastAckAt = this.opts.clock.now();
    if (done.batches) this.emit('acked', done);
    this.pump();
  }

  /**
   * Batches rebuilt for a gap request (gateway/commands/resend.ts) go now, in messages of the
   * usual size: the central system asked, they are the gap it sees. They are not in the
   * outbox, so their acks are harmless no-ops. Returns how many went (the budget may stop it).
   */
  sendAgain(parts: BatchPart[]): number {
    this.stats.resendRequests++;
    const now = this.opts.clock.now();
    const perMsg = this.opts.encoding === 'json' ? 1 : Math.max(1, this.opts.maxMessageRecords ?? 60);
    let sent = 0;
    this.safely('resend', () => {
      for (let i = sent; i < parts.length; i += perMsg) {
        const group = parts.slice(i, i + perMsg);
        const payloadOut = this.encode(group);
        const wire = publishBytes(this.topics.obs, payloadOut.length, this.opts.protocolVersion);
        if (!this.client?.connected) break;
        if (this.budget.left(now) < wire) { this.stats.heldByBudget++; break; }
        this.publish(this.topics.obs, payloadOut, wire, now, group.map((p) => p.seq));
        sent += group.length;
      }
    });
    this.pump();
    return sent;
  }

  /** An answer to a command on `reply` (gateway/commands/channel.ts); `done(false)` when it cannot go. */
  publishReply(body: string, done: (ok: boolean) => void): void {
    const now = this.opts.clock.now();
    if (!this.client?.connected) { done(false); return; }
    const wire = publishBytes(this.topics.reply, Buffer.byteLength(body), this.opts.protocolVersion);
    this.safely('reply', () => this.budget.spend(wire, now));
    this.stats.messages++;
    this.stats.bytes += wire;
    this.client.publish(this.topics.reply, body, { qos: 1 }, (err) => done(!err));
  }
}

function partOf(r: DueRow): BatchPart {
  const b = JSON.parse(r.payload) as ObsBatch;
  return { seq: b.seq, created: b.created, records: b.records };
}
