// PTB330/PTB210 golden cases: real manual frames and computed checksum/unit cases through the real driver.
import { join } from 'node:path';
import { goldenSuite } from '../framing/golden.ts';
import { PtbDriver } from './driver.ts';

goldenSuite('PTB golden cases', join(import.meta.dirname, 'testcases'), 7, (transport, clock) => new PtbDriver({ sensor: 'ptb', transport, clock }), 'ptb');
