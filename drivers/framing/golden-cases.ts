// Table-driven golden cases for any line driver (the Telegraf-style folders of drivers/wxt530,
// shared): every folder under testcases/ holds a capture `input.txt` and the events the driver
// must produce, `expected.jsonl` — `{line, quantity, value, qc}` or `{line, reject}`. Lines go
// through the real driver (framing, parsing) over an in-process transport, one clock second
// apart, so each event names the input line it came from. A test helper, not a test file.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { ManualClock, type Clock, type Observation, type Rejection } from '../../core/index.ts';
import type { Driver } from '../driver.ts';
import { MemoryTransport } from '../transport/memory.ts';

const T0 = Date.UTC(2026, 4, 1, 0, 0, 0);

type Expected =
  | { line: number; quantity: string; value: number | null; qc: string; reasons?: string[] }
  | { line: number; reject: string };

async function run(input: Buffer, make: (transport: MemoryTransport, clock: Clock) => Driver) {
  const clock = new ManualClock(T0);
  const transport = new MemoryTransport();
  const driver = make(transport, clock);
  const events: Array<{ obs: Observation } | { rej: Rejection }> = [];
  driver.on('observations', (obs: Observation[]) => obs.forEach((o) => events.push({ obs: o })));
  driver.on('rejection', (r: Rejection) => events.push({ rej: r }));
  driver.start();
  await Promise.resolve(); // MemoryTransport opens on a microtask
  // A line end first, as from a device already talking: automatic drivers resync on it.
  transport.device.send('\r\n');
  const pieces = input.toString('latin1').match(/[^\n]*\n|[^\n]+$/g) ?? [];
  for (const [i, piece] of pieces.entries()) {
    clock.advance(i === 0 ? 0 : 1000);
    expect(transport.device.send(Buffer.from(piece, 'latin1'))).toBe(true);
  }
  await driver.stop();
  return events;
}

/** One `it` per case folder in `dir`; at least `min` folders must exist. */
export function goldenCases(dir: string, sensor: string, min: number, make: (transport: MemoryTransport, clock: Clock) => Driver): void {
  const cases = readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();
  it('finds the case folders', () => expect(cases.length).toBeGreaterThanOrEqual(min));
  for (const name of cases) {
    it(name, async () => {
      const expected = readFileSync(join(dir, name, 'expected.jsonl'), 'utf8').split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as Expected);
      const got = await run(readFileSync(join(dir, name, 'input.txt')), make);
      const show = (e: (typeof got)[number]) => ('obs' in e ? `${(e.obs.ts - T0) / 1000 + 1}: ${e.obs.quantity}=${e.obs.value} ${e.obs.qc.flag}` : `${(e.rej.ts - T0) / 1000 + 1}: reject ${e.rej.reason} [${e.rej.raw}]`);
      expect(got.length, got.map(show).join('\n')).toBe(expected.length);
      for (const [i, want] of expected.entries()) {
        const e = got[i]!;
        const at = `event ${i} (${show(e)})`;
        const ts = T0 + (want.line - 1) * 1000;
        if ('reject' in want) {
          if (!('rej' in e)) throw new Error(`${at}: expected a rejection containing "${want.reject}"`);
          expect(e.rej.ts, at).toBe(ts);
          expect(e.rej.sensor).toBe(sensor);
          expect(e.rej.reason, at).toContain(want.reject);
        } else {
          if (!('obs' in e)) throw new Error(`${at}: expected ${want.quantity}=${want.value}`);
          expect(e.obs.ts, at).toBe(ts);
          expect(e.obs.sensor).toBe(sensor);
          expect(e.obs.quantity, at).toBe(want.quantity);
          if (want.value === null) expect(e.obs.value, at).toBeNull();
          else expect(e.obs.value, at).toBeCloseTo(want.value, 5);
          expect(e.obs.qc.flag, at).toBe(want.qc);
          expect(e.obs.qc.reasons, at).toEqual(want.reasons ?? (want.qc === 'not_checked' ? [] : ['sensor_status']));
        }
      }
    });
  }
}
