// One table-driven suite over a driver's golden case folders (golden.ts), shared by the NMEA
// and WindSonic case tests: each event must match exactly (quantity, flag, reasons, sensor),
// values to 1e-5, refusals by reason (and raw text where the case gives it).
import { describe, expect, it } from 'vitest';
import type { ManualClock } from '../../core/index.ts';
import type { Driver } from '../driver.ts';
import type { MemoryTransport } from '../transport/memory.ts';
import { caseNames, readCase, runCase } from './golden.ts';

export function goldenSuite(title: string, dir: string, min: number, make: (t: MemoryTransport, clock: ManualClock) => Driver, sensor = 'met'): void {
  describe(title, () => {
    const cases = caseNames(dir);
    it('finds the case folders', () => expect(cases.length).toBeGreaterThanOrEqual(min));
    for (const name of cases) {
      it(name, async () => {
        const { input, expected } = readCase(dir, name);
        const got = await runCase(input, make, sensor);
        expect(got.length, JSON.stringify(got, null, 1)).toBe(expected.length);
        for (const [i, want] of expected.entries()) {
          const e = got[i]!;
          if ('reject' in want) {
            expect(e, `event ${i}`).toMatchObject({ line: want.line, reject: expect.stringContaining(want.reject) });
            if (want.raw !== undefined) expect((e as { raw: string }).raw).toBe(want.raw);
          } else {
            const { value, ...rest } = want;
            const { value: v, ...other } = e as typeof want;
            expect(other, `event ${i}`).toEqual(rest);
            if (value === null) expect(v, `event ${i}`).toBeNull();
            else expect(v, `event ${i}`).toBeCloseTo(value, 5);
          }
        }
      });
    }
  });
}
