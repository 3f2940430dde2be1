// Golden test cases (Telegraf style) for every line driver: each folder under testcases/ holds
// a device capture `input.txt` and the events the driver must produce, `expected.jsonl`:
//   {line, quantity, value, qc, reasons?, sensor?}  — `reasons` omitted means none, `sensor`
//                                                     omitted means the suite's sensor id
//   {line, reject, raw?}                            — `reject` is part of the refusal's reason
// Lines go through the real driver (framing, parsing, filters) over an in-process transport,
// one clock second apart, so each event names the input line it came from. A line end is sent
// first, as from a device already talking: automatic drivers resync on it. A test helper
// (imported by each family's cases.test.ts), not a test file; `runCase` also lets a script
// draft an expected.jsonl for review.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ManualClock, type Observation, type Rejection } from '../../core/index.ts';
import type { Driver } from '../driver.ts';
import { MemoryTransport } from '../transport/memory.ts';

export const GOLDEN_T0 = Date.UTC(2026, 4, 1, 0, 0, 0);

export type GoldenEvent =
  | { line: number; quantity: string; value: number | null; qc: string; reasons?: string[]; sensor?: string }
  | { line: number; reject: string; raw?: string };

type MakeDriver = (t: MemoryTransport, clock: ManualClock) => Driver;

export function caseNames(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();
}

export function readCase(dir: string, name: string): { input: Buffer; expected: GoldenEvent[] } {
  return {
    input: readFileSync(join(dir, name, 'input.txt')),
    expected: readFileSync(join(dir, name, 'expected.jsonl'), 'utf8').split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as GoldenEvent),
  };
}

/** Run a capture through a driver built on the given transport; events in order, as GoldenEvents. */
export async function runCase(input: Buffer, make: MakeDriver, sensor: string): Promise<GoldenEvent[]> {
  const clock = new ManualClock(GOLDEN_T0);
  const transport = new MemoryTransport();
  const driver = make(transport, clock);
  const events: GoldenEvent[] = [];
  const line = (ts: number) => (ts - GOLDEN_T0) / 1000 + 1;
  driver.on('observations', (obs: Observation[]) => {
    for (const o of obs) {
      events.push({ line: line(o.ts), quantity: o.quantity, value: o.value, qc: o.qc.flag, ...(o.qc.reasons.length ? { reasons: o.qc.reasons } : {}), ...(o.sensor !== sensor ? { sensor: o.sensor } : {}) });
    }
  });
  driver.on('rejection', (r: Rejection) => events.push({ line: line(r.ts), reject: r.reason, raw: r.raw }));
  driver.start();
  await Promise.resolve(); // MemoryTransport opens on a microtask
  transport.device.send('\r\n');
  const pieces = input.toString('latin1').match(/[^\n]*\n|[^\n]+$/g) ?? [];
  for (const [i, piece] of pieces.entries()) {
    clock.advance(i === 0 ? 0 : 1000);
    if (!transport.device.send(Buffer.from(piece, 'latin1'))) throw new Error(`line ${i + 1}: the in-process transport refused the bytes (driver not listening)`);
  }
  await driver.stop();
  return events;
}

/**
 * One `it` per case folder in `dir` (at least `min` of them): each event must match exactly
 * (line, quantity, flag, reasons, sensor), values to 1e-5, refusals by reason (and raw text
 * where the case gives it).
 */
export function goldenSuite(title: string, dir: string, min: number, make: MakeDriver, sensor: string): void {
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
            if (want.raw !== undefined) expect((e as { raw: string }).raw, `event ${i}`).toBe(want.raw);
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
