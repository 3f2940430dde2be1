// WXT530 polled aR messages against the twin over a real PTY: aR1/aR2/aR3/aR5 one by one, and
// the CRC forms (ar1…), which the device answers only when the command carries its CRC.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock, type Observation, type Rejection } from '../../core/index.ts';
import { createTransport, Wxt530Driver } from '../../drivers/index.ts';
import { waitUntil } from '../../drivers/transport/testing/wait.ts';
import { exposePty, hasSocat, Wxt530Twin } from '../../hw-sim/index.ts';
import { constantScenario } from '../../hw-sim/devices/testing.ts';

const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

describe.skipIf(!hasSocat())('WXT530 polled aR messages over a real PTY', () => {
  for (const crc of [false, true]) {
    it(`${crc ? 'ar1/ar2/ar3/ar5 with CRC' : 'aR1/aR2/aR3/aR5'}: every message answered and parsed`, async () => {
      const twin = new Wxt530Twin({ clock: systemClock, scenario: constantScenario({ air_pressure: 1008.04 }), mode: crc ? 'p' : 'P' });
      const exposure = await exposePty(twin, { dir: mkdtempSync(join(tmpdir(), 'bonin-wxtp-')) });
      twin.start();
      const driver = new Wxt530Driver({ sensor: 'wxt', clock: systemClock, mode: 'polled', crc, pollIntervalMs: 300, pollMessages: ['1', '2', '3', '5'], transport: createTransport(exposure.path, { clock: systemClock, baudRate: 19200 }) });
      const obs: Observation[] = [];
      const rej: Rejection[] = [];
      const texts: string[] = [];
      driver.on('observations', (o: Observation[]) => obs.push(...o));
      driver.on('rejection', (r: Rejection) => rej.push(r));
      driver.on('message', (m: { kind: string; text?: string }) => m.kind === 'text' && texts.push(m.text ?? ''));
      cleanup.push(() => twin.stop(), () => exposure.close(), () => driver.stop());
      driver.start();
      await waitUntil(() => ['wind_speed', 'air_pressure', 'precipitation_amount_since_reset', 'supply_voltage'].every((q) => obs.some((o) => o.quantity === q)), 4000, 'all four messages');
      expect(obs.find((o) => o.quantity === 'air_pressure')!.value).toBe(1008);
      expect(texts).toEqual([]); // no "Use chksum" reply: the CRC polls were right
      expect(rej).toEqual([]);
    });
  }
});
