// Vaisala PTB330 and PTB210 barometers in the station file (drivers/ptb/README.md for the
// device side). Both are E 7 1 serial devices; the gateway polls by default, so a barometer
// left in its factory STOP mode works without any setting changed.
import { z } from 'zod';
import { createTransport, PtbDriver, type PtbModel } from '../../drivers/index.ts';
import { portUrl } from './port.ts';
import { SENSOR_ID, type SensorFamily } from './types.ts';

function schemaFor<T extends 'vaisala-ptb330' | 'vaisala-ptb210'>(type: T) {
  return z.object({
    id: z.string().regex(SENSOR_ID, 'lower-case letters, digits, _ and - only'),
    type: z.literal(type),
    port: portUrl,
    baud: z.number().int().positive().default(9600),
    data_bits: z.union([z.literal(7), z.literal(8)]).default(7),
    parity: z.enum(['none', 'even', 'odd']).default('even'),
    /** polled: the gateway sends SEND (PTB330) or .P (PTB210); automatic: the PTB330 runs (R / SMODE RUN) */
    mode: z.enum(['polled', 'automatic']).default('polled'),
    poll_interval_s: z.number().min(1).max(3600).default(10),
    /** PTB330 on RS-485 in POLL mode: `SEND aa` */
    address: z.number().int().min(0).max(255).optional(),
    /** the FORM's checksum; auto verifies one when present */
    checksum: z.enum(['auto', 'none', 'CS2', 'CS4', 'CSX']).default('auto'),
    idle_timeout_s: z.number().positive().default(60),
  }).strict();
}

function family<T extends 'vaisala-ptb330' | 'vaisala-ptb210'>(type: T, model: PtbModel) {
  const schema = schemaFor(type);
  const f: SensorFamily<typeof schema> = {
    type,
    schema,
    expected: ['air_pressure'],
    create(c, { clock, log }) {
      const transport = createTransport(c.port, { clock, baudRate: c.baud, dataBits: c.data_bits, parity: c.parity, idleTimeoutMs: c.idle_timeout_s * 1000, log });
      return new PtbDriver({ sensor: c.id, transport, clock, model, mode: model === 'PTB210' ? 'polled' : c.mode, pollIntervalMs: c.poll_interval_s * 1000, checksum: c.checksum, ...(c.address !== undefined ? { address: c.address } : {}) });
    },
  };
  return f;
}

export const ptb330 = family('vaisala-ptb330', 'PTB330');
export const ptb210 = family('vaisala-ptb210', 'PTB210');
