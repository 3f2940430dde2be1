// Chaos (2) broker restarts and (3) link flapping, each while minutes are committed and
// uploaded through the satellite-link simulator to a real Mosquitto. After each storm the
// backlog drains and every committed record is at the receiver, once.
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../core/index.ts';
import { waitFor } from '../helpers/wait.ts';
import { audit, type Committed } from './audit.ts';
import { minute } from './records.ts';
import { startLinkRig, STN } from './rig.ts';
import { report, rng, SCALE, sleep } from './scale.ts';

const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

async function storm(name: string, seed: number, hit: (rig: Awaited<ReturnType<typeof startLinkRig>>, random: () => number) => Promise<void>) {
  const random = rng(seed);
  const rig = await startLinkRig({ clock: systemClock });
  cleanup.push(() => rig.stop());
  rig.uplink.start();
  const committed: Committed[] = [];
  let stop = false;
  const ingest = (async () => {
    for (let i = 0; !stop; i++) {
      const r = minute(i);
      committed.push({ sensor: r.sensor, ts: r.ts, seq: rig.outbox.commitMinutes([r], Date.now()) });
      rig.uplink.pump();
      await sleep(15);
    }
  })();
  let hits = 0;
  const until = Date.now() + SCALE.stormMs;
  while (Date.now() < until) {
    await hit(rig, random);
    hits++;
    await sleep(100 + random() * 400);
  }
  stop = true;
  await ingest;
  const t = Date.now();
  await waitFor('the backlog to drain after the storm', () => rig.outbox.counts().outboxBatches === 0, 60_000);
  const a = audit(rig.receiver, STN, committed);
  report(name, { hits, ...a, missing: a.missing.length, drainMs: Date.now() - t, reconnects: rig.uplink.stats.reconnects, messages: rig.uplink.stats.messages, linkCuts: rig.link.stats.cuts, gaps: rig.receiver.store.gaps(STN).length });
  expect(a.missing).toEqual([]);
  expect(a.receiverRecords).toBe(committed.length);
  expect(a.duplicateRecords).toBe(0);
  expect(rig.receiver.store.gaps(STN)).toEqual([]);
  expect(hits).toBeGreaterThan(3);
}

describe('chaos: storms during ingest and upload', () => {
  it('(2) Mosquitto restarted again and again', () =>
    storm('broker-restarts', 11, async (rig, random) => {
      await rig.broker.stop();
      await sleep(100 + random() * 700);
      await rig.broker.restart();
    }), 120_000);

  it('(3) the satellite link flapping', () =>
    storm('link-flapping', 13, async (rig, random) => {
      rig.link.setDown(true);
      await sleep(30 + random() * 800);
      rig.link.setDown(false);
    }), 120_000);
});
