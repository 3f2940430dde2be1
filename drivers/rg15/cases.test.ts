// RG-15 golden cases through the real driver (real frames from protocols.md and a real gauge's README output).
import { join } from 'node:path';
import { goldenSuite } from '../framing/golden.ts';
import { Rg15Driver } from './driver.ts';

goldenSuite('RG-15 golden cases', join(import.meta.dirname, 'testcases'), 5, (transport, clock) => new Rg15Driver({ sensor: 'rg', transport, clock, mode: 'continuous' }), 'rg');
