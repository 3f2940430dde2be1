// Table-driven golden cases (Telegraf style): every folder under testcases/ holds a device
// capture `input.txt` and the events the driver must produce, `expected.jsonl`. Lines are fed
// one by one through the real driver (framing, parsing, address filter) over an in-process
// transport, one clock second apart, so each event can name the input line it came from.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ManualClock, type Observation, type Rejection } from '../../core/index.ts';
import { MemoryTransport } from '../transport/memory.ts';
import { Wxt530Driver } from './driver.ts';

const DIR = join(import.meta.dirname, 'testcases');
const T0 = Date.UTC(2026, 4, 1, 0, 0, 0);

type Expected =
  | { line: number; quantity: string; value: number | null; qc: string }
  | { line: number; reject: string; raw?: string };

async function run(input: Buffer) {
  const clock = new ManualClock(T0);
  const transport = new MemoryTransport();
  const driver = new Wxt530Driver({ sensor: 'wxt', transport, clock });
  const events: Array<{ obs: Observation } | { rej: Rejection }> = [];
  driver.on('observations', (obs: Observation[]) => obs.forEach((o) => events.push({ obs: o })));
  driver.on('rejection', (r: Rejection) => events.push({ rej: r }));
  driver.start();
  await Promise.resolve(); // MemoryTransport opens on a microtask
  const text = input.toString('latin1');
  const pieces = text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
  for (const [i, piece] of pieces.entries()) {
    clock.advance(i === 0 ? 0 : 1000);
    expect(transport.device.send(Buffer.from(piece, 'latin1'))).toBe(true);
  }
  await driver.stop();
  return events;
}

const cases = readdirSync(DIR, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();

describe('WXT530 golden cases', () => {
  it('finds the case folders', () => {
    expect(cases.length).toBeGreaterThanOrEqual(10);
  });

  for (const name of cases) {
    it(name, async () => {
      const input = readFileSync(join(DIR, name, 'input.txt'));
      const expected = readFileSync(join(DIR, name, 'expected.jsonl'), 'utf8').split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as Expected);
      const got = await run(input);
      const describeEvent = (e: (typeof got)[number]) => ('obs' in e ? `${(e.obs.ts - T0) / 1000 + 1}: ${e.obs.quantity}=${e.obs.value}` : `${(e.rej.ts - T0) / 1000 + 1}: reject ${e.rej.reason} [${e.rej.raw}]`);
      expect(got.length, got.map(describeEvent).join('\n')).toBe(expected.length);
      for (const [i, want] of expected.entries()) {
        const e = got[i]!;
        const at = `event ${i} (${describeEvent(e)})`;
        const ts = T0 + (want.line - 1) * 1000;
        if ('reject' in want) {
          expect('rej' in e, at).toBe(true);
          if (!('rej' in e)) continue;
          expect(e.rej.ts, at).toBe(ts);
          expect(e.rej.sensor).toBe('wxt');
          expect(e.rej.reason, at).toContain(want.reject);
          if (want.raw !== undefined) expect(e.rej.raw, at).toBe(want.raw);
        } else {
          expect('obs' in e, at).toBe(true);
          if (!('obs' in e)) continue;
          expect(e.obs.ts, at).toBe(ts);
          expect(e.obs.sensor).toBe('wxt');
          expect(e.obs.quantity, at).toBe(want.quantity);
          if (want.value === null) expect(e.obs.value, at).toBeNull();
          else expect(e.obs.value, at).toBeCloseTo(want.value, 5);
          expect(e.obs.qc.flag, at).toBe(want.qc);
          expect(e.obs.qc.reasons, at).toEqual(want.qc === 'missing' ? ['sensor_status'] : []);
        }
      }
    });
  }
});
