// A Gill WindSonic in the station file (drivers/windsonic/README.md for the device side).
import { z } from 'zod';
import { createTransport, WindsonicDriver } from '../../drivers/index.ts';
import { portUrl } from './port.ts';
import { SENSOR_ID, type SensorFamily } from './types.ts';

const schema = z.object({
  id: z.string().regex(SENSOR_ID, 'lower-case letters, digits, _ and - only'),
  type: z.literal('gill-windsonic'),
  port: portUrl,
  baud: z.number().int().positive().default(9600),
  /** unit identifier (node letter), factory Q */
  node: z.string().regex(/^[A-Z]$/, 'one capital letter, the unit identifier').default('Q'),
  mode: z.enum(['continuous', 'polled']).default('continuous'),
  poll_interval_s: z.number().min(0.25).max(3600).default(1),
  /** no byte for this long ⇒ the port is closed and reopened; the unit sends every second */
  idle_timeout_s: z.number().positive().default(10),
}).strict();

export const windsonic: SensorFamily<typeof schema> = {
  type: 'gill-windsonic',
  schema,
  expected: ['wind_speed', 'wind_from_direction'],
  create(c, { clock, log }) {
    // A polled unit is silent between polls: never call it dead before three polls went unanswered.
    const idleS = c.mode === 'polled' ? Math.max(c.idle_timeout_s, 3 * c.poll_interval_s) : c.idle_timeout_s;
    const transport = createTransport(c.port, { clock, baudRate: c.baud, idleTimeoutMs: idleS * 1000, log });
    return new WindsonicDriver({ sensor: c.id, transport, clock, node: c.node, mode: c.mode, pollIntervalMs: c.poll_interval_s * 1000 });
  },
};
