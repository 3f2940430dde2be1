// Golden test cases (Telegraf style) for a line driver: every folder under testcases/ holds a
// capture `input.txt` and the events the driver must produce, `expected.jsonl`. Lines are fed
// one by one through the real driver (framing, parsing, filters) over an in-process transport,
// one clock second apart, so each event names the input line it came from. Used by the NMEA
// and WindSonic case tests; `record()` also writes a draft expected.jsonl for review.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ManualClock, type Observation, type Rejection } from '../../core/index.ts';
import type { Driver } from '../driver.ts';
import { MemoryTransport } from '../transport/memory.ts';

export const GOLDEN_T0 = Date.UTC(2026, 4, 1, 0, 0, 0);

export type GoldenEvent =
  | { line: number; quantity: string; value: number | null; qc: string; reasons?: string[]; sensor?: string }
  | { line: number; reject: string; raw?: string };

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
export async function runCase(input: Buffer, make: (t: MemoryTransport, clock: ManualClock) => Driver, sensor: string): Promise<GoldenEvent[]> {
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
  const pieces = input.toString('latin1').match(/[^\n]*\n|[^\n]+$/g) ?? [];
  for (const [i, piece] of pieces.entries()) {
    clock.advance(i === 0 ? 0 : 1000);
    transport.device.send(Buffer.from(piece, 'latin1'));
  }
  await driver.stop();
  return events;
}
