// Uplink contract v1 (docs/uplink.md): topics, batch and ack shapes, checksum.
// JSON here; the compact encoding (core/wire-compact.ts) carries the same records. A record
// is a minute or, with `period`, a 10-min / hourly aggregate (issue #6): still wire v1.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { QC_FLAGS, QC_REASONS } from './qc.ts';
import { QUANTITY_NAMES, type Quantity } from './quantities.ts';

export const WIRE_VERSION = 1;

export function topics(station: string) {
  const base = `bonin/v1/${station}`;
  return {
    obs: `${base}/obs`,
    nowcast: `${base}/nowcast`,
    image: `${base}/image`,
    status: `${base}/status`,
    ack: `${base}/ack`,
    cmd: `${base}/cmd`,
    /** the station's answers to `cmd` requests (gap reconciliation) */
    reply: `${base}/reply`,
  };
}

/** Topic filters the central side subscribes to (any station). */
export const ANY_STATION = { obs: 'bonin/v1/+/obs', status: 'bonin/v1/+/status', reply: 'bonin/v1/+/reply' };

const minuteValue = z.object({
  v: z.number().nullable(),
  f: z.enum(QC_FLAGS),
  r: z.array(z.enum(QC_REASONS)).optional(),
  /** samples that went into the value */
  n: z.number().int().nonnegative(),
});
export type MinuteValue = z.infer<typeof minuteValue>;

/**
 * Statistics a 10-min or hourly aggregate carries besides the means and sums of quantities
 * (gateway/aggregate/period.ts `PeriodKey`). Append only: the compact encoding numbers them.
 */
export const PERIOD_STATS = [
  'air_temperature_max', 'air_temperature_min', 'rainfall_rate_max',
  'wind_from_direction_sd', 'wind_speed_resultant', 'wind_from_direction_resultant',
  'air_pressure_change_3h', 'air_pressure_tendency', 'air_pressure_tendency_characteristic',
] as const;
export type PeriodStat = (typeof PERIOD_STATS)[number];
export type WireKey = Quantity | PeriodStat;

/** Aggregation periods on the wire besides the minute. A record without `period` is a minute (wire v1 as first sent). */
export const WIRE_PERIODS = ['10min', '1h'] as const;
export type WirePeriod = (typeof WIRE_PERIODS)[number];

const wireRecord = z.object({
  /** start of the minute (or of the period), UTC ms */
  ts: z.number().int(),
  sensor: z.string().min(1),
  /** absent: a one-minute record; '10min' / '1h': an aggregate of that period starting at ts */
  period: z.enum(WIRE_PERIODS).optional(),
  values: z.partialRecord(z.enum([...QUANTITY_NAMES, ...PERIOD_STATS] as unknown as [WireKey, ...WireKey[]]), minuteValue),
});
/** Any record a batch carries: a minute record or a 10-min / hourly aggregate. */
export type WireRecord = z.infer<typeof wireRecord>;

/** One sensor's one-minute record (a WireRecord without period, quantities only). */
export interface MinuteRecord {
  /** start of the minute, UTC ms */
  ts: number;
  sensor: string;
  values: Partial<Record<Quantity, MinuteValue>>;
}

/** The period of a record as the receiver keys it. */
export const periodOf = (r: Pick<WireRecord, 'period'>): '1min' | WirePeriod => r.period ?? '1min';

export const obsBatchSchema = z.object({
  v: z.literal(WIRE_VERSION),
  station: z.string().min(1),
  seq: z.number().int().positive(),
  created: z.number().int(),
  records: z.array(wireRecord),
  /** hex sha256 of JSON.stringify([station, seq, records]) */
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});
export type ObsBatch = z.infer<typeof obsBatchSchema>;

export const ackSchema = z.object({
  v: z.literal(WIRE_VERSION),
  station: z.string().min(1),
  /** the batch sequences stored (or already held) by the central system */
  seqs: z.array(z.number().int().positive()),
  /** the same as inclusive [first, last] ranges: an hour of batches in a few bytes (the downlink is paid too) */
  ranges: z.array(z.tuple([z.number().int().positive(), z.number().int().positive()])).max(1000).optional(),
  /** the receiver's clock when it acked, UTC ms */
  ts: z.number().int(),
});
export type Ack = z.infer<typeof ackSchema>;

export const statusSchema = z.object({
  v: z.literal(WIRE_VERSION),
  station: z.string(),
  state: z.enum(['online', 'offline']),
  ts: z.number().int(),
}).passthrough();
export type Status = z.infer<typeof statusSchema>;

/** Central → station on `cmd`: send these seq ranges again (inclusive), or say what became of them. */
export const resendCmdSchema = z.object({
  v: z.literal(WIRE_VERSION),
  station: z.string().min(1),
  cmd: z.literal('resend'),
  ranges: z.array(z.tuple([z.number().int().positive(), z.number().int().positive()])).max(1000),
  ts: z.number().int(),
});
export type ResendCmd = z.infer<typeof resendCmdSchema>;

/** Station → central on `reply`: what became of the ranges asked for. Ranges inclusive. */
export const resendReplySchema = z.object({
  v: z.literal(WIRE_VERSION),
  station: z.string().min(1),
  /** still in the outbox: they come with the normal drain */
  pending: z.array(z.tuple([z.number().int(), z.number().int()])),
  /** acknowledged before, rebuilt from the stored records and sent again on `obs` */
  resent: z.array(z.tuple([z.number().int(), z.number().int()])),
  /** dropped by the disk quota: they will never come */
  evicted: z.array(z.tuple([z.number().int(), z.number().int()])),
  /** never given by this station, or records no longer held */
  unknown: z.array(z.tuple([z.number().int(), z.number().int()])),
  ts: z.number().int(),
});
export type ResendReply = z.infer<typeof resendReplySchema>;

/** [1,2,3,7,8] → [[1,3],[7,8]] */
export function toRanges(seqs: number[]): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (const s of [...seqs].sort((a, b) => a - b)) {
    const last = out[out.length - 1];
    if (last && s <= last[1] + 1) last[1] = Math.max(last[1], s);
    else out.push([s, s]);
  }
  return out;
}

export function batchChecksum(station: string, seq: number, records: WireRecord[]): string {
  return createHash('sha256').update(JSON.stringify([station, seq, records])).digest('hex');
}

export function makeBatch(station: string, seq: number, created: number, records: WireRecord[]): ObsBatch {
  return { v: WIRE_VERSION, station, seq, created, records, sha256: batchChecksum(station, seq, records) };
}

export type Decoded<T> = { ok: true; value: T } | { ok: false; error: string };

/** Parse and verify an obs batch from the wire; never throws. */
export function decodeBatch(payload: Buffer | string): Decoded<ObsBatch> {
  let json: unknown;
  try {
    json = JSON.parse(payload.toString());
  } catch (e) {
    return { ok: false, error: `not JSON: ${(e as Error).message}` };
  }
  const parsed = obsBatchSchema.safeParse(json);
  if (!parsed.success) return { ok: false, error: `not a v1 batch: ${z.prettifyError(parsed.error).replace(/\n/g, '; ')}` };
  const b = parsed.data;
  // Checksum over the records as sent (zod's output may order keys differently).
  const rawRecords = (json as { records: WireRecord[] }).records;
  if (batchChecksum(b.station, b.seq, rawRecords) !== b.sha256) return { ok: false, error: `checksum mismatch for ${b.station} seq ${b.seq}` };
  return { ok: true, value: b };
}

/** Every seq an ack names, from `seqs` and `ranges` (a range longer than 100,000 is refused as corrupt). */
export function ackedSeqs(ack: Ack): number[] {
  const out = [...ack.seqs];
  for (const [a, b] of ack.ranges ?? []) if (b >= a && b - a < 100_000) for (let s = a; s <= b; s++) out.push(s);
  return out;
}

export function decodeAck(payload: Buffer | string): Decoded<Ack> {
  try {
    const parsed = ackSchema.safeParse(JSON.parse(payload.toString()));
    return parsed.success ? { ok: true, value: parsed.data } : { ok: false, error: z.prettifyError(parsed.error) };
  } catch (e) {
    return { ok: false, error: `not JSON: ${(e as Error).message}` };
  }
}
