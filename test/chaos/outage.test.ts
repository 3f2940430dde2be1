// Chaos (4): a long outage passing in clock time (ScaledClock at 5,000× short, 10,000× full): the link is down
// on the simulator's outage schedule for a day (`npm test`) or a week (`npm run chaos`)
// while the station goes on committing a minute each clock minute. When the link comes
// back the freshest minutes arrive first, the backlog drains behind them, every record once.
import { afterEach, describe, expect, it } from 'vitest';
import { ScaledClock, type ObsBatch } from '../../core/index.ts';
import { waitFor } from '../helpers/wait.ts';
import { audit, type Committed } from './audit.ts';
import { minute } from './records.ts';
import { startLinkRig, STN } from './rig.ts';
import { report, SCALE, sleep } from './scale.ts';

const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});
const MIN = 60_000;
const DAY = 86_400_000;

describe('chaos: a long outage in clock time', () => {
  it(`(4) a ${SCALE.outageDays}-day outage: ingest goes on, then fresh data first and the backlog drains, each record once`, async () => {
    const T0 = Date.UTC(2026, 8, 1);
    const clock = new ScaledClock({ speed: SCALE.outageSpeed, origin: T0 });
    const outage = { from: T0 + 10 * MIN, to: T0 + 10 * MIN + SCALE.outageDays * DAY };
    const rig = await startLinkRig({
      clock, outages: [outage], bitsPerSecond: 2400, latencyMs: 800,
      uplink: { inFlight: 16, resendAfterMs: 60 * MIN, keepaliveS: 30, reconnectBaseMs: 5000, reconnectCapMs: 60 * MIN, maxMessageRecords: 60 },
    });
    cleanup.push(() => rig.stop());
    const stored: Array<{ seq: number; at: number }> = [];
    rig.receiver.on('stored', (b: ObsBatch) => stored.push({ seq: b.seq, at: clock.now() }));
    rig.uplink.start();

    // The station: each closed clock minute committed as one batch, until 2 h after the outage.
    const committed: Committed[] = [];
    const stopAt = outage.to + 2 * 60 * MIN;
    let next = 0;
    let lastSeqBeforeReturn = 0;
    while (clock.now() < stopAt) {
      while (T0 + (next + 1) * MIN <= Math.min(clock.now(), stopAt)) {
        const r = minute(next++, T0);
        const seq = rig.outbox.commitMinutes([r], clock.now());
        committed.push({ sensor: r.sensor, ts: r.ts, seq });
        if (r.ts < outage.to - MIN) lastSeqBeforeReturn = seq!;
        rig.uplink.pump();
      }
      await sleep(5);
    }
    const t = Date.now();
    await waitFor('the backlog to drain', () => rig.outbox.counts().outboxBatches === 0, 120_000);
    const drainClockMin = Math.round((clock.now() - outage.to) / MIN);

    const a = audit(rig.receiver, STN, committed);
    const afterReturn = stored.filter((s) => s.at >= outage.to);
    const firstBack = afterReturn[0]?.seq ?? -1;
    const duringOutage = committed.filter((c) => c.ts >= outage.from && c.ts < outage.to).length;
    report('outage', {
      days: SCALE.outageDays, duringOutage, ...a, missing: a.missing.length, firstSeqAfterReturn: firstBack, lastSeqBeforeReturn,
      drainClockMinutes: drainClockMin, drainRealMs: Date.now() - t, messages: rig.uplink.stats.messages, reconnects: rig.uplink.stats.reconnects,
      linkRefused: rig.link.stats.refused, bytesUp: rig.link.stats.up, bytesPerRecord: +(rig.link.stats.up / committed.length).toFixed(1),
    });
    expect(duringOutage).toBeGreaterThanOrEqual(SCALE.outageDays * 1440 - 2);
    expect(rig.link.stats.refused).toBeGreaterThan(0); // the outage really happened
    // Fresh first: the first batch back is one of the minutes closed as the link returned,
    // not the oldest of the backlog.
    expect(firstBack).toBeGreaterThanOrEqual(lastSeqBeforeReturn - 5);
    expect(a.missing).toEqual([]);
    expect(a.receiverRecords).toBe(committed.length);
    expect(a.duplicateRecords).toBe(0);
    expect(rig.receiver.store.gaps(STN)).toEqual([]);
    // No resend storm: about one message an hour of backlog, plus the fresh ones.
    expect(rig.uplink.stats.messages).toBeLessThan(committed.length / 60 + 300);
  }, 30 * 60_000);
});
