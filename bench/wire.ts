// wire_bytes_per_min_record: bytes on the wire per one-minute record, MQTT framing counted,
// when an hour of minutes (60 outbox batches of one record, as the gateway commits them)
// goes as one compact message. Records come from real data: the NYC 2013 replay
// (shared/data, hw-sim nycReplay) sampled at the WXT530's cadence and resolution (1-s wind,
// 10-s PTU and rain counter) and aggregated by the gateway's own minute aggregation.
// Beside it, same records: JSON one batch a minute as the v1 uplink sends it, and JSON
// hourly (what batching alone would give).
import { encodeCompact, makeBatch, qc, topics, type MinuteRecord, type Observation, type Quantity } from '../core/index.ts';
import { aggregateMinute } from '../gateway/aggregate/minute.ts';
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

export function benchWire(): Record<string, number> {
  const recs = replayMinutes(HOURS);
  const topic = topics(STATION).obs;
  let compact = 0;
  let jsonMinute = 0;
  let jsonHourly = 0;
  let seq = 1;
  for (let h = 0; h < HOURS; h++) {
    const hour = recs.slice(h * 60, h * 60 + 60);
    const parts = hour.map((r) => ({ seq: seq++, created: r.ts + 62_000, records: [r] }));
    compact += mqttPublishBytes(topic, encodeCompact(STATION, parts).length);
    for (const p of parts) jsonMinute += mqttPublishBytes(topic, Buffer.byteLength(JSON.stringify(makeBatch(STATION, p.seq, p.created, p.records))));
    jsonHourly += mqttPublishBytes(topic, Buffer.byteLength(JSON.stringify(makeBatch(STATION, parts[0]!.seq, parts[0]!.created, hour))));
  }
  const n = recs.length;
  return {
    wire_bytes_per_min_record: Math.round((compact / n) * 100) / 100,
    json_bytes_per_min_record: Math.round((jsonMinute / n) * 10) / 10,
    json_hourly_bytes_per_min_record: Math.round((jsonHourly / n) * 10) / 10,
    wire_records_measured: n,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(JSON.stringify(benchWire()));
