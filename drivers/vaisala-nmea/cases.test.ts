// WXT530 NMEA-mode golden cases through the real driver.
import { join } from 'node:path';
import { describe } from 'vitest';
import { goldenCases } from '../framing/golden-cases.ts';
import { WxtNmeaDriver } from './driver.ts';

describe('WXT530 NMEA golden cases', () => {
  goldenCases(join(import.meta.dirname, 'testcases'), 'wxt', 4, (transport, clock) => new WxtNmeaDriver({ sensor: 'wxt', transport, clock }));
});
