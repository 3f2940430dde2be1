// `bonin receiver`: the reference central receiver (hw-sim/receiver), for tests and demos.
import { Receiver } from '../../hw-sim/receiver/index.ts';

export async function runReceiver(opts: { broker: string; db: string; group: string }): Promise<void> {
  const receiver = new Receiver({ broker: opts.broker, dbPath: opts.db, group: opts.group, onLog: (m) => process.stderr.write(`${m}\n`) });
  receiver.on('rejected', (r: { topic: string; error: string }) => process.stderr.write(`receiver: rejected a batch on ${r.topic}: ${r.error}\n`));
  await receiver.start();
  process.stdout.write(`receiver: subscribed to ${receiver.subscribedTo} on ${opts.broker}, storing in ${opts.db}\n`);
  const report = setInterval(() => process.stdout.write(`receiver: ${JSON.stringify(receiver.store.counts())}\n`), 10_000);
  const stop = async () => {
    clearInterval(report);
    await receiver.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}
