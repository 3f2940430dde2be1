// A record as the station stores it: its JSON deflated (issue #10's SD work: a WXT530 minute is
// ~640 bytes of JSON, ~290 deflated; a 10-minute aggregate ~530, ~200 deflated; and the card
// writes every byte twice, in the WAL and at the checkpoint). Used for minute records and for
// aggregates. Rows written before are plain JSON text and read as they are.
// zlib's Adler-32 makes a record damaged on the card fail to decode, never read as other values.
import { deflateSync, inflateSync } from 'node:zlib';
import type { MinuteRecord } from '../../core/index.ts';

export function packJson(value: unknown): Buffer {
  return deflateSync(JSON.stringify(value));
}

/** A stored record: deflated JSON (a Buffer) or, from before, JSON text. */
export function unpackJson<T>(stored: Buffer | string): T {
  return JSON.parse(typeof stored === 'string' ? stored : inflateSync(stored).toString('utf8')) as T;
}

export const packRecord: (record: MinuteRecord) => Buffer = packJson;
export const unpackRecord = (stored: Buffer | string): MinuteRecord => unpackJson<MinuteRecord>(stored);
