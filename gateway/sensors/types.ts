// A sensor family as the gateway sees it: the keys of its entry in the station file, what it
// delivers every minute, and how to build its driver. One file per family in this folder;
// `index.ts` lists them, and the config schema and the pipeline take everything from there.
import type { z } from 'zod';
import type { Clock, Quantity } from '../../core/index.ts';
import type { Driver, TransportLog } from '../../drivers/index.ts';

export interface SensorDeps {
  clock: Clock;
  log: TransportLog;
}

export interface SensorFamily<S extends z.ZodObject = z.ZodObject> {
  /** the `type` value in the station file */
  type: string;
  /** the sensor entry's schema; must contain `id` and `type: z.literal(type)` */
  schema: S;
  /** what a minute record of this sensor should hold; absent ones are reported `missing` */
  expected: readonly Quantity[];
  create(config: z.infer<S>, deps: SensorDeps): Driver;
}

/** Keys every sensor entry has. */
export const SENSOR_ID = /^[a-z0-9_-]+$/;
