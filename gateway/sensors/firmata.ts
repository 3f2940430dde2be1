// A Firmata board (Arduino + StandardFirmata, read through johnny-five) with a cup
// anemometer, a tipping bucket, a resistor-ladder vane and a BMP280 (drivers/firmata/README.md).
// Without keys the wiring is the SparkFun weather meter kit's (anemometer D2, bucket D3, vane
// A0) plus a BMP280 at 0x77; `false` says an instrument is not wired.
import { z } from 'zod';
import { createTransport, FirmataBoardDriver } from '../../drivers/index.ts';
import type { Quantity } from '../../core/index.ts';
import { portUrl } from './port.ts';
import { SENSOR_ID, type SensorFamily } from './types.ts';

const digitalPin = z.number().int().min(0).max(127);

const schema = z.object({
  id: z.string().regex(SENSOR_ID, 'lower-case letters, digits, _ and - only'),
  type: z.literal('firmata-board'),
  port: portUrl,
  /** StandardFirmata's rate */
  baud: z.number().int().positive().default(57600),
  anemometer: z.object({
    pin: digitalPin,
    /** m/s per closure per second: SparkFun 2.4 km/h = 0.6667; Davis 6410 2.25 mph = 1.00584 */
    ms_per_hz: z.number().positive().default(2.4 / 3.6),
  }).strict().or(z.literal(false)).default({ pin: 2, ms_per_hz: 2.4 / 3.6 }),
  rain: z.object({
    pin: digitalPin,
    mm_per_tip: z.number().positive().default(0.2794),
    debounce_ms: z.number().nonnegative().max(2000).default(100),
  }).strict().or(z.literal(false)).default({ pin: 3, mm_per_tip: 0.2794, debounce_ms: 100 }),
  vane: z.object({
    /** analog channel: 0 for A0 */
    analog_pin: z.number().int().min(0).max(15),
    pull_up_ohms: z.number().positive().default(10_000),
    /** degrees added to the reading, for a vane whose north mark is not at true north */
    offset_deg: z.number().min(-360).max(360).default(0),
  }).strict().or(z.literal(false)).default({ analog_pin: 0, pull_up_ohms: 10_000, offset_deg: 0 }),
  bmp280: z.object({
    /** 0x77 (SDO high, johnny-five's default) or 0x76 */
    address: z.number().int().min(0x76).max(0x77).default(0x77),
  }).strict().or(z.literal(false)).default({ address: 0x77 }),
  report_interval_s: z.number().min(0.1).max(60).default(1),
  /** no byte for this long ⇒ the port is closed and reopened (the vane alone reports every 19 ms) */
  idle_timeout_s: z.number().positive().default(10),
}).strict().refine((c) => !(c.anemometer && c.rain && c.anemometer.pin === c.rain.pin), { message: 'anemometer and rain gauge cannot share a pin' });

/** What a board with everything wired delivers; a board without some instrument lists less (see create). */
const ALL: readonly Quantity[] = ['wind_speed', 'wind_speed_of_gust', 'wind_from_direction', 'precipitation_amount', 'air_pressure'];

export const firmata: SensorFamily<typeof schema> = {
  type: 'firmata-board',
  schema,
  expected: ALL,
  create(c, { clock, log }) {
    const transport = createTransport(c.port, { clock, baudRate: c.baud, idleTimeoutMs: c.idle_timeout_s * 1000, log });
    return new FirmataBoardDriver({
      sensor: c.id, transport, clock, reportIntervalMs: c.report_interval_s * 1000,
      ...(c.anemometer ? { anemometer: { pin: c.anemometer.pin, msPerHz: c.anemometer.ms_per_hz } } : {}),
      ...(c.rain ? { rain: { pin: c.rain.pin, mmPerTip: c.rain.mm_per_tip, debounceMs: c.rain.debounce_ms } } : {}),
      ...(c.vane ? { vane: { channel: c.vane.analog_pin, pullUpOhms: c.vane.pull_up_ohms, offsetDeg: c.vane.offset_deg } } : {}),
      ...(c.bmp280 ? { bmp280: { address: c.bmp280.address } } : {}),
    });
  },
};
