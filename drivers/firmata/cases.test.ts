// Table-driven golden cases: every folder under testcases/ holds board→host Firmata messages
// (`input.txt`, hex bytes, one message a line, `#` comments; `source.txt` says where each
// frame comes from) and what the driver must report (`expected.jsonl`). The harness plays the
// StandardFirmata handshake over an in-process transport so the real firmata.js and
// johnny-five come up, feeds the case's bytes, then lets one 1-s report interval pass.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ManualClock, type Observation, type Rejection } from '../../core/index.ts';
import { MemoryTransport } from '../transport/memory.ts';
import { FirmataBoardDriver } from './driver.ts';
import { hexLines, UNO_HANDSHAKE } from './testing.ts';

const DIR = join(import.meta.dirname, 'testcases');
type Expected = { quantity: string; value: number | null; qc: string } | { reject: string };

async function run(input: Buffer[]) {
  const clock = new ManualClock(Date.UTC(2026, 4, 1));
  const transport = new MemoryTransport();
  const driver = new FirmataBoardDriver({
    sensor: 'board', transport, clock,
    anemometer: { pin: 2, msPerHz: 2.4 / 3.6 }, rain: { pin: 3, mmPerTip: 0.2794 }, vane: { channel: 0 }, bmp280: { address: 0x77 },
  });
  const events: Array<{ obs: Observation } | { rej: Rejection }> = [];
  driver.on('observations', (obs: Observation[]) => obs.forEach((o) => events.push({ obs: o })));
  driver.on('rejection', (r: Rejection) => events.push({ rej: r }));
  const ready = new Promise((r) => driver.once('ready', r));
  driver.start();
  await new Promise((r) => setTimeout(r, 5));
  transport.device.send(UNO_HANDSHAKE);
  await ready;
  for (const m of input) transport.device.send(m);
  clock.advance(1000);
  await driver.stop();
  return events;
}

const cases = readdirSync(DIR, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();

describe('Firmata board golden cases', () => {
  it('has cases', () => expect(cases.length).toBeGreaterThanOrEqual(6));
  for (const c of cases) {
    it(c, async () => {
      const input = hexLines(readFileSync(join(DIR, c, 'input.txt'), 'utf8'));
      const expected = readFileSync(join(DIR, c, 'expected.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Expected);
      const got = (await run(input)).map((e) => ('obs' in e ? { quantity: e.obs.quantity, value: e.obs.value, qc: e.obs.qc.flag } : { reject: e.rej.reason }));
      // Observations in order, and refusals in order (a report's refusals come before its observations).
      const isRej = (e: object): e is { reject: string } => 'reject' in e;
      expect(got.filter((e) => !isRej(e))).toEqual(expected.filter((e) => !isRej(e)));
      const rej = got.filter(isRej).map((e) => e.reject);
      const want = expected.filter(isRej).map((e) => e.reject);
      expect(rej.length, JSON.stringify(rej)).toBe(want.length);
      for (const [i, w] of want.entries()) expect(rej[i]).toContain(w);
    });
  }
});
