// ONVIF camera figures (issue 8), real node-onvif against the simulated camera on loopback:
//  - onvif_init_ms: OnvifDevice.init() (8 SOAP calls, WS-Security digest checked by the camera);
//  - onvif_snapshot_ms: OnvifCameraDriver.snapshot() end to end (Basic → 401 → Digest retry,
//    640 × 360 JPEG, SOI/EOI and full jpeg-js decode);
//  - onvif_jpeg_check_ms: inspectJpeg alone on that frame (the driver's share of a snapshot).
// Medians; the camera runs in the same process, so its SOAP/Digest work is included.
import onvif from 'node-onvif';
import { ScaledClock } from '../core/clock.ts';
import { inspectJpeg } from '../drivers/onvif/jpeg.ts';
import { OnvifCameraDriver } from '../drivers/onvif/driver.ts';
import { gradientJpeg } from '../hw-sim/devices/onvif-camera/picture.ts';
import { startSimCamera } from '../hw-sim/devices/onvif-camera/camera.ts';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;

export async function benchOnvif(rounds = 15) {
  const clock = new ScaledClock();
  const frame = gradientJpeg(640, 360);
  const cam = await startSimCamera({ name: 'bench', user: 'admin', password: 'kaze2026', clock, frame: () => frame });
  const init: number[] = [];
  const snap: number[] = [];
  const check: number[] = [];
  const driver = new OnvifCameraDriver({ id: 'bench', xaddr: cam.xaddr, user: 'admin', password: 'kaze2026', clock, intervalMs: 86_400_000, retries: 0 });
  try {
    for (let i = 0; i < rounds; i++) {
      const t = performance.now();
      await new onvif.OnvifDevice({ xaddr: cam.xaddr, user: 'admin', pass: 'kaze2026' }).init();
      init.push(performance.now() - t);
    }
    driver.start();
    for (let i = 0; i < 200 && driver.status.state !== 'online'; i++) await new Promise((r) => setTimeout(r, 50));
    for (let i = 0; i < rounds; i++) {
      const t = performance.now();
      await driver.snapshot();
      snap.push(performance.now() - t);
      const u = performance.now();
      inspectJpeg(frame);
      check.push(performance.now() - u);
    }
  } finally {
    await driver.stop();
    await cam.stop();
  }
  return {
    onvif_init_ms: round(median(init)),
    onvif_snapshot_ms: round(median(snap)),
    onvif_jpeg_check_ms: round(median(check)),
    onvif_frame_bytes: frame.length,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) process.stdout.write(`${JSON.stringify(await benchOnvif())}\n`);
