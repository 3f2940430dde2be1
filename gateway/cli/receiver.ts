// `bonin receiver`: the reference central receiver (hw-sim/receiver), for tests and demos.
// Several can run at once on one broker and one database file (issue 11): the broker's
// shared subscription (`--group`) gives each message to one of them, the shared SQLite file
// (`--db`, WAL) de-duplicates across them; docs/deploy-central.md.
import { Receiver } from '../../hw-sim/receiver/index.ts';

export interface ReceiverCliOptions { broker: string; db: string; group: string; clientId?: string; reportEvery?: number; gapRequestEvery?: number; cmdKey?: string }

export async function runReceiver(opts: ReceiverCliOptions): Promise<void> {
  const receiver = new Receiver({
    broker: opts.broker, dbPath: opts.db, group: opts.group, clientId: opts.clientId,
    gapRequestEveryMs: opts.gapRequestEvery ? opts.gapRequestEvery * 1000 : undefined,
    onLog: (m) => process.stderr.write(`${m}\n`),
    cmdKey: opts.cmdKey, // signs gap requests (docs/commands.md)
  });
  receiver.on('rejected', (r: { topic: string; error: string }) => process.stderr.write(`receiver: rejected a batch on ${r.topic}: ${r.error}\n`));
  receiver.on('store-error', (r: { topic: string; error: string }) => process.stderr.write(`receiver: could not store a message on ${r.topic} (not acked; the station resends): ${r.error}\n`));
  await receiver.start();
  process.stdout.write(`receiver: subscribed to ${receiver.subscribedTo} on ${opts.broker}, storing in ${opts.db}\n`);
  const report = setInterval(() => process.stdout.write(`receiver: ${JSON.stringify(receiver.store.counts())}\n`), (opts.reportEvery ?? 10) * 1000);
  const stop = async () => {
    clearInterval(report);
    await receiver.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}
