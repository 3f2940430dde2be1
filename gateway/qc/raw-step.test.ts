import { describe, expect, it } from 'vitest';
import { qc, type Observation } from '../../core/index.ts';
import { RawStepCheck } from './raw-step.ts';

const o = (ts: number, value: number | null, flag: Observation['qc']['flag'] = 'good'): Observation => ({ ts, sensor: 'wxt', quantity: 'air_pressure', value, qc: qc(flag) });

describe('step on raw samples', () => {
  it('a 10-s pressure jump over 0.3 hPa is suspect; the value is kept; the next one compares with it', () => {
    const s = new RawStepCheck();
    expect(s.check(o(0, 1012.0)).qc).toEqual({ flag: 'good', reasons: [] });
    expect(s.check(o(10_000, 1012.2)).qc.flag).toBe('good');
    const jump = s.check(o(20_000, 1013.0));
    expect(jump).toMatchObject({ value: 1013.0, qc: { flag: 'suspect', reasons: ['step'] } });
    expect(s.check(o(30_000, 1013.1)).qc.flag).toBe('good');
  });
  it('bad and missing readings are neither tested nor used as the previous value; a 2-min gap resets', () => {
    const s = new RawStepCheck();
    s.check(o(0, 1012));
    expect(s.check(o(10_000, 1200, 'bad')).qc.flag).toBe('bad');
    expect(s.check(o(20_000, 1012.1)).qc.flag).toBe('good');
    expect(s.check(o(200_000, 1014)).qc.flag).toBe('good');
  });
});
