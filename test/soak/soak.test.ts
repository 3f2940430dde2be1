// The short soak in `npm test`: one simulated day at 720× (two real minutes) with every
// fault of the full run (test/soak/faults.ts) — a sensor unplugged, garbage bytes, the broker
// and the satellite link down, the gateway restarted and killed. `npm run soak` runs 30 days.
import { describe, expect, it } from 'vitest';
import { soakFailures } from './checks.ts';
import { runSoak } from './soak.ts';

describe('soak (short: 1 simulated day)', () => {
  it('memory flat, disk within its caps, every minute at the receiver once, through every kind of fault', async () => {
    const report = await runSoak({ days: 1, speed: 720, tmpfsMb: 96, log: () => {} });
    console.log(JSON.stringify({ soak: 'short', ...report }));
    for (const kind of ['unplug', 'noise-on', 'broker-down', 'link-down', 'restart', 'kill']) expect(report.faults[kind], kind).toBeGreaterThan(0);
    expect(soakFailures(report)).toEqual([]);
  }, 20 * 60_000);
});
