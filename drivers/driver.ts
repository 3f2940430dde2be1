// What every device driver is to the gateway, whatever its family. A driver opens its
// transport, frames and parses bytes, and reports; it knows nothing of QC or storage.
import type { EventEmitter } from 'node:events';

export type DriverState = 'connecting' | 'open' | 'closed';

export interface DriverStats {
  /** frames (lines, packets) received */
  lines: number;
  observations: number;
  rejections: number;
  lastLineAt: number | null;
}

/**
 * Events: 'observations' (Observation[]), 'rejection' (Rejection), 'state' ({ state: DriverState, detail?: string }).
 * A driver never throws out of an event handler and never stops on bad input.
 */
export interface Driver extends EventEmitter {
  start(): void;
  stop(): Promise<void>;
  stats(): DriverStats;
}
