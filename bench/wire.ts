// wire_bytes_per_min_record: bytes on the wire per one-minute record, MQTT framing counted,
// when an hour of minutes (60 outbox batches of one record, as the gateway commits them)
// goes as one compact message. Records come from real data: the NYC 2013 replay
// (shared/data, hw-sim nycReplay) sampled at the WXT530's cadence and resolution (1-s wind,
// 10-s PTU and rain counter) and aggregated by the gateway's own minute aggregation.
// Beside it, same records: JSON one batch a minute as the v1 uplink sends it, and JSON
// hourly (what batching alone would give).
// Since issue #6 the gateway's batches also carry the 10-min and hourly aggregates, each in
// the batch of the minute that closes it: every figure counts their bytes too (still divided
// by the minute records), and `wire_bytes_per_min_record_minutes_only` is the figure without.
import { encodeCompact, makeBatch, qc, topics, type MinuteRecord, type Observation, type Quantity, type WireRecord } from '../core/index.ts';
import { aggregateMinute } from '../gateway/aggregate/minute.ts';
import { aggregatePeriod, PERIODS, type PeriodName } from '../gateway/aggregate/period.ts';
import { nycReplay } from '../hw-sim/index.ts';

const STATION = '0-392-0-47971';
const HOURS = 7 * 24;

/** MQTT 5 PUBLISH, QoS 1, no properties: fixed header + remaining length + topic + packet id + property length. */
export function mqttPublishBytes(topic: string, payloadBytes: number): number {
  const rest = 2 + Buffer.byteLength(topic) + 2 + 1 + payloadBytes;
  const lenBytes = rest < 128 ? 1 : rest < 16_384 ? 2 : rest < 2_097_152 ? 3 : 4;
  return 1 + lenBytes + rest;
}

const q = (v: number, d: number) => Math.round(v * 10 ** d) / 10 ** d;

/** `hours` of minute records from the replay, starting at its first data hour. */
export function replayMinutes(hours: number): MinuteRecord[] {
  const w = nycReplay({ from: '2013-07-01T00:00:00Z' });
  const out: MinuteRecord[] = [];
  let prevRain: number | null = null;
  for (let m = 0; m < hours * 60; m++) {
    const start = w.start + m * 60_000;
    const obs: Observation[] = [];
    const o = (ts: number, quantity: Quantity, value: number) => obs.push({ ts, sensor: 'wxt530', quantity, value, qc: qc('good') });
    let lastRain: number | null = prevRain;
    for (let s = 0; s < 60; s++) {
      const ts = start + s * 1000;
      const t = w.at(ts);
      o(ts, 'wind_speed', q(t.wind_speed, 1));
      o(ts, 'wind_from_direction', q(t.wind_from_direction, 0) % 360);
      o(ts, 'wind_speed_of_gust', q(t.wind_speed, 1));
      if (s % 10 === 0) {
        o(ts, 'air_temperature', q(t.air_temperature, 1));
        o(ts, 'relative_humidity', q(t.relative_humidity, 1));
        o(ts, 'air_pressure', q(t.air_pressure, 1));
        lastRain = q(t.precipitation_amount_since_start, 2);
        o(ts, 'precipitation_amount_since_reset', lastRain);
      }
    }
    out.push(aggregateMinute({ sensor: 'wxt530', minuteStart: start, obs, prevRainCounter: prevRain, elevationM: 3 }));
    prevRain = lastRain;
  }
  return out;
}

/** The 10-min / hourly aggregates the minute at index i of `recs` closes, as the gateway's batch carries them. */
function periodsClosedBy(recs: MinuteRecord[], i: number): WireRecord[] {
  const end = recs[i]!.ts + 60_000;
  const out: WireRecord[] = [];
  const pressureAt = (t: number) => recs[i + (t - end) / 60_000]?.values.air_pressure ?? null;
  for (const [period, ms] of Object.entries(PERIODS) as Array<[PeriodName, number]>) {
    if (end % ms !== 0 || i + 1 < ms / 60_000) continue;
    const minutes = recs.slice(i + 1 - ms / 60_000, i + 1);
    const a = aggregatePeriod({
      period, start: end - ms, sensor: 'wxt530', minutes, elevationM: 3,
      pressure: period === '1h' ? { p0: pressureAt(end), p15: pressureAt(end - 90 * 60_000), p3: pressureAt(end - 180 * 60_000) } : undefined,
    });
    out.push({ ts: a.ts, sensor: a.sensor, period: a.period, values: a.values });
  }
  return out;
}

export function benchWire(): Record<string, number> {
  const recs = replayMinutes(HOURS);
  const topic = topics(STATION).obs;
  let compact = 0;
  let compactMinutes = 0;
  let jsonMinute = 0;
  let jsonHourly = 0;
  let seq = 1;
  for (let h = 0; h < HOURS; h++) {
    const hour = recs.slice(h * 60, h * 60 + 60);
    const parts = hour.map((r, k) => ({ seq: seq++, created: r.ts + 62_000, records: [r, ...periodsClosedBy(recs, h * 60 + k)] }));
    compact += mqttPublishBytes(topic, encodeCompact(STATION, parts).length);
    compactMinutes += mqttPublishBytes(topic, encodeCompact(STATION, parts.map((p) => ({ ...p, records: [p.records[0]!] }))).length);
    for (const p of parts) jsonMinute += mqttPublishBytes(topic, Buffer.byteLength(JSON.stringify(makeBatch(STATION, p.seq, p.created, p.records))));
    jsonHourly += mqttPublishBytes(topic, Buffer.byteLength(JSON.stringify(makeBatch(STATION, parts[0]!.seq, parts[0]!.created, parts.flatMap((p) => p.records)))));
  }
  const n = recs.length;
  return {
    wire_bytes_per_min_record: Math.round((compact / n) * 100) / 100,
    wire_bytes_per_min_record_minutes_only: Math.round((compactMinutes / n) * 100) / 100,
    json_bytes_per_min_record: Math.round((jsonMinute / n) * 10) / 10,
    json_hourly_bytes_per_min_record: Math.round((jsonHourly / n) * 10) / 10,
    wire_records_measured: n,
  };
}


/**
 * drain_utilization: a 72-hour backlog (4,320 minutes of the replay, one batch each) drains
 * through the satellite-link simulator at 2,400 bit/s with 800 ms one way, to an embedded
 * broker (aedes) and the reference receiver. Utilization = clock time the upstream direction
 * was busy ÷ clock time from the uplink's start to an empty outbox (MQTT connect, acks and
 * framing included: what the link carried, not only our payload).
 */
export async function benchDrain(hours = 72, speed = 25, inFlight = Number(process.env.DRAIN_WINDOW ?? 16)): Promise<Record<string, number>> {
  const { mkdtempSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { createServer } = await import('node:net');
  const { Aedes } = await import('aedes');
  const { ScaledClock } = await import('../core/index.ts');
  const { createLogger } = await import('../gateway/log.ts');
  const { openDatabase, Outbox } = await import('../gateway/store/index.ts');
  const { Uplink } = await import('../gateway/uplink/uplink.ts');
  const { Receiver } = await import('../hw-sim/receiver/index.ts');
  const { startSatelliteLink } = await import('../hw-sim/link/satellite-link.ts');

  const dir = mkdtempSync(join(tmpdir(), 'bonin-drain-'));
  const recs = replayMinutes(hours);
  const last = recs[recs.length - 1]!.ts;
  const clock = new ScaledClock({ speed, origin: last + 2 * 3_600_000 });
  const aedes = await Aedes.createBroker();
  const server = createServer(aedes.handle);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const brokerPort = (server.address() as { port: number }).port;
  const receiver = new Receiver({ broker: `mqtt://127.0.0.1:${brokerPort}`, dbPath: join(dir, 'receiver.db'), protocolVersion: 4, clock });
  await receiver.start();
  const link = await startSatelliteLink({ target: { host: '127.0.0.1', port: brokerPort }, clock, bitsPerSecond: 2400, latencyMs: 800 });
  const outbox = new Outbox(openDatabase(join(dir, 'station.db')), STATION);
  for (const r of recs) outbox.commitMinutes([r], r.ts + 62_000);
  const uplink = new Uplink(outbox, {
    station: STATION, broker: link.url, protocolVersion: 4, inFlight, resendAfterMs: 300_000, keepaliveS: 60,
    clock, log: createLogger({ level: 'silent' }), encoding: 'compact', maxMessageRecords: 60,
  });
  const t0 = clock.now();
  uplink.start();
  const deadline = Date.now() + 120_000;
  while (outbox.counts().outboxBatches > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  const drainMs = clock.now() - t0;
  const left = outbox.counts().outboxBatches;
  const received = receiver.store.counts().records;
  await uplink.stop();
  await receiver.stop();
  await link.stop();
  await new Promise<void>((r) => aedes.close(() => server.close(() => r())));
  rmSync(dir, { recursive: true, force: true });
  if (left) throw new Error(`drain bench: ${left} batches still in the outbox after 120 s`);
  return {
    drain_utilization: Math.round((link.stats.upBusyMs / drainMs) * 1000) / 1000,
    drain_seconds: Math.round(drainMs / 1000),
    drain_records: received,
    drain_link_bytes_up: link.stats.up,
    drain_link_bytes_down: link.stats.down,
    drain_messages: uplink.stats.messages,
    drain_reconnects: uplink.stats.reconnects,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  void benchDrain(72, Number(process.env.DRAIN_SPEED ?? 25)).then((d) => console.log(JSON.stringify({ ...benchWire(), ...d })));
}
