// The WindSonic golden cases (testcases/*/source.txt says where each frame comes from).
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { WindsonicDriver } from './driver.ts';
import { caseNames, readCase, runCase } from '../nmea/golden.ts';

const DIR = join(import.meta.dirname, 'testcases');

describe('Gill WindSonic golden cases', () => {
  const cases = caseNames(DIR);
  it('finds the case folders', () => expect(cases.length).toBeGreaterThanOrEqual(6));
  for (const name of cases) {
    it(name, async () => {
      const { input, expected } = readCase(DIR, name);
      const got = await runCase(input, (transport, clock) => new WindsonicDriver({ sensor: 'met', transport, clock }), 'met');
      expect(got.length, JSON.stringify(got, null, 1)).toBe(expected.length);
      for (const [i, want] of expected.entries()) {
        const e = got[i]!;
        if ('reject' in want) {
          expect(e, `event ${i}`).toMatchObject({ line: want.line, reject: expect.stringContaining(want.reject) });
          if (want.raw !== undefined) expect((e as { raw: string }).raw).toBe(want.raw);
        } else {
          // Same event exactly (quantity, flag, reasons, sensor), the value to 1e-5.
          const { value, ...rest } = want;
          const { value: v, ...got } = e as typeof want;
          expect(got, `event ${i}`).toEqual(rest);
          if (value === null) expect(v, `event ${i}`).toBeNull();
          else expect(v, `event ${i}`).toBeCloseTo(value, 5);
        }
      }
    });
  }
});
