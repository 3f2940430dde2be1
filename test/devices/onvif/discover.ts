// Child process of onvif-discovery.test.ts, run inside the test's network namespace: probe
// with discoverCameras (node-onvif's multicast WS-Discovery), then initialise each camera
// found through its announced XAddr; print one JSON line and exit.
import { discoverCameras } from '../../../drivers/onvif/index.ts';
import onvif from 'node-onvif';

const [timeoutMs, user, password] = [Number(process.argv[2] ?? 3000), process.argv[3] ?? '', process.argv[4] ?? ''];
try {
  const found = await discoverCameras({ timeoutMs });
  const models: string[] = [];
  for (const f of found) {
    const dev = new onvif.OnvifDevice({ xaddr: f.xaddr, user, pass: password });
    models.push((await dev.init()).Model);
  }
  process.stdout.write(`${JSON.stringify({ found, models })}\n`);
  process.exit(0);
} catch (e) {
  process.stdout.write(`${JSON.stringify({ error: (e as Error).message })}\n`);
  process.exit(1);
}
