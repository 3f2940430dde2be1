// One raw block: the readings of one sensor within one minute, from one commit, packed in a
// single row (migration 8). A row per reading cost the SD card ~650 MB a day at 19 readings/s:
// every commit rewrote whole 4 kB pages of the table and of its (sensor, ts) index, one leaf
// per sensor. A block is columnar JSON, deflated: the times as steps (mostly the same step),
// the quantities, flags and reasons as indexes into the block's own lists. 19 readings/s come
// to a few MB a day. zlib's Adler-32 makes a block damaged on the card fail to decode (the
// reader says so and skips it) instead of giving wrong numbers.
import { deflateSync, inflateSync } from 'node:zlib';
import type { Observation, QcFlag, QcReason, Quantity } from '../../core/index.ts';

interface BlockJson {
  v: 1;
  /** the block's quantities, flags and reason lists ('a,b'), each once */
  q: string[];
  f: string[];
  r: string[];
  /** per reading: ms after the previous reading (the first: after t0), quantity, value, flag, reasons (indexes) */
  t: number[];
  k: number[];
  x: Array<number | null>;
  g: number[];
  e: number[];
}

export interface RawBlock {
  sensor: string;
  /** first and last reading's time (UTC ms); a block never crosses a minute */
  t0: number;
  t1: number;
  n: number;
  data: Buffer;
}

const indexer = () => {
  const list: string[] = [];
  const at = new Map<string, number>();
  return {
    list,
    of(s: string): number {
      let i = at.get(s);
      if (i === undefined) at.set(s, (i = list.push(s) - 1));
      return i;
    },
  };
};

/** Readings of one sensor → blocks, one per minute they fall in, each sorted by time. */
export function packBlocks(sensor: string, readings: readonly Observation[]): RawBlock[] {
  const byMinute = new Map<number, Observation[]>();
  for (const o of readings) {
    const m = Math.floor(o.ts / 60_000);
    const list = byMinute.get(m);
    if (list) list.push(o);
    else byMinute.set(m, [o]);
  }
  return [...byMinute.values()].map((list) => packOne(sensor, list.sort((a, b) => a.ts - b.ts)));
}

function packOne(sensor: string, sorted: Observation[]): RawBlock {
  const q = indexer();
  const f = indexer();
  const r = indexer();
  const json: BlockJson = { v: 1, q: q.list, f: f.list, r: r.list, t: [], k: [], x: [], g: [], e: [] };
  let prev = sorted[0]!.ts;
  for (const o of sorted) {
    json.t.push(o.ts - prev);
    prev = o.ts;
    json.k.push(q.of(o.quantity));
    json.x.push(o.value === null || !Number.isFinite(o.value) ? null : o.value);
    json.g.push(f.of(o.qc.flag));
    json.e.push(r.of(o.qc.reasons.join(',')));
  }
  return { sensor, t0: sorted[0]!.ts, t1: prev, n: sorted.length, data: deflateSync(JSON.stringify(json)) };
}

/** A block's readings, in time order. Throws when the block is damaged or of an unknown version. */
export function unpackBlock(sensor: string, t0: number, data: Buffer): Observation[] {
  const b = JSON.parse(inflateSync(data).toString('utf8')) as BlockJson;
  if (b.v !== 1) throw new Error(`raw block of unknown version ${String(b.v)}`);
  const out: Observation[] = new Array(b.t.length);
  let ts = t0;
  for (let i = 0; i < b.t.length; i++) {
    ts += b.t[i]!;
    const reasons = b.r[b.e[i]!]!;
    out[i] = {
      ts,
      sensor,
      quantity: b.q[b.k[i]!] as Quantity,
      value: b.x[i]!,
      qc: { flag: b.f[b.g[i]!] as QcFlag, reasons: reasons ? (reasons.split(',') as QcReason[]) : [] },
    };
  }
  return out;
}
