// RG-15 golden cases through the real driver (real frames from protocols.md and a real gauge's README output).
import { join } from 'node:path';
import { describe } from 'vitest';
import { goldenCases } from '../framing/golden-cases.ts';
import { Rg15Driver } from './driver.ts';

describe('RG-15 golden cases', () => {
  goldenCases(join(import.meta.dirname, 'testcases'), 'rg', 5, (transport, clock) => new Rg15Driver({ sensor: 'rg', transport, clock, mode: 'continuous' }));
});
