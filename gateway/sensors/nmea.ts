// An NMEA 0183 weather sensor in the station file (drivers/nmea/README.md for the device side).
import { z } from 'zod';
import { createTransport, NmeaDriver } from '../../drivers/index.ts';
import { portUrl } from './port.ts';
import { SENSOR_ID, type SensorFamily } from './types.ts';

const schema = z.object({
  id: z.string().regex(SENSOR_ID, 'lower-case letters, digits, _ and - only'),
  type: z.literal('nmea-0183'),
  port: portUrl,
  /** NMEA 0183 standard rate; Airmar WX can be switched to 38400 */
  baud: z.number().int().positive().default(4800),
  /** degrees clockwise from true north to the sensor's reference mark; added to relative wind */
  heading_offset_deg: z.number().min(-360).max(360).default(0),
  /** XDR transducer names whose readings are this sensor's own; others are stored as `<id>/<name>` */
  xdr_merge: z.array(z.string().min(1)).default([]),
  /** no byte for this long ⇒ the port is closed and reopened (serial-node.md: missed disconnects) */
  idle_timeout_s: z.number().positive().default(30),
}).strict();

export const nmea: SensorFamily<typeof schema> = {
  type: 'nmea-0183',
  schema,
  expected: ['wind_speed', 'wind_from_direction', 'air_temperature', 'relative_humidity', 'air_pressure'],
  create(c, { clock, log }) {
    const transport = createTransport(c.port, { clock, baudRate: c.baud, idleTimeoutMs: c.idle_timeout_s * 1000, log });
    return new NmeaDriver({ sensor: c.id, transport, clock, headingOffsetDeg: c.heading_offset_deg, xdrMerge: c.xdr_merge });
  },
};
