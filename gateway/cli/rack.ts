// `bonin sim --rack SEED`: the mystery rack of issue 9 (hw-sim/rack.ts), for trying
// `bonin provision --port …` by hand. Prints the ports and what is really on each.
import { systemClock } from '../../core/index.ts';
import { describeRack, startRack } from '../../hw-sim/rack.ts';

export async function runRack(opts: { rack: string; dir?: string }): Promise<void> {
  const seed = Number(opts.rack);
  if (!Number.isInteger(seed)) throw new Error(`--rack needs an integer seed, got "${opts.rack}"`);
  const rack = await startRack(seed, systemClock, opts.dir ? { dir: opts.dir } : {});
  process.stdout.write(`${describeRack(rack)}\n`);
  process.stdout.write(`try: bonin provision --non-interactive --no-system-ports --port ${rack.slots.map((s) => s.path).join(' ')} …\nCtrl-C to stop.\n`);
  const stop = async () => {
    await rack.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}
