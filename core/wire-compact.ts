// Compact obs encoding (docs/wire-format.md): several outbox batches in one MQTT message,
// columnar, fixed-point at the sensor's resolution, delta-coded, flags packed, then the
// smaller of raw deflate and brotli. Shared by the gateway (encodes) and the reference
// receiver (decodes), hence in core. JSON (core/wire.ts) stays the debug encoding.
//
// What it quantises, and only that: each value to RESOLUTION_DECIMALS of its quantity (the
// sensor's own resolution), and `created` to whole seconds. Everything else round-trips
// exactly: ts, sensor, which quantities are present, v null, every flag, every reason, n.
// (QC reasons are a set: they arrive in QC_REASONS order, and an empty list as no list.)
import { createHash } from 'node:crypto';
import { brotliCompressSync, brotliDecompressSync, constants as zc, deflateRawSync, inflateRawSync } from 'node:zlib';
import { QC_FLAGS, QC_REASONS, type QcFlag, type QcReason } from './qc.ts';
import { QUANTITY_NAMES, type Quantity } from './quantities.ts';
import { batchChecksum, PERIOD_STATS, WIRE_PERIODS, type MinuteValue, type ObsBatch, type PeriodStat, type WireKey, type WireRecord } from './wire.ts';

/** First byte of a compact message. A JSON batch starts with `{` (0x7b), so the two never mix. */
export const COMPACT_MAGIC = 0xb2;
/**
 * Compact format version (second byte). 1: minute records only; 2: adds a period per record
 * (10-min and hourly aggregates, issue #6). The encoder writes 1 whenever it can, so a
 * message of minutes is byte for byte what it was; the decoder reads both.
 */
export const COMPACT_VERSION = 2;
const VERSIONS = new Set([1, 2]);
/** Column key byte of a period statistic: 128 + its PERIOD_STATS index (quantities keep 0–127). */
const STAT_KEY_BASE = 128;
/** Period byte per record (version 2): 0 the minute, then WIRE_PERIODS in order. */
const PERIOD_CODES = [undefined, ...WIRE_PERIODS] as const;
const COMPRESSORS = ['none', 'deflate-raw', 'brotli'] as const;
/** A decoded message bigger than this is refused (a hostile or corrupt payload cannot blow memory). */
const MAX_BODY = 16 * 1024 * 1024;

/**
 * Decimal places kept per quantity: the resolution the sensor reports (WXT530 data sheet:
 * 0.1 m/s, 1°, 0.1 °C, 0.1 %RH, 0.1 hPa, 0.01 mm). Written into each message, so a decoder
 * never needs this table; changing it does not change the format.
 */
export const RESOLUTION_DECIMALS: Record<Quantity, number> = {
  wind_speed: 1, wind_from_direction: 0, wind_speed_of_gust: 1,
  air_temperature: 1, dew_point_temperature: 1, relative_humidity: 1,
  air_pressure: 1, air_pressure_at_mean_sea_level: 1,
  precipitation_amount: 2, rainfall_rate: 1, precipitation_amount_since_reset: 2, sea_water_temperature: 1,
  heater_temperature: 1, heating_voltage: 1, supply_voltage: 1,
  cloud_area_fraction: 0, sky_brightness: 3, image_contrast: 3, visibility_proxy: 3, lens_wet: 0, lens_obstructed: 0,
};

/** Decimals of the aggregates' own statistics: those of the quantity they describe; σθ to 0.1°, the WMO tendency code a whole number. */
export const STAT_DECIMALS: Record<PeriodStat, number> = {
  air_temperature_max: 1, air_temperature_min: 1, rainfall_rate_max: 1,
  wind_from_direction_sd: 1, wind_speed_resultant: 1, wind_from_direction_resultant: 0,
  air_pressure_change_3h: 1, air_pressure_tendency: 1, air_pressure_tendency_characteristic: 0,
};

const decimalsOf = (k: WireKey): number => (k in STAT_DECIMALS ? STAT_DECIMALS[k as PeriodStat] : RESOLUTION_DECIMALS[k as Quantity]);
/** Every column the encoder knows, with its key byte, in the order columns are written. */
const COLUMNS: Array<[WireKey, number]> = [
  ...QUANTITY_NAMES.map((q, i): [WireKey, number] => [q, i]),
  ...PERIOD_STATS.map((k, i): [WireKey, number] => [k, STAT_KEY_BASE + i]),
];
const keyOfByte = (b: number): WireKey | undefined => (b >= STAT_KEY_BASE ? PERIOD_STATS[b - STAT_KEY_BASE] : QUANTITY_NAMES[b]);

/** One outbox batch as carried in a compact message (the JSON batch without v, station, sha256). */
export interface BatchPart { seq: number; created: number; records: WireRecord[] }

/** The value as the compact encoding delivers it. */
export function quantiseValue(q: WireKey, v: number | null): number | null {
  if (v === null) return null;
  const d = decimalsOf(q);
  const i = Math.round(v * 10 ** d);
  return i === 0 ? 0 : i / 10 ** d; // no -0
}

/** A record exactly as the receiver will decode it from a compact message. */
export function quantiseRecord<R extends WireRecord>(r: R): R {
  const values: WireRecord['values'] = {};
  for (const [q, mv] of Object.entries(r.values) as [WireKey, MinuteValue][]) {
    const out: MinuteValue = { v: quantiseValue(q, mv.v), f: mv.f, n: mv.n };
    // Reasons are a set: delivered in QC_REASONS order, an empty list as none.
    if (mv.r?.length) out.r = QC_REASONS.filter((x) => mv.r!.includes(x));
    values[q] = out;
  }
  return { ...r, values };
}

// ---- byte writer / reader: unsigned LEB128 varints up to 2^53, zigzag for signed ----
class Writer {
  private buf = Buffer.alloc(1024);
  len = 0;
  private room(n: number) {
    if (this.len + n <= this.buf.length) return;
    const b = Buffer.alloc(Math.max(this.buf.length * 2, this.len + n));
    this.buf.copy(b, 0, 0, this.len);
    this.buf = b;
  }
  byte(b: number) { this.room(1); this.buf[this.len++] = b; }
  uint(n: number) {
    if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`compact: cannot encode ${n} as an unsigned integer`);
    while (n >= 0x80) { this.byte((n % 0x80) | 0x80); n = Math.floor(n / 0x80); }
    this.byte(n);
  }
  int(n: number) { this.uint(n >= 0 ? n * 2 : -n * 2 - 1); }
  bytes(b: Buffer) { this.room(b.length); b.copy(this.buf, this.len); this.len += b.length; }
  str(s: string) { const b = Buffer.from(s, 'utf8'); this.uint(b.length); this.bytes(b); }
  done(): Buffer { return this.buf.subarray(0, this.len); }
}

class Reader {
  pos = 0;
  constructor(private readonly buf: Buffer) {}
  byte(): number {
    if (this.pos >= this.buf.length) throw new Error('compact: message ends early');
    return this.buf[this.pos++]!;
  }
  uint(): number {
    let n = 0;
    for (let mul = 1; ; mul *= 0x80) {
      const b = this.byte();
      n += (b & 0x7f) * mul;
      if (!(b & 0x80)) break;
      if (mul > 2 ** 49) throw new Error('compact: varint too long');
    }
    return n;
  }
  int(): number { const z = this.uint(); return z % 2 ? -(z + 1) / 2 : z / 2; }
  bytes(n: number): Buffer {
    if (this.pos + n > this.buf.length) throw new Error('compact: message ends early');
    return this.buf.subarray(this.pos, (this.pos += n));
  }
  str(): string { return this.bytes(this.uint()).toString('utf8'); }
  get left(): number { return this.buf.length - this.pos; }
}

// Per-value head byte: bits 0-2 flag index, bit 3 has reasons, bit 4 v is null.
const FLAG_INDEX = new Map<QcFlag, number>(QC_FLAGS.map((f, i) => [f, i]));
const REASON_BIT = new Map<QcReason, number>(QC_REASONS.map((r, i) => [r, 1 << i]));

function checksum(station: string, body: Buffer): Buffer {
  return createHash('sha256').update(station).update('\0').update(body).digest().subarray(0, 4);
}

/** Encode batches (ascending seq) of one station as one compact message. */
export function encodeCompact(station: string, parts: BatchPart[]): Buffer {
  if (!parts.length) throw new RangeError('compact: nothing to encode');
  const w = new Writer();
  // Batches: seq and created (whole seconds) delta-coded, record counts.
  w.uint(parts.length);
  let prevSeq = 0;
  let prevCreated = 0;
  for (const p of parts) {
    w.int(p.seq - prevSeq);
    const c = Math.round(p.created / 1000);
    w.int(c - prevCreated);
    w.uint(p.records.length);
    prevSeq = p.seq;
    prevCreated = c;
  }
  const recs = parts.flatMap((p) => p.records);
  // Sensors by index, ts delta-coded (a steady minute series is the same bytes again and again).
  const sensors = [...new Set(recs.map((r) => r.sensor))];
  w.uint(sensors.length);
  for (const s of sensors) w.str(s);
  if (sensors.length > 1) for (const r of recs) w.uint(sensors.indexOf(r.sensor));
  // Version 2 only: each record's period (aggregates travel with the minutes that close them).
  const withPeriods = recs.some((r) => r.period !== undefined);
  if (withPeriods) for (const r of recs) w.byte(PERIOD_CODES.indexOf(r.period));
  let prevTs = 0;
  for (const r of recs) { w.int(r.ts - prevTs); prevTs = r.ts; }
  // One column per quantity: presence bitmap, then head bytes, reasons, n, values. Columns
  // keep like with like, which is what the compressor after us feeds on.
  const present = COLUMNS.filter(([q]) => recs.some((r) => r.values[q] !== undefined));
  w.uint(present.length);
  for (const [q, key] of present) {
    const d = decimalsOf(q);
    w.byte(key);
    w.byte(d);
    const col = recs.map((r) => r.values[q]);
    const bitmap = Buffer.alloc(Math.ceil(recs.length / 8));
    col.forEach((mv, i) => { if (mv) bitmap[i >> 3]! |= 1 << (i & 7); });
    w.bytes(bitmap);
    const vals = col.filter((mv): mv is MinuteValue => mv !== undefined);
    for (const mv of vals) {
      const f = FLAG_INDEX.get(mv.f);
      if (f === undefined) throw new RangeError(`compact: unknown flag ${mv.f}`);
      w.byte(f | (mv.r?.length ? 8 : 0) | (mv.v === null ? 16 : 0));
    }
    for (const mv of vals) {
      if (!mv.r?.length) continue;
      let mask = 0;
      for (const r of mv.r) {
        const bit = REASON_BIT.get(r);
        if (bit === undefined) throw new RangeError(`compact: unknown reason ${r}`);
        mask |= bit;
      }
      w.uint(mask);
    }
    for (const mv of vals) w.uint(mv.n);
    let prev = 0;
    for (const mv of vals) {
      if (mv.v === null) continue;
      if (!Number.isFinite(mv.v)) throw new RangeError(`compact: ${q} value ${mv.v} is not finite`);
      const i = Math.round(mv.v * 10 ** d);
      w.int(i - prev);
      prev = i;
    }
  }
  const body = w.done();
  const full = Buffer.concat([body, checksum(station, body)]);
  // The smaller of the two compressors wins; tiny messages may go uncompressed.
  const candidates: Array<[number, Buffer]> = [
    [0, full],
    [1, deflateRawSync(full, { level: 9, memLevel: 9 })],
    [2, brotliCompressSync(full, { params: { [zc.BROTLI_PARAM_QUALITY]: 11, [zc.BROTLI_PARAM_LGWIN]: 16, [zc.BROTLI_PARAM_SIZE_HINT]: full.length } })],
  ];
  const [id, payload] = candidates.reduce((a, b) => (b[1].length < a[1].length ? b : a));
  return Buffer.concat([Buffer.from([COMPACT_MAGIC, withPeriods ? 2 : 1, id]), payload]);
}

export function isCompact(payload: Buffer): boolean {
  return payload.length > 0 && payload[0] === COMPACT_MAGIC;
}

export type DecodedCompact = { ok: true; batches: ObsBatch[] } | { ok: false; error: string };

/**
 * Decode a compact message of `station` (from its topic) into JSON-shaped batches, each with
 * its sha256 recomputed, so the receiver stores both encodings the same way. Never throws.
 */
export function decodeCompact(station: string, payload: Buffer): DecodedCompact {
  try {
    if (payload.length < 3 || payload[0] !== COMPACT_MAGIC) return { ok: false, error: 'not a compact message' };
    if (!VERSIONS.has(payload[1]!)) return { ok: false, error: `compact version ${payload[1]} unknown (this side knows 1–${COMPACT_VERSION})` };
    const comp = COMPRESSORS[payload[2]!];
    const packed = payload.subarray(3);
    let full: Buffer;
    if (comp === 'none') full = packed;
    else if (comp === 'deflate-raw') full = inflateRawSync(packed, { maxOutputLength: MAX_BODY });
    else if (comp === 'brotli') full = brotliDecompressSync(packed, { maxOutputLength: MAX_BODY });
    else return { ok: false, error: `compressor ${payload[2]} unknown` };
    if (full.length < 4) return { ok: false, error: 'compact: message too short' };
    const body = full.subarray(0, full.length - 4);
    if (!checksum(station, body).equals(full.subarray(full.length - 4))) return { ok: false, error: `checksum mismatch (station ${station})` };
    return { ok: true, batches: readBody(station, new Reader(body), payload[1]!) };
  } catch (e) {
    return { ok: false, error: (e as Error).message };
  }
}

function readBody(station: string, r: Reader, version: number): ObsBatch[] {
  const nParts = r.uint();
  const heads: Array<{ seq: number; created: number; n: number }> = [];
  let seq = 0;
  let created = 0;
  for (let i = 0; i < nParts; i++) {
    seq += r.int();
    created += r.int();
    const n = r.uint();
    if (n > r.left * 8 + 8) throw new Error('compact: record count larger than the message');
    heads.push({ seq, created: created * 1000, n });
  }
  const total = heads.reduce((s, h) => s + h.n, 0);
  const sensors = Array.from({ length: r.uint() }, () => r.str());
  const sensorOf = sensors.length > 1 ? Array.from({ length: total }, () => r.uint()) : new Array<number>(total).fill(0);
  const periodOf = version >= 2 ? Array.from({ length: total }, () => r.byte()) : new Array<number>(total).fill(0);
  const recs: WireRecord[] = [];
  let ts = 0;
  for (let i = 0; i < total; i++) {
    ts += r.int();
    const sensor = sensors[sensorOf[i]!];
    if (sensor === undefined) throw new Error('compact: sensor index out of range');
    if (periodOf[i]! >= PERIOD_CODES.length) throw new Error('compact: unknown period code');
    const period = PERIOD_CODES[periodOf[i]!];
    recs.push(period ? { ts, sensor, period, values: {} } : { ts, sensor, values: {} });
  }
  const nCols = r.uint();
  for (let c = 0; c < nCols; c++) {
    const q = keyOfByte(r.byte());
    if (!q) throw new Error('compact: unknown quantity index');
    const d = r.byte();
    const bitmap = r.bytes(Math.ceil(total / 8));
    const idx: number[] = [];
    for (let i = 0; i < total; i++) if (bitmap[i >> 3]! & (1 << (i & 7))) idx.push(i);
    const heads2 = idx.map(() => r.byte());
    const masks = heads2.map((h) => (h & 8 ? r.uint() : 0));
    const ns = heads2.map(() => r.uint());
    let prev = 0;
    heads2.forEach((h, j) => {
      const f = QC_FLAGS[h & 7];
      if (!f || h > 31) throw new Error('compact: bad value head byte');
      let v: number | null = null;
      if (!(h & 16)) {
        prev += r.int();
        v = prev === 0 ? 0 : prev / 10 ** d;
      }
      const mv: MinuteValue = { v, f, n: ns[j]! };
      if (h & 8) mv.r = QC_REASONS.filter((_, b) => masks[j]! & (1 << b));
      recs[idx[j]!]!.values[q] = mv;
    });
  }
  let k = 0;
  return heads.map((h) => {
    const records = recs.slice(k, (k += h.n));
    return { v: 1 as const, station, seq: h.seq, created: h.created, records, sha256: batchChecksum(station, h.seq, records) };
  });
}
