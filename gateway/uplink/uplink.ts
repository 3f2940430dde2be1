// The uplink: reads only the outbox, publishes batches over MQTT 5, and deletes a batch only
// when the central system's ack names it. Delivery is at least once: a batch not acked
// within `resendAfterMs` goes again; the receiver drops duplicates by (station, seq).
// Broker down or unreachable is normal here (a satellite link): mqtt.js keeps reconnecting,
// the outbox keeps growing on disk, and nothing is dropped.
import { EventEmitter } from 'node:events';
import mqtt, { type MqttClient } from 'mqtt';
import { decodeAck, topics, WIRE_VERSION, type Clock, type Timer } from '../../core/index.ts';
import type { Outbox } from '../store/outbox.ts';
import { RateLimitedLog, type Logger } from '../log.ts';

export interface UplinkOptions {
  station: string;
  broker: string;
  protocolVersion: 4 | 5;
  username?: string;
  password?: string;
  inFlight: number;
  resendAfterMs: number;
  keepaliveS: number;
  clock: Clock;
  log: Logger;
  /** extra fields for the retained status message */
  status?: () => Record<string, unknown>;
}

export class Uplink extends EventEmitter {
  private client: MqttClient | null = null;
  private readonly inFlight = new Map<number, number>(); // seq → clock time sent
  private readonly topics;
  private timer: Timer | null = null;
  private readonly warn: RateLimitedLog;
  lastAckAt: number | null = null;

  constructor(private readonly outbox: Outbox, private readonly opts: UplinkOptions) {
    super();
    this.topics = topics(opts.station);
    this.warn = new RateLimitedLog(opts.log, opts.clock);
  }

  get connected(): boolean {
    return this.client?.connected ?? false;
  }

  start(): void {
    const o = this.opts;
    const offline = JSON.stringify({ v: WIRE_VERSION, station: o.station, state: 'offline', ts: o.clock.now(), reason: 'connection lost' });
    this.client = mqtt.connect(o.broker, {
      protocolVersion: o.protocolVersion,
      clientId: `bonin-${o.station}`,
      clean: true,
      keepalive: o.keepaliveS,
      reconnectPeriod: 2000,
      connectTimeout: 15_000,
      username: o.username,
      password: o.password,
      will: { topic: this.topics.status, payload: Buffer.from(offline), qos: 1, retain: true },
    });
    this.client.on('connect', () => this.onConnect());
    this.client.on('message', (topic, payload) => {
      if (topic === this.topics.ack) this.onAck(payload);
    });
    this.client.on('error', (err) => this.warn.warn('mqtt-error', { broker: o.broker, err: err.message }, 'uplink: broker error'));
    this.client.on('offline', () => {
      this.warn.warn('mqtt-offline', { broker: o.broker }, 'uplink: broker unreachable, batches wait in the outbox');
      this.emit('link', 'down');
    });
    this.timer = o.clock.every(Math.max(1000, o.resendAfterMs / 4), () => this.pump());
  }

  /**
   * Publish what the window allows: called when a batch is committed, on ack, periodically,
   * and after each (re)connect, when nothing in flight can be trusted to have arrived.
   */
  pump(afterReconnect = false): void {
    const client = this.client;
    if (!client?.connected) return;
    const now = this.opts.clock.now();
    const resendAfter = afterReconnect ? -Infinity : this.opts.resendAfterMs;
    // Batches unacked for too long (or acked under us) leave the window; `due` offers them again.
    for (const [seq, at] of this.inFlight) if (now - at >= resendAfter) this.inFlight.delete(seq);
    const rows = this.outbox.due(now, resendAfter, this.opts.inFlight - this.inFlight.size, new Set(this.inFlight.keys()));
    for (const row of rows) {
      this.inFlight.set(row.seq, now);
      client.publish(this.topics.obs, row.payload, { qos: 1 }, (err) => {
        if (err) this.warn.warn('publish', { seq: row.seq, err: err.message }, 'uplink: publish failed; will resend');
      });
    }
    this.outbox.markSent(rows.map((r) => r.seq), now);
    if (rows.length) this.emit('sent', rows.length);
  }

  publishStatus(state: 'online' | 'offline'): void {
    const body = { v: WIRE_VERSION, station: this.opts.station, state, ts: this.opts.clock.now(), ...(this.opts.status?.() ?? {}) };
    this.client?.publish(this.topics.status, JSON.stringify(body), { qos: 1, retain: true });
  }

  async stop(): Promise<void> {
    this.timer?.cancel();
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
    this.opts.log.info({ broker: this.opts.broker }, 'uplink: connected');
    this.emit('link', 'up');
    this.client!.subscribe(this.topics.ack, { qos: 1 }, (err) => {
      if (err) this.opts.log.error({ err: err.message }, 'uplink: cannot subscribe to acks');
      this.publishStatus('online');
      this.pump(true);
    });
  }

  private onAck(payload: Buffer): void {
    const ack = decodeAck(payload);
    if (!ack.ok || ack.value.station !== this.opts.station) {
      this.warn.warn('bad-ack', { error: ack.ok ? 'wrong station' : ack.error }, 'uplink: ignored an ack it cannot use');
      return;
    }
    const done = this.outbox.acknowledge(ack.value.seqs);
    for (const s of ack.value.seqs) this.inFlight.delete(s);
    this.lastAckAt = this.opts.clock.now();
    if (done.batches) this.emit('acked', done);
    this.pump();
  }
}
