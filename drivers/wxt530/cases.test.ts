// WXT530 golden cases (Telegraf style): device captures and the events the real driver must
// produce (drivers/framing/golden.ts says the format).
import { join } from 'node:path';
import { goldenSuite } from '../framing/golden.ts';
import { Wxt530Driver } from './driver.ts';

goldenSuite('WXT530 golden cases', join(import.meta.dirname, 'testcases'), 10, (transport, clock) => new Wxt530Driver({ sensor: 'wxt', transport, clock }), 'wxt');
