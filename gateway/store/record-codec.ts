// A minute record as the station stores it: its JSON deflated (issue #10's SD work: a WXT530
// minute is ~640 bytes of JSON, ~290 deflated, and the card writes every byte twice, in the
// WAL and at the checkpoint). Rows written before are plain JSON text and read as they are.
// zlib's Adler-32 makes a record damaged on the card fail to decode, never read as other values.
import { deflateSync, inflateSync } from 'node:zlib';
import type { MinuteRecord } from '../../core/index.ts';

export function packRecord(record: MinuteRecord): Buffer {
  return deflateSync(JSON.stringify(record));
}

/** A stored minute record: deflated JSON (a Buffer) or, from before, JSON text. */
export function unpackRecord(stored: Buffer | string): MinuteRecord {
  return JSON.parse(typeof stored === 'string' ? stored : inflateSync(stored).toString('utf8')) as MinuteRecord;
}
