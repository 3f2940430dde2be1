// Vaisala WXT530 in the station file (drivers/wxt530/README.md for the device side).
import { z } from 'zod';
import { createTransport, Wxt530Driver, WxtNmeaDriver } from '../../drivers/index.ts';
import { portUrl } from './port.ts';
import { SENSOR_ID, type SensorFamily } from './types.ts';

const schema = z.object({
  id: z.string().regex(SENSOR_ID, 'lower-case letters, digits, _ and - only'),
  type: z.literal('vaisala-wxt530'),
  port: portUrl,
  baud: z.number().int().positive().default(19200),
  address: z.string().regex(/^[0-9A-Za-z]$/, 'one character, the device address (aXU,A=)').default('0'),
  /** ASCII automatic/polled; nmea: NMEA 0183 automatic (aXU,M=N); nmea-query: the gateway sends $--WIQ,XDR*2D (aXU,M=Q) */
  mode: z.enum(['automatic', 'polled', 'nmea', 'nmea-query']).default('automatic'),
  crc: z.boolean().default(false),
  /** polled mode: aR messages asked each poll (0 composite; 1 wind, 2 PTU, 3 rain, 5 supervisor) */
  poll_messages: z.array(z.enum(['0', '1', '2', '3', '5'])).min(1).default(['0']),
  poll_interval_s: z.number().positive().max(3600).default(5),
  /** no byte for this long ⇒ the port is closed and reopened (serial-node.md: missed disconnects) */
  idle_timeout_s: z.number().positive().default(30),
}).strict();

export const wxt530: SensorFamily<typeof schema> = {
  type: 'vaisala-wxt530',
  schema,
  expected: ['wind_speed', 'wind_from_direction', 'wind_speed_of_gust', 'air_temperature', 'relative_humidity', 'air_pressure', 'precipitation_amount'],
  create(c, { clock, log }) {
    const transport = createTransport(c.port, { clock, baudRate: c.baud, idleTimeoutMs: c.idle_timeout_s * 1000, log });
    if (c.mode === 'nmea' || c.mode === 'nmea-query') {
      return new WxtNmeaDriver({ sensor: c.id, transport, clock, address: c.address, mode: c.mode === 'nmea' ? 'automatic' : 'query', pollIntervalMs: c.poll_interval_s * 1000 });
    }
    return new Wxt530Driver({ sensor: c.id, transport, clock, address: c.address, mode: c.mode, crc: c.crc, pollIntervalMs: c.poll_interval_s * 1000, pollMessages: c.poll_messages });
  },
};
