// PTB330/PTB210 golden cases: real manual frames and computed checksum/unit cases through the real driver.
import { join } from 'node:path';
import { describe } from 'vitest';
import { goldenCases } from '../framing/golden-cases.ts';
import { PtbDriver } from './driver.ts';

describe('PTB golden cases', () => {
  goldenCases(join(import.meta.dirname, 'testcases'), 'ptb', 7, (transport, clock) => new PtbDriver({ sensor: 'ptb', transport, clock }));
});
