// `bonin sim`: the hardware simulator alone, for a gateway started separately
// (`bonin run --config …` with the printed device path as the sensor's port).
import { ScaledClock } from '../../core/index.ts';
import { describeSimulation, startSimulation } from '../../hw-sim/index.ts';

export interface SimOptions { scenario: 'trade-wind' | 'nyc-replay'; expose: 'pty' | 'tcp'; speed: number; clock?: string; dir?: string; mode: 'automatic' | 'polled'; device?: string[]; cameras?: number }

export async function runSim(opts: SimOptions): Promise<void> {
  const clock = opts.clock ? ScaledClock.fromSpec(opts.clock) : new ScaledClock({ speed: opts.speed });
  const devices = (opts.device?.length ? opts.device : ['vaisala-wxt530']).map((kind) => ({ kind, options: kind === 'vaisala-wxt530' ? { mode: opts.mode } : {} }));
  const cameras = Array.from({ length: opts.cameras ?? 0 }, (_, i) => ({ name: `Sim camera ${i + 1}`, user: 'admin', password: 'bonin-sim' }));
  const sim = await startSimulation({ clock, scenario: opts.scenario, expose: opts.expose, dir: opts.dir, devices, cameras });
  process.stdout.write(`${describeSimulation(sim)}\n`);
  if (cameras.length) process.stdout.write('cameras: user admin, password bonin-sim\n');
  process.stdout.write(`clock: ${clock.toSpec()} (pass --clock ${clock.toSpec()} to \`bonin run\` to share it)\nCtrl-C to stop.\n`);
  const stop = async () => {
    await sim.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}
