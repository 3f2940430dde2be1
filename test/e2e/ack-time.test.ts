// An ack times the station's clock only by the round trip since its batch first went
// (gateway/uplink/uplink.ts onAck, gateway/time/station.ts ackTimeSample): through a real
// Mosquitto and the simulated satellite link (300 ms each way).
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../core/index.ts';
import { ackTimeSample, MAX_ACK_RTT_MS } from '../../gateway/time/station.ts';
import { minute } from '../chaos/records.ts';
import { startLinkRig } from '../chaos/rig.ts';
import { waitFor } from '../helpers/wait.ts';

const stops: Array<() => Promise<void>> = [];
afterEach(async () => { for (const f of stops.splice(0).reverse()) await f(); });

type Internals = { inFlight: Map<number, unknown>; pumpNow(afterReconnect: boolean): void };

describe('the time an ack tells', () => {
  it('a batch sent again before its ack came (a reconnect resends what is in flight) is timed from its first send', async () => {
    const rig = await startLinkRig({ clock: systemClock, latencyMs: 300 });
    stops.push(() => rig.stop());
    const times: Array<{ ts: number; rtt: number | null; at: number }> = [];
    rig.uplink.on('ack-time', (ts: number, rtt: number | null) => times.push({ ts, rtt, at: Date.now() }));
    rig.outbox.commitMinutes([minute(0, Date.now() - 120_000)], Date.now());
    rig.uplink.start();
    const up = rig.uplink as unknown as Internals;
    await waitFor('the batch in flight', () => up.inFlight.size === 1, 15_000, 5);
    const firstSent = Date.now();
    // As right after the link comes up: everything in flight goes again at once, before its ack.
    up.pumpNow(true);
    await waitFor('its ack', () => times.length > 0, 15_000);
    const t = times[0]!;
    expect(t.rtt).not.toBeNull();
    // ≥ the link's two 300 ms legs, and timed from the first send, not the resend just after it
    expect(t.rtt!).toBeGreaterThanOrEqual(550);
    expect(t.rtt!).toBeLessThanOrEqual(t.at - firstSent + 50);
    const sample = ackTimeSample(t.ts, t.rtt)!;
    // the centre's clock is this machine's: the sample is within its own uncertainty of the truth
    expect(Math.abs(sample.trueMs - t.at)).toBeLessThanOrEqual(sample.uncertaintyMs + 50);
  });

  it('an ack over a long round trip, or without one, tells nothing', () => {
    expect(ackTimeSample(1_000_000, 800)).toEqual({ trueMs: 1_000_400, uncertaintyMs: 400 });
    expect(ackTimeSample(1_000_000, null)).toBeNull();
    expect(ackTimeSample(1_000_000, -5)).toBeNull();
    // an ack kept by the broker during a 2-hour outage, timed to the batch's first send
    expect(ackTimeSample(1_000_000, 2 * 3_600_000)).toBeNull();
    expect(ackTimeSample(1_000_000, MAX_ACK_RTT_MS + 1)).toBeNull();
  });
});
