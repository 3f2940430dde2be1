// The self-test's failures say what to do: a broker nobody answers on, a broker with no
// receiver behind it, and the round trip when the receiver runs (real Mosquitto).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { validateConfig } from '../../gateway/config/load.ts';
import { checkBroker, checkClock, checkDisk } from '../../gateway/provision/selftest-system.ts';
import { Receiver } from '../../hw-sim/receiver/index.ts';
import { freePort, Mosquitto } from '../helpers/mosquitto.ts';

const dir = mkdtempSync(join(tmpdir(), 'bonin-selftest-'));
const cleanup: Array<() => Promise<void> | void> = [() => rmSync(dir, { recursive: true, force: true })];
afterAll(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});
const config = (broker: string, quota?: number) => validateConfig({
  station: { id: '0-392-9-77', name: 'T', latitude: 27, longitude: 142, elevation_m: 3 },
  storage: { path: join(dir, 'st.db'), ...(quota ? { quota_mb: quota } : {}) }, uplink: { broker },
  sensors: [{ id: 'wxt530', type: 'vaisala-wxt530', port: '/dev/null' }],
});

describe('self-test checks', () => {
  it('no broker at the address: the connection fails with what to check, the round trip is not tried', { timeout: 30_000 }, async () => {
    const r = await checkBroker(config(`mqtt://127.0.0.1:${await freePort()}`), 2000);
    expect(r.map((c) => [c.item, c.verdict])).toEqual([['broker connection', 'fail'], ['receiver round trip', 'fail']]);
    expect(r[0]!.advice).toMatch(/check the broker address/);
  });

  it('a broker without the receiver: no ack, and the advice names the receiver; with it: acked', { timeout: 30_000 }, async () => {
    const broker = await Mosquitto.start();
    cleanup.push(() => broker.stop());
    const none = await checkBroker(config(broker.url), 2000);
    expect(none[1]).toMatchObject({ item: 'receiver round trip', verdict: 'fail', advice: expect.stringMatching(/^no ack from the receiver within 2 s: check the broker address and that the central receiver is running/) });
    const receiver = new Receiver({ broker: broker.url, dbPath: join(dir, 'r.db'), group: 'st' });
    await receiver.start();
    cleanup.push(() => receiver.stop());
    const ok = await checkBroker(config(broker.url), 10_000);
    expect(ok.map((c) => c.verdict)).toEqual(['pass', 'pass']);
    expect(ok[1]!.figures!.round_trip_ms).toBeGreaterThanOrEqual(0);
    expect(receiver.store.stations()).toEqual(['0-392-9-77-selftest']);
  });

  it('clock: a board that booted in 1970 fails; disk: a quota larger than the free space fails with a smaller one suggested', () => {
    expect(checkClock(new Date(0))).toMatchObject({ verdict: 'fail', advice: expect.stringMatching(/set it/) });
    expect(['pass', 'warn']).toContain(checkClock().verdict);
    expect(checkDisk(config('mqtt://h:1', 10))).toMatchObject({ verdict: 'pass' });
    expect(checkDisk(config('mqtt://h:1', 1e9))).toMatchObject({ verdict: 'fail', advice: expect.stringMatching(/set storage\.quota_mb below \d+ MB/) });
  });
});
