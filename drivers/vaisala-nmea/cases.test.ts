// WXT530 NMEA-mode golden cases through the real driver.
import { join } from 'node:path';
import { goldenSuite } from '../framing/golden.ts';
import { WxtNmeaDriver } from './driver.ts';

goldenSuite('WXT530 NMEA golden cases', join(import.meta.dirname, 'testcases'), 4, (transport, clock) => new WxtNmeaDriver({ sensor: 'wxt', transport, clock }), 'wxt');
