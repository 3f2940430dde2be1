// Hydreon RG-15 optical rain gauge in the station file (drivers/rg15/README.md). The driver
// reports the gauge's TotalAcc counter; the aggregator turns it into per-minute rain against
// the last stored counter, so restarts and reconnects neither lose nor double-count rain.
import { z } from 'zod';
import { createTransport, Rg15Driver } from '../../drivers/index.ts';
import { portUrl } from './port.ts';
import { SENSOR_ID, type SensorFamily } from './types.ts';

const schema = z.object({
  id: z.string().regex(SENSOR_ID, 'lower-case letters, digits, _ and - only'),
  type: z.literal('hydreon-rg15'),
  port: portUrl,
  baud: z.number().int().positive().default(9600),
  /** polled: the gateway sends R; continuous: the gauge sends when its count changes (silent when dry) */
  mode: z.enum(['polled', 'continuous']).default('polled'),
  poll_interval_s: z.number().min(1).max(3600).default(10),
  /** polled mode only: no byte for this long ⇒ the port is closed and reopened */
  idle_timeout_s: z.number().positive().default(60),
}).strict();

export const rg15: SensorFamily<typeof schema> = {
  type: 'hydreon-rg15',
  schema,
  expected: ['precipitation_amount', 'rainfall_rate'],
  create(c, { clock, log }) {
    // A gauge in continuous mode is silent for as long as it is dry: no idle watchdog then.
    const idle = c.mode === 'polled' ? { idleTimeoutMs: c.idle_timeout_s * 1000 } : {};
    const transport = createTransport(c.port, { clock, baudRate: c.baud, log, ...idle });
    return new Rg15Driver({ sensor: c.id, transport, clock, mode: c.mode, pollIntervalMs: c.poll_interval_s * 1000 });
  },
};
