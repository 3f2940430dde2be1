// Reference central receiver: subscribes to every station's obs topic (through a `$share`
// group when the broker offers shared subscriptions, so several receivers split the load),
// verifies each batch's checksum, stores it once, and acks it on the station's ack topic.
// It acks only after its own commit: the station deletes a batch on that ack.
import { EventEmitter } from 'node:events';
import mqtt, { type MqttClient } from 'mqtt';
import { ANY_STATION, decodeBatch, systemClock, topics, WIRE_VERSION, type Clock } from '../../core/index.ts';
import { ReceiverStore } from './store.ts';

export interface ReceiverOptions {
  broker: string;
  dbPath: string;
  /** shared-subscription group; used only when the broker says it supports them */
  group?: string;
  clientId?: string;
  clock?: Clock;
  protocolVersion?: 4 | 5;
  onLog?: (msg: string) => void;
}

export class Receiver extends EventEmitter {
  readonly store: ReceiverStore;
  private client: MqttClient | null = null;
  private readonly clock: Clock;
  subscribedTo = '';

  constructor(private readonly opts: ReceiverOptions) {
    super();
    this.store = new ReceiverStore(opts.dbPath);
    this.clock = opts.clock ?? systemClock;
  }

  /** Connect and subscribe; resolves once subscribed (mqtt.js keeps reconnecting after). */
  start(): Promise<void> {
    const log = this.opts.onLog ?? (() => {});
    this.client = mqtt.connect(this.opts.broker, {
      protocolVersion: this.opts.protocolVersion ?? 5,
      clientId: this.opts.clientId ?? `bonin-receiver-${process.pid}-${Math.random().toString(16).slice(2, 8)}`,
      clean: true,
      reconnectPeriod: 1000,
    });
    this.client.on('message', (topic, payload) => this.onBatch(topic, payload));
    this.client.on('error', (err) => log(`receiver: ${err.message}`));
    return new Promise((resolve) => {
      this.client!.on('connect', (connack) => {
        // MQTT 5 brokers say whether they support shared subscriptions (absent = yes).
        const shared = this.opts.group && (this.opts.protocolVersion ?? 5) === 5 && connack.properties?.sharedSubscriptionAvailable !== false;
        this.subscribedTo = shared ? `$share/${this.opts.group}/${ANY_STATION.obs}` : ANY_STATION.obs;
        this.client!.subscribe(this.subscribedTo, { qos: 1 }, (err) => {
          if (err) log(`receiver: subscribe failed: ${err.message}`);
          else resolve();
        });
      });
    });
  }

  private onBatch(topic: string, payload: Buffer): void {
    const decoded = decodeBatch(payload);
    if (!decoded.ok) {
      // A corrupted batch is not acked: the station sends it again.
      this.store.bump('rejected');
      this.emit('rejected', { topic, error: decoded.error });
      return;
    }
    const batch = decoded.value;
    if (topics(batch.station).obs !== topic) {
      this.store.bump('rejected');
      this.emit('rejected', { topic, error: `batch of station ${batch.station} arrived on ${topic}` });
      return;
    }
    const now = this.clock.now();
    const outcome = this.store.store(batch, now);
    const ack = { v: WIRE_VERSION, station: batch.station, seqs: [batch.seq], ts: Math.round(now) };
    this.client?.publish(topics(batch.station).ack, JSON.stringify(ack), { qos: 1 });
    this.emit(outcome, batch);
  }

  async stop(): Promise<void> {
    await this.client?.endAsync(true);
    this.store.close();
  }
}
