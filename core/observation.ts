import type { Quantity } from './quantities.ts';
import type { Qc } from './qc.ts';

/**
 * One value of one quantity from one sensor at one instant (docs/architecture.md).
 * `value` is null when the device said the value is missing or invalid; its qc is then
 * `missing`. Units are fixed per quantity (core/quantities.ts).
 */
export interface Observation {
  /** UTC milliseconds, from the injected clock. */
  ts: number;
  /** The sensor's id from the station config, e.g. "wxt530". */
  sensor: string;
  quantity: Quantity;
  value: number | null;
  qc: Qc;
}

/** A frame a parser could not use: kept for counting and logging, never silently dropped. */
export interface Rejection {
  ts: number;
  sensor: string;
  /** The offending text, truncated for logs. */
  raw: string;
  reason: string;
}
