// The station file's schema. Every key a technician can set is here, with its default and
// its limits, so an invalid file is refused at load with the key and the reason.
import { z } from 'zod';
import { QUANTITY_NAMES, type Quantity } from '../../core/index.ts';
import { SENSOR_SCHEMAS } from '../sensors/index.ts';

const limits = z.tuple([z.number(), z.number()]).refine(([lo, hi]) => lo < hi, { message: 'must be [low, high] with low < high' });

export const stationConfigSchema = z.object({
  station: z.object({
    /** WIGOS station identifier, e.g. 0-392-0-47971 */
    id: z.string().regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, _ and - only (it becomes an MQTT topic level)'),
    name: z.string().min(1),
    latitude: z.number().min(-90).max(90),
    longitude: z.number().min(-180).max(180),
    elevation_m: z.number().min(-500).max(9000),
  }).strict(),
  storage: z.object({
    path: z.string().min(1),
    raw_retention_days: z.number().positive().default(30),
  }).strict(),
  uplink: z.object({
    broker: z.string().regex(/^(mqtts?|wss?|tcp|ssl):\/\/.+/, 'must be a URL like mqtt://host:1883 or mqtts://host:8883'),
    protocol_version: z.union([z.literal(4), z.literal(5)]).default(5),
    username: z.string().optional(),
    password_file: z.string().optional(),
    /** batches sent and not yet acknowledged, at most */
    in_flight: z.number().int().positive().max(1000).default(16),
    /** an unacknowledged batch is sent again after this long */
    resend_after_s: z.number().positive().default(30),
    keepalive_s: z.number().int().positive().default(60),
  }).strict(),
  sensors: z.array(z.discriminatedUnion('type', SENSOR_SCHEMAS)).min(1, 'at least one sensor'),
  qc: z.object({
    /** Per-station climatological limits: values outside are `suspect` (qc.md §2). */
    climate_limits: z.partialRecord(z.enum(QUANTITY_NAMES as [Quantity, ...Quantity[]]), limits).default({}),
  }).strict().default({ climate_limits: {} }),
  log: z.object({
    level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).default('info'),
    file: z.string().optional(),
  }).strict().default({ level: 'info' }),
}).strict();

export type StationConfig = z.infer<typeof stationConfigSchema>;
export type SensorConfig = StationConfig['sensors'][number];
