// Reference central receiver: subscribes to every station's obs topic (through a `$share`
// group when the broker offers shared subscriptions, so several receivers split the load),
// verifies each batch's checksum, stores it once, and acks it on the station's ack topic.
// It acks only after its own commit: the station deletes a batch on that ack.
import { EventEmitter } from 'node:events';
import mqtt, { type MqttClient } from 'mqtt';
import {
  ANY_STATION, commandPrivateKey, decodeBatch, decodeCompact, isCompact, newCommandId, resendReplySchema, signCommand, systemClock, toRanges, topics, WIRE_VERSION,
  type Clock, type CommandReply, type Decoded, type ObsBatch, type Timer,
} from '../../core/index.ts';
import { ReceiverStore } from './store.ts';
import { ANY_NOWCAST, NowcastTable } from './nowcast.ts';
import { ANY_IMAGE, ImageTable } from './images.ts';
import { wis2Notification, type Wis2Options } from './wis2.ts';

export interface ReceiverOptions {
  broker: string;
  dbPath: string;
  /** shared-subscription group; used only when the broker says it supports them */
  group?: string;
  clientId?: string;
  clock?: Clock;
  protocolVersion?: 4 | 5;
  onLog?: (msg: string) => void;
  /** ask every station for the seq ranges it lacks this often (clock ms); default never (call requestGaps) */
  gapRequestEveryMs?: number;
  /** mqtts://: CA, and the central system's client certificate and key (PEM contents) */
  tls?: { ca?: Buffer; cert?: Buffer; key?: Buffer };
  /** publish a WIS2 notification for each batch accepted (hw-sim/receiver/wis2.ts) */
  wis2?: Wis2Options;
  /** Ed25519 private key (PEM file path or inline PEM) signing the commands it sends (docs/commands.md); unset: sent unsigned, and stations refuse them */
  cmdKey?: string;
  /** lifetime of a signed command, clock ms (default 10 min) */
  cmdTtlMs?: number;
}

export class Receiver extends EventEmitter {
  readonly store: ReceiverStore;
  /** nowcasts received (hw-sim/receiver/nowcast.ts) */
  readonly nowcasts: NowcastTable;
  /** camera thumbnails and frames received (hw-sim/receiver/images.ts) */
  readonly images: ImageTable;
  private client: MqttClient | null = null;
  private readonly clock: Clock;
  private gapTimer: Timer | null = null;
  subscribedTo = '';

  constructor(private readonly opts: ReceiverOptions) {
    super();
    this.store = new ReceiverStore(opts.dbPath);
    this.nowcasts = new NowcastTable(this.store.db);
    this.images = new ImageTable(this.store.db);
    this.clock = opts.clock ?? systemClock;
    this.cmdKey = opts.cmdKey ? commandPrivateKey(opts.cmdKey) : null;
  }

  private readonly cmdKey: ReturnType<typeof commandPrivateKey> | null;

  /** A command for a station: signed when the receiver has a key (core/command.ts). */
  command(station: string, cmd: string, args: Record<string, unknown>): Record<string, unknown> {
    const now = this.clock.now();
    const ttlMs = this.opts.cmdTtlMs ?? 10 * 60_000;
    if (this.cmdKey) return signCommand({ station, cmd, args, now, ttlMs }, this.cmdKey);
    return { v: WIRE_VERSION, station, id: newCommandId(), cmd, args, issued: Math.round(now), expires: Math.round(now + ttlMs) };
  }

  /** Connect and subscribe; resolves once subscribed (mqtt.js keeps reconnecting after). */
  start(): Promise<void> {
    const log = this.opts.onLog ?? (() => {});
    this.client = mqtt.connect(this.opts.broker, {
      protocolVersion: this.opts.protocolVersion ?? 5,
      clientId: this.opts.clientId ?? `bonin-receiver-${process.pid}-${Math.random().toString(16).slice(2, 8)}`,
      clean: true,
      reconnectPeriod: 1000,
      ...(this.opts.tls ?? {}),
    });
    this.client.on('message', (topic, payload) => (topic.endsWith('/reply') ? this.onReply(topic, payload) : topic.endsWith('/nowcast') ? this.onNowcast(topic, payload) : topic.endsWith('/image') ? this.onImage(topic, payload) : this.onBatch(topic, payload)));
    if (this.opts.gapRequestEveryMs) this.gapTimer = this.clock.every(this.opts.gapRequestEveryMs, () => this.requestGaps());
    this.client.on('error', (err) => log(`receiver: ${err.message}`));
    return new Promise((resolve) => {
      this.client!.on('connect', (connack) => {
        // MQTT 5 brokers say whether they support shared subscriptions (absent = yes).
        const shared = this.opts.group && (this.opts.protocolVersion ?? 5) === 5 && connack.properties?.sharedSubscriptionAvailable !== false;
        this.subscribedTo = shared ? `$share/${this.opts.group}/${ANY_STATION.obs}` : ANY_STATION.obs;
        const reply = shared ? `$share/${this.opts.group}/${ANY_STATION.reply}` : ANY_STATION.reply;
        const nowcast = shared ? `$share/${this.opts.group}/${ANY_NOWCAST}` : ANY_NOWCAST;
        const image = shared ? `$share/${this.opts.group}/${ANY_IMAGE}` : ANY_IMAGE;
        this.client!.subscribe([this.subscribedTo, reply, nowcast, image], { qos: 1 }, (err) => {
          if (err) log(`receiver: subscribe failed: ${err.message}`);
          else resolve();
        });
      });
    });
  }

  /** JSON (debug) batches start with `{`; compact messages with their magic byte and carry many batches. */
  private decode(topic: string, payload: Buffer): Decoded<ObsBatch[]> {
    if (!isCompact(payload)) {
      const d = decodeBatch(payload);
      return d.ok ? { ok: true, value: [d.value] } : d;
    }
    const station = /^bonin\/v1\/([^/]+)\/obs$/.exec(topic)?.[1];
    if (!station) return { ok: false, error: `compact message on ${topic}, not a station obs topic` };
    const d = decodeCompact(station, payload);
    return d.ok ? { ok: true, value: d.batches } : d;
  }

  private onBatch(topic: string, payload: Buffer): void {
    const decoded = this.decode(topic, payload);
    if (!decoded.ok) {
      // A corrupted message is not acked: the station sends it again.
      this.store.bump('rejected');
      this.emit('rejected', { topic, error: decoded.error });
      return;
    }
    const batches = decoded.value;
    if (!batches.length) return;
    const station = batches[0]!.station;
    if (topics(station).obs !== topic || batches.some((b) => b.station !== station)) {
      this.store.bump('rejected');
      this.emit('rejected', { topic, error: `batch of station ${station} arrived on ${topic}` });
      return;
    }
    const now = this.clock.now();
    // One IMMEDIATE transaction (one fsync) for the whole message: a compact message carries
    // an hour, and several receivers may share the store (store.ts ObsStore).
    let outcomes: Array<'stored' | 'duplicate'>;
    try {
      outcomes = this.store.storeMessage(batches, now);
    } catch (err) {
      // Not committed (the shared file stayed locked past busy_timeout, a full disk…): not
      // acked either, so the station sends it again after its resend timeout.
      this.emit('store-error', { topic, error: (err as Error).message });
      return;
    }
    // One ack for the whole message, after the commits.
    // A compact message is acked by seq ranges (an hour of batches is one range); a JSON batch by its seq.
    const seqs = batches.map((b) => b.seq);
    const ack = isCompact(payload)
      ? { v: WIRE_VERSION, station, seqs: [], ranges: toRanges(seqs), ts: Math.round(now) }
      : { v: WIRE_VERSION, station, seqs, ts: Math.round(now) };
    this.client?.publish(topics(station).ack, JSON.stringify(ack), { qos: 1 });
    batches.forEach((b, i) => {
      // A duplicate was announced the first time; the WMO network gets each batch once.
      if (this.opts.wis2 && outcomes[i] === 'stored') {
        const n = wis2Notification(b, this.opts.wis2, now);
        this.client?.publish(n.topic, JSON.stringify(n.message), { qos: 1 });
      }
      this.emit(outcomes[i]!, b);
    });
  }

  /** A station's nowcast: stored once per (station, ts, model); a bad one is counted as rejected. */
  private onNowcast(topic: string, payload: Buffer): void {
    const out = this.nowcasts.accept(topic, payload, this.clock.now());
    if (!out.ok) {
      this.store.bump('rejected');
      this.emit('rejected', { topic, error: out.error });
      return;
    }
    this.emit('nowcast', out.nowcast, out.stored);
  }

  /** A station's camera image: stored once per (station, camera, ts, kind); a bad one is counted as rejected. */
  private onImage(topic: string, payload: Buffer): void {
    const out = this.images.accept(topic, payload, this.clock.now());
    if (!out.ok) {
      this.emit('rejected', { topic, error: out.error });
      return;
    }
    this.emit('image', out.header, out.stored);
  }

  /** Ask each station (or one) on its `cmd` topic for the seq ranges missing here. Returns what was asked. */
  requestGaps(only?: string): Record<string, Array<[number, number]>> {
    const asked: Record<string, Array<[number, number]>> = {};
    for (const station of only ? [only] : this.store.stations()) {
      const ranges = this.store.gaps(station);
      if (!ranges.length) continue;
      asked[station] = ranges;
      const cmd = this.command(station, 'resend', { ranges });
      this.client?.publish(topics(station).cmd, JSON.stringify(cmd), { qos: 1 });
    }
    return asked;
  }

  /**
   * A station's answer. To a resend: evicted and unknown ranges will never come; stop asking
   * for them. Every answer (accepted or refused) is also emitted as 'command-reply'.
   */
  private onReply(topic: string, payload: Buffer): void {
    let generic: CommandReply | null = null;
    try { generic = JSON.parse(payload.toString()) as CommandReply; } catch { /* counted below */ }
    if (generic && typeof generic === 'object' && typeof generic.ok === 'boolean' && topics(String(generic.station)).reply === topic) {
      this.emit('command-reply', generic);
      if (generic.cmd !== 'resend' || !generic.ok) return;
    }
    let parsed;
    try {
      parsed = resendReplySchema.safeParse(JSON.parse(payload.toString()));
    } catch {
      parsed = null;
    }
    if (!parsed?.success || topics(parsed.data.station).reply !== topic) {
      this.store.bump('rejected');
      return;
    }
    const r = parsed.data;
    const now = this.clock.now();
    this.store.settle(r.station, r.evicted, 'evicted', now);
    this.store.settle(r.station, r.unknown, 'unknown', now);
    this.emit('reply', r);
  }

  async stop(): Promise<void> {
    this.gapTimer?.cancel();
    await this.client?.endAsync(true);
    this.store.close();
  }
}
