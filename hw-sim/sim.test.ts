import { afterEach, describe, expect, it } from 'vitest';
import { connect } from 'node:net';
import { existsSync } from 'node:fs';
import { SerialPort } from 'serialport';
import { ManualClock, ScaledClock } from '../core/clock.ts';
import { describeSimulation, hasSocat, startSimulation, type Simulation } from './index.ts';
import { lineReader } from './expose/testing.ts';

const sims: Simulation[] = [];
afterEach(async () => {
  for (const s of sims.splice(0)) await s.stop();
});
async function start(o: Parameters<typeof startSimulation>[0]) {
  const sim = await startSimulation(o);
  sims.push(sim);
  return sim;
}

describe('startSimulation', () => {
  it('in-process: one WXT530 with the station settings: 1-s wind, 10-s PTU and rain', async () => {
    const clock = new ManualClock(Date.UTC(2026, 7, 1, 3));
    const sim = await start({ clock, scenario: 'trade-wind', expose: 'inprocess' });
    const [d] = sim.devices;
    expect(d).toMatchObject({ name: 'wxt530', kind: 'vaisala-wxt530', path: 'inprocess:wxt530' });
    expect(sim.scenario.start).toBe(clock.now());
    if (d!.exposure.kind !== 'inprocess') throw new Error('expected in-process');
    const reader = lineReader(d!.exposure.port!);
    clock.advance(60_000);
    await new Promise((r) => setImmediate(r));
    expect(reader.lines.filter((l) => l.startsWith('0R1,'))).toHaveLength(60);
    expect(reader.lines.filter((l) => l.startsWith('0R2,'))).toHaveLength(6);
    expect(reader.lines.filter((l) => l.startsWith('0R3,'))).toHaveLength(6); // also when dry
  });

  it('polled mode by name: silent until polled', async () => {
    const clock = new ManualClock(Date.UTC(2013, 6, 1));
    const sim = await start({ clock, scenario: 'nyc-replay', expose: 'inprocess', wxt: { mode: 'polled', address: '0' } });
    const e = sim.devices[0]!.exposure;
    if (e.kind !== 'inprocess') throw new Error('expected in-process');
    const reader = lineReader(e.port!);
    clock.advance(60_000);
    await new Promise((r) => setImmediate(r));
    expect(reader.lines).toEqual([]);
    e.port!.write('0R2\r\n');
    // JFK 2013-07-01T00:00Z: 73.04 °F = 22.8 °C (± noise), 90.14 %.
    expect(await reader.next(/^0R2,/)).toMatch(/^0R2,Ta=2[23]\.\dC,Ua=(89|90|91)\.\dP,Pa=10\d\d\.\dH$/);
  });

  it('describes where the device is, its protocol, its serial settings and the scenario', async () => {
    const sim = await start({ clock: new ScaledClock(), scenario: 'trade-wind', expose: 'tcp' });
    const text = describeSimulation(sim);
    expect(text).toContain('scenario: trade-wind');
    expect(text).toContain(sim.devices[0]!.path);
    expect(text).toMatch(/19200 baud 8N1, Vaisala ASCII automatic \(aXU,M=A\), address 0/);
    expect(text).toMatch(/wind 1 s \(3-s average\), PTU 10 s, rain every 10 s/);
    const { port } = new URL(sim.devices[0]!.path);
    const socket = connect(Number(port), '127.0.0.1');
    try {
      expect(await lineReader(socket).next(/^0R1,/)).toMatch(/^0R1,Dn=/);
    } finally {
      socket.destroy();
    }
  });

  it.skipIf(!hasSocat())('PTY: a device path the gateway opens with serialport; stop removes it', async () => {
    const sim = await start({ clock: new ScaledClock(), scenario: 'trade-wind', expose: 'pty' });
    const path = sim.devices[0]!.path;
    const port = await new Promise<SerialPort>((resolve, reject) => {
      const p = new SerialPort({ path, baudRate: 19200, autoOpen: false });
      p.open((e) => (e ? reject(e) : resolve(p)));
    });
    expect(await lineReader(port).next(/^0R1,/)).toMatch(/^0R1,/);
    await new Promise<void>((r) => port.close(() => r()));
    await sim.stop();
    expect(existsSync(path)).toBe(false);
  });
});
