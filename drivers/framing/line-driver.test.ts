// The shared LineDriver shell, through the RG-15 driver (the thinnest family), on an
// in-process transport and a manual clock.
import { describe, expect, it } from 'vitest';
import { ManualClock, type Observation, type Rejection } from '../../core/index.ts';
import { MemoryTransport } from '../transport/memory.ts';
import { Rg15Driver } from '../rg15/driver.ts';
import { PtbDriver } from '../ptb/driver.ts';

describe('LineDriver', () => {
  it('polls at once on open and every interval only while open; never queues polls while down', async () => {
    const clock = new ManualClock();
    const tr = new MemoryTransport();
    const d = new Rg15Driver({ sensor: 'rg', transport: tr, clock, pollIntervalMs: 10_000 });
    const states: unknown[] = [];
    d.on('state', (s) => states.push(s));
    d.start();
    await Promise.resolve();
    expect(tr.written).toEqual(['R\n']);
    clock.advance(20_000);
    expect(tr.written).toHaveLength(3);
    tr.device.unplug('cable cut');
    expect(states.at(-1)).toEqual({ state: 'connecting', detail: 'cable cut' });
    clock.advance(60_000);
    expect(tr.written).toHaveLength(3);
    tr.device.plug();
    expect(tr.written).toHaveLength(4);
    await d.stop();
    clock.advance(60_000);
    expect(tr.written).toHaveLength(4);
    expect(states.at(-1)).toEqual({ state: 'closed', detail: 'stopped' });
  });

  it('automatic mode sends nothing at all; a partial line before a reconnect is dropped, not glued', async () => {
    const clock = new ManualClock();
    const tr = new MemoryTransport();
    const d = new PtbDriver({ sensor: 'p', transport: tr, clock });
    const obs: Observation[] = [];
    const rej: Rejection[] = [];
    d.on('observations', (o: Observation[]) => obs.push(...o));
    d.on('rejection', (r: Rejection) => rej.push(r));
    d.start();
    await Promise.resolve();
    tr.device.send('P= 10');
    tr.device.unplug();
    tr.device.plug();
    tr.device.send('13.02 hPa\r\nP= 1013.02 hPa\r\n\r\n');
    expect(obs.map((o) => o.value)).toEqual([1013.02]);
    // Both opens started mid-line for all the driver knows: each first piece is dropped and said so.
    expect(rej.map((r) => [r.raw, r.reason])).toEqual([['P= 10', 'partial line after (re)connect dropped'], ['13.02 hPa', 'partial line after (re)connect dropped']]);
    expect(tr.written).toEqual([]);
    expect(d.stats()).toMatchObject({ lines: 1, observations: 1, rejections: 2, ignored: 1 });
    await d.stop();
  });

  it('a device that never ends its line is cut at maxLineLength and reported', async () => {
    const tr = new MemoryTransport();
    const d = new Rg15Driver({ sensor: 'rg', transport: tr, clock: new ManualClock(), mode: 'continuous' });
    const rej: Rejection[] = [];
    d.on('rejection', (r: Rejection) => rej.push(r));
    d.start();
    await Promise.resolve();
    tr.device.send('\n'); // in sync
    tr.device.send(Buffer.alloc(1000, 0x41));
    tr.device.send('\nAcc  0.00 mm, EventAcc  0.00 mm, TotalAcc  0.10 mm, RInt  0.00 mmph\n');
    expect(rej.map((r) => r.reason)).toEqual(['line longer than 256 characters dropped']);
    expect(d.stats().observations).toBe(2);
    await d.stop();
  });
});
