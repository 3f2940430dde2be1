// The NMEA golden cases (testcases/*/source.txt says where each frame comes from).
import { join } from 'node:path';
import { goldenSuite } from '../framing/golden.ts';
import { NmeaDriver } from './driver.ts';

goldenSuite('NMEA 0183 golden cases', join(import.meta.dirname, 'testcases'), 9, (transport, clock) => new NmeaDriver({ sensor: 'met', transport, clock }), 'met');
