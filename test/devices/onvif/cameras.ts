// Child process of onvif-discovery.test.ts, run inside the test's network namespace: start
// simulated ONVIF cameras answering WS-Discovery on the multicast group, print one JSON line
// `{ "ready": [{ name, xaddr, urn }] }`, and run until SIGTERM or stdin closes.
import { ScaledClock } from '../../../core/clock.ts';
import { startSimCamera, type SimCamera } from '../../../hw-sim/devices/onvif-camera/index.ts';

const specs = JSON.parse(process.argv[2] ?? '[]') as Array<{ name: string; user: string; password: string; model?: string }>;
const clock = new ScaledClock();
const cams: SimCamera[] = [];
const stop = async () => {
  for (const c of cams) await c.stop();
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
process.stdin.on('close', () => void stop());
process.stdin.resume();
try {
  for (const s of specs) cams.push(await startSimCamera({ ...s, clock, discovery: true }));
  process.stdout.write(`${JSON.stringify({ ready: cams.map((c) => ({ name: c.name, xaddr: c.xaddr, urn: c.urn })) })}\n`);
} catch (e) {
  process.stdout.write(`${JSON.stringify({ error: (e as Error).message })}\n`);
  await stop();
}
