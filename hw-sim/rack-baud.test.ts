// The baud gate over a real socat PTY: a twin kept at 9600 is heard (and understood) only by
// a host that opened the port at 9600; at 19200 both directions are debris.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SerialPort } from 'serialport';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../core/index.ts';
import { SIM_CATALOG } from './catalog.ts';
import { exposePty, hasSocat, type PtyExposure } from './expose/pty.ts';
import { BaudGate, BaudObserver, garble } from './rack-baud.ts';
import { tradeWindDay } from './weather/trade-wind.ts';
import { planRack } from './rack.ts';

const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

async function hostSays(path: string, baudRate: number, command: string, ms: number): Promise<Buffer> {
  const port = new SerialPort({ path, baudRate, dataBits: 7, parity: 'even', autoOpen: false });
  await new Promise<void>((res, rej) => port.open((e) => (e ? rej(e) : res())));
  const got: Buffer[] = [];
  port.on('data', (b: Buffer) => got.push(b));
  port.write(command);
  await new Promise((r) => setTimeout(r, ms));
  await new Promise<void>((r) => port.close(() => r()));
  return Buffer.concat(got);
}

describe('baud gate', () => {
  it('garble gives high-bit debris in the ratio of the rates, never text', () => {
    const line = Buffer.from('P= 1013.2 hPa\r\n');
    const g = garble(line, 9600, 19200, 1);
    expect(g.length).toBe(line.length * 2);
    expect([...g].every((b) => b >= 0x80)).toBe(true);
    expect(garble(line, 19200, 1200, 1).length).toBe(1);
  });

  it.skipIf(!hasSocat())('a PTB330 at 9600 answers VERS at 9600 only', { timeout: 30_000 }, async () => {
    const inner = SIM_CATALOG['vaisala-ptb330']!.create({ clock: systemClock, scenario: tradeWindDay({ start: Date.now(), seed: 1 }), seed: 1, options: {} });
    const gate = new BaudGate(inner, 9600);
    const dir = mkdtempSync(join(tmpdir(), 'bonin-gate-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    const e: PtyExposure = await exposePty(gate, { dir, name: 'ptb' });
    cleanup.push(() => e.close());
    gate.observer = await BaudObserver.open(e.path);
    cleanup.push(() => gate.observer!.close());
    gate.start();
    cleanup.push(() => gate.stop());
    expect((await hostSays(e.path, 9600, '\r\nVERS\r\n', 300)).toString('latin1')).toContain('PTB330 / 1.12');
    const wrong = await hostSays(e.path, 19200, '\r\nVERS\r\n', 300);
    expect(wrong.toString('latin1')).not.toContain('PTB330');
    expect(gate.counts.garbled).toBeGreaterThan(0);
    // And it still answers at its own rate afterwards (the debris it heard was dropped with the line).
    expect((await hostSays(e.path, 9600, '\r\nVERS\r\n', 300)).toString('latin1')).toContain('PTB330 / 1.12');
  });

  it('a rack plan is the same for a seed, has an absent and a garbage port, and shuffles', () => {
    const a = planRack(42);
    expect(planRack(42)).toEqual(a);
    expect(a.slots.filter((s) => s.variant === 'absent')).toHaveLength(1);
    expect(a.slots.filter((s) => s.variant === 'garbage')).toHaveLength(1);
    expect(a.slots.length).toBeGreaterThanOrEqual(5);
    // Across seeds every family of the catalog appears.
    const kinds = new Set(Array.from({ length: 40 }, (_, i) => planRack(i + 1).slots).flat().map((s) => (typeof s.variant === 'string' ? s.variant : s.variant.kind)));
    for (const k of Object.keys(SIM_CATALOG)) expect(kinds).toContain(k);
  });
});
