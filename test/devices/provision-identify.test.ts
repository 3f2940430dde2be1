// Provisioning's port identification (gateway/provision/identify.ts) on a serial device
// server (tcp://, no baud to choose) and on a PTY whose device answers only at its own rate.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../core/index.ts';
import { identifyPort } from '../../gateway/provision/identify.ts';
import { SIM_CATALOG } from '../../hw-sim/catalog.ts';
import { exposePty, exposeTcp, hasSocat } from '../../hw-sim/index.ts';
import { BaudGate, BaudObserver } from '../../hw-sim/rack-baud.ts';
import { tradeWindDay } from '../../hw-sim/weather/trade-wind.ts';

const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});
const twin = (kind: string, options: Record<string, unknown>) => {
  const t = SIM_CATALOG[kind]!.create({ clock: systemClock, scenario: tradeWindDay({ start: Date.now(), seed: 1 }), seed: 1, options });
  cleanup.push(() => t.stop());
  return t;
};
const opts = { clock: systemClock, listenMs: 1200, probeMs: 900 };

describe('identifyPort', () => {
  it('a polled WXT530 behind a serial device server (tcp://): one pass, no baud, model and firmware from aXU', { timeout: 60_000 }, async () => {
    const t = twin('vaisala-wxt530', { mode: 'P', address: '3' });
    const e = await exposeTcp(t);
    cleanup.push(() => e.close());
    t.start();
    const f = await identifyPort(e.url, opts);
    expect(f).toMatchObject({ status: 'identified', type: 'vaisala-wxt530', identity: { model: 'WXT530', firmware: '3.86' }, sensor: { address: '3', mode: 'polled' } });
    expect(f.baud).toBeUndefined();
  });

  it('a PTB210 kept at 2400 on a PTY is found at 2400 after silence and debris elsewhere', { timeout: 120_000 }, async (ctx) => {
    if (!hasSocat()) ctx.skip();
    const gate = new BaudGate(twin('vaisala-ptb210', {}), 2400);
    const dir = mkdtempSync(join(tmpdir(), 'bonin-identify-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    const e = await exposePty(gate, { dir, name: 'ptb210' });
    cleanup.push(() => e.close());
    gate.observer = await BaudObserver.open(e.path);
    cleanup.push(() => gate.observer!.close());
    gate.start();
    const f = await identifyPort(e.path, { ...opts, bauds: [9600, 2400] });
    expect(f).toMatchObject({ status: 'identified', type: 'vaisala-ptb210', baud: 2400, sensor: { type: 'vaisala-ptb210', data_bits: 7, parity: 'even' } });
    expect(f.evidence[0]).toMatch(/silent at 9600 baud/);
  });

  it('a path that does not exist is an error that says what to check', async () => {
    const f = await identifyPort('/dev/ttyUSB-nope', opts);
    expect(f).toMatchObject({ status: 'error', confidence: 0 });
    expect(f.evidence[0]).toMatch(/does not exist: check the cable/);
  });
});
