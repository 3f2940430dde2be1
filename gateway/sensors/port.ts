import { z } from 'zod';

/** Where a serial device is: a device path, or a serial device server. */
export const portUrl = z.string().min(1).refine((s) => s.startsWith('/') || /^tcp:\/\/[^:/]+:\d{1,5}$/.test(s), {
  message: 'must be a serial device path (/dev/ttyUSB0) or a serial device server (tcp://host:port)',
});
