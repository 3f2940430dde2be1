// Time without a real-time clock (issue #10 part 4), end to end: the gateway starts with a
// clock that is wrong (1970, or three days slow) beside a true simulator, real PTYs and a real
// Mosquitto. Until a source gives the time, nothing is stored as good with a wrong time and no
// minute leaves; when the time comes (a GNSS RMC, or the central system's ack), the held
// readings get their true times and every minute reaches the receiver, correctly stamped.
import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { ScaledClock, topics } from '../../core/index.ts';
import { validateConfig } from '../../gateway/config/load.ts';
import { createLogger } from '../../gateway/log.ts';
import { StationGateway } from '../../gateway/pipeline/station.ts';
import { BUILD_FLOOR_MS } from '../../gateway/time/floor.ts';
import { Receiver } from '../../hw-sim/receiver/index.ts';
import { startSimulation, type NmeaTwin } from '../../hw-sim/index.ts';
import { Mosquitto } from '../helpers/mosquitto.ts';
import { STATION, startRig } from '../helpers/station.ts';
import { waitFor } from '../helpers/wait.ts';

const SPEED = 30;
const DAY = 86_400_000;
const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

/** What the station stored, read from its own database file. */
function stationRaw(path: string) {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const q = <T>(sql: string, ...a: unknown[]) => db.prepare(sql).get(...a) as T;
    return {
      raw: q<{ n: number }>('SELECT count(*) AS n FROM raw_obs').n,
      uncertain: q<{ n: number }>('SELECT count(*) AS n FROM raw_obs WHERE qc_flag IS NOT NULL').n,
      // the rule: a time before the build floor is never on a reading that is not flagged time-uncertain
      wrongTimeNotFlagged: q<{ n: number }>("SELECT count(*) AS n FROM raw_obs WHERE ts < ? AND (qc_flag IS NULL OR reasons NOT LIKE '%time_uncertain%' OR flag IN ('good', 'not_checked'))", BUILD_FLOOR_MS).n,
      good: q<{ n: number }>("SELECT count(*) AS n FROM raw_obs WHERE flag = 'good'").n,
      minutes: q<{ n: number }>('SELECT count(*) AS n FROM minute_records').n,
      outbox: q<{ n: number }>('SELECT count(*) AS n FROM outbox WHERE n_records > 0').n,
      range: q<{ a: number | null; b: number | null }>('SELECT min(ts) AS a, max(ts) AS b FROM raw_obs'),
    };
  } finally {
    db.close();
  }
}

function receiverMinutes(receiver: Receiver, sensor: string) {
  return (receiver.store.db.prepare("SELECT ts, record FROM records WHERE station = ? AND sensor = ? AND period = '1min' ORDER BY ts").all(STATION, sensor) as Array<{ ts: number; record: string }>)
    .map((r) => ({ ts: r.ts, record: JSON.parse(r.record) as { values: Record<string, { f: string; r?: string[] }> } }));
}

/** The retained status message, as a subscriber arriving now gets it. */
async function retainedStatus(url: string): Promise<Record<string, unknown>> {
  const c = await mqtt.connectAsync(url, { clientId: `status-reader-${Math.random().toString(16).slice(2)}` });
  try {
    return await new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('no retained status')), 10_000);
      c.on('message', (_topic, payload) => { clearTimeout(t); resolve(JSON.parse(payload.toString()) as Record<string, unknown>); });
      void c.subscribeAsync(topics(STATION).status, { qos: 1 });
    });
  } finally {
    await c.endAsync(true);
  }
}

/** Wait until every batch with records is acked (the gateway's own count: the file's outbox lags the acks by up to a minute commit); on failure say what the station holds. */
async function drained(gateway: StationGateway, path: string) {
  await waitFor('the outbox to drain', () => gateway.outbox.counts().outboxRecords === 0, 30_000).catch((e: Error) => {
    throw new Error(`${e.message}: station ${JSON.stringify(stationRaw(path))}, outbox ${JSON.stringify(gateway.outbox.counts())}, uplink ${JSON.stringify(gateway.uplink.stats)}`);
  });
}

/**
 * Wait for the five minutes checkDelivered asks for. A fixed sleep is not enough: on a loaded
 * machine the gateway's first reading can come a real second or two (a simulated minute at
 * 30×) after its start, so its first minute is one later (CI saw 4 minutes once).
 */
async function minutesArrived(receiver: Receiver, sensor: string) {
  await waitFor(`five ${sensor} minutes at the receiver`, () => receiverMinutes(receiver, sensor).length >= 5, 60_000);
}

/**
 * A time source is as good as its transit: an RMC line arrives a little after the time it
 * states, an ack is estimated at half its round trip; on a loaded machine that is up to ~1 s
 * of real time, 30 s of clock time at 30×.
 */
const TRANSIT = 30_000;

/** The receiver's minutes: true times, consecutive from the gateway's first minute, none lost, the held ones corrected. */
function checkDelivered(gateway: StationGateway, receiver: Receiver, sensor: string, startedTrue: number, syncedTrue: number, nowTrue: number) {
  const minutes = receiverMinutes(receiver, sensor);
  expect(minutes.length).toBeGreaterThanOrEqual(5);
  for (const m of minutes) {
    expect(m.ts).toBeGreaterThanOrEqual(Math.floor((startedTrue - TRANSIT) / 60_000) * 60_000);
    expect(m.ts).toBeLessThanOrEqual(nowTrue);
    for (const v of Object.values(m.record.values)) expect(v.r ?? []).not.toContain('time_uncertain');
  }
  // The held minutes are there: the first is the gateway's first (whole or partial) minute.
  expect(minutes[0]!.ts).toBeLessThanOrEqual(startedTrue + 60_000);
  minutes.forEach((m, i) => i && expect(m.ts - minutes[i - 1]!.ts).toBe(60_000));
  // A minute of readings taken before the sync says its time was rebuilt (one with no reading, on a starved machine, has nothing to say).
  const held = minutes.filter((m) => m.ts + 60_000 <= syncedTrue);
  const corrected = held.filter((m) => Object.values(m.record.values).some((v) => v.r?.includes('time_corrected')));
  expect(corrected.length).toBeGreaterThanOrEqual(2);
  for (const m of held) {
    if (Object.values(m.record.values).some((v) => (v as { n?: number }).n)) expect(corrected).toContain(m);
  }
  // Nothing the station committed is missing at the receiver.
  const lost = gateway.outbox.committedKeys().filter((k) => !receiver.store.hasRecord(STATION, k.sensor, k.ts));
  expect(lost).toEqual([]);
}

describe('time without a real-time clock (real PTY, real Mosquitto)', () => {
  it('a board clock in 1970: readings held time-uncertain; a GNSS RMC later gives the time; every minute arrives with its true time', async () => {
    const truth = new ScaledClock({ speed: SPEED });
    const wrong = new ScaledClock({ speed: SPEED, origin: Date.UTC(1970, 0, 1, 0, 0, 7), anchor: truth.anchor });
    const dir = mkdtempSync(join(tmpdir(), 'bonin-time-'));
    const broker = await Mosquitto.start();
    cleanup.push(() => broker.stop());
    const receiver = new Receiver({ broker: broker.url, dbPath: join(dir, 'receiver.db'), group: 'e2e', clock: truth });
    await receiver.start();
    cleanup.push(() => receiver.stop());
    // An NMEA weather sensor with a GNSS receiver built in, which has no fix yet (no RMC).
    const sim = await startSimulation({ clock: truth, scenario: 'trade-wind', expose: 'pty', dir, devices: [{ kind: 'nmea-0183', name: 'met', options: { intervals: { MWV: 1, MDA: 1 } } }] });
    cleanup.push(() => sim.stop());
    const config = validateConfig({
      station: { id: STATION, name: 'E2E', latitude: 27.0917, longitude: 142.1917, elevation_m: 3 },
      storage: { path: join(dir, 'station.db'), shared_reads: true }, // the test reads the store while the gateway runs
      uplink: { broker: broker.url, keepalive_s: 10 },
      sensors: [{ id: 'met', type: 'nmea-0183', port: sim.devices[0]!.path, idle_timeout_s: 60 }],
      nowcast: { enabled: false },
      time: { require_sync: true, sources: ['gnss'] },
    });
    // TIME_DEBUG=<file>: the gateway's debug log there, to see a failing run.
    const gateway = new StationGateway(config, wrong, createLogger({ level: process.env.TIME_DEBUG ? 'debug' : 'silent', file: process.env.TIME_DEBUG }));
    cleanup.push(() => gateway.stop());
    const startedTrue = truth.now();
    gateway.start();

    await truth.sleep(3 * 60_000);
    await waitFor('readings stored', () => stationRaw(config.storage.path).raw > 300, 60_000);
    let s = stationRaw(config.storage.path);
    expect(gateway.time.state()).toMatchObject({ synchronised: false, source: null });
    expect(s.raw).toBeGreaterThan(300);
    expect(s.uncertain).toBe(s.raw);
    expect(s.range.b!).toBeLessThan(Date.UTC(1970, 0, 2)); // stamped with the board's clock as it is…
    expect(s.wrongTimeNotFlagged).toBe(0); // …but never as data whose time is known
    expect(s.good).toBe(0);
    expect(s.minutes).toBe(0); // no minute closes with a time nobody knows
    expect((await retainedStatus(broker.url)).clock).toMatchObject({ sync: false, src: null });

    // The GNSS receiver gets its fix: RMC every second from now on.
    const twin = sim.devices[0]!.twin as NmeaTwin;
    twin.intervals.RMC = 1;
    twin.stop();
    twin.start();
    await waitFor('the GNSS time to synchronise the station', () => gateway.time.synchronised, 20_000);
    const syncedTrue = truth.now();
    const st = gateway.time.state();
    expect(st.source).toBe('gnss');
    // true − board: 56 years, to a few seconds (a line's transit through the PTY, times 30)
    expect(Math.abs(st.offset_ms! - (truth.now() - wrong.now()))).toBeLessThan(TRANSIT);
    expect(Math.abs(gateway.time.clock.now() - truth.now())).toBeLessThan(TRANSIT);
    s = stationRaw(config.storage.path);
    expect(s.uncertain).toBe(0);
    expect(s.range.a!).toBeGreaterThanOrEqual(startedTrue - TRANSIT);

    await truth.sleep(2 * 60_000 + 5000);
    await minutesArrived(receiver, 'met');
    await drained(gateway, config.storage.path);
    checkDelivered(gateway, receiver, 'met', startedTrue, syncedTrue, truth.now());
    expect((await retainedStatus(broker.url)).clock).toMatchObject({ sync: true, src: 'gnss' });
  });

  it('a board clock three days slow: no link at boot, then the central system\'s ack gives the time; nothing lands three days back', async () => {
    const truth = new ScaledClock({ speed: SPEED });
    const wrong = new ScaledClock({ speed: SPEED, origin: truth.origin - 3 * DAY, anchor: truth.anchor });
    const rig = await startRig(truth, { sharedReads: true });
    cleanup.push(() => rig.stop());
    await rig.broker.stop(); // the satellite link is down when the station boots
    const config = validateConfig({ ...rig.config, nowcast: { enabled: false }, time: { require_sync: true, sources: ['ack'], probe_every_s: 60 } });
    // TIME_DEBUG=<file>: the gateway's debug log there, to see a failing run.
    const gateway = new StationGateway(config, wrong, createLogger({ level: process.env.TIME_DEBUG ? 'debug' : 'silent', file: process.env.TIME_DEBUG }));
    cleanup.push(() => gateway.stop());
    const startedTrue = truth.now();
    gateway.start();

    await truth.sleep(3 * 60_000);
    await waitFor('readings stored', () => stationRaw(config.storage.path).raw > 100, 60_000);
    const s = stationRaw(config.storage.path);
    expect(gateway.time.synchronised).toBe(false);
    expect(s.raw).toBeGreaterThan(100);
    expect(s.uncertain).toBe(s.raw);
    expect(s.good).toBe(0);
    expect(s.minutes).toBe(0);

    await rig.broker.restart();
    await waitFor('an ack to synchronise the station', () => gateway.time.synchronised, 30_000);
    const syncedTrue = truth.now();
    expect(gateway.time.state().source).toBe('ack');
    expect(Math.abs(gateway.time.state().offset_ms! - 3 * DAY)).toBeLessThan(TRANSIT);
    expect(stationRaw(config.storage.path).uncertain).toBe(0);

    await truth.sleep(2 * 60_000 + 5000);
    await minutesArrived(rig.receiver, 'wxt530');
    await drained(gateway, config.storage.path);
    checkDelivered(gateway, rig.receiver, 'wxt530', startedTrue, syncedTrue, truth.now());
    // Nothing three days back: not a record an hour before the gateway started.
    const c = rig.receiver.store.db.prepare('SELECT count(*) AS n FROM records WHERE ts < ?').get(startedTrue - 3_600_000) as { n: number };
    expect(c.n).toBe(0);
  });
});
