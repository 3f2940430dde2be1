// WindsonicDriver on an in-process transport and a manual clock: polling, status events,
// banner text, node letters, reconnects. Over a real PTY: test/devices/windsonic.test.ts.
import { describe, expect, it } from 'vitest';
import { ManualClock, xorChecksum, type Observation, type Rejection } from '../../core/index.ts';
import { MemoryTransport } from '../transport/memory.ts';
import { WindsonicDriver } from './driver.ts';

const g = (body: string) => `\x02${body}\x03${xorChecksum(body)}\r\n`;

async function rig(opts: Partial<ConstructorParameters<typeof WindsonicDriver>[0]> = {}) {
  const clock = new ManualClock(Date.UTC(2026, 0, 1));
  const transport = new MemoryTransport();
  const driver = new WindsonicDriver({ sensor: 'ws', transport, clock, ...opts });
  const got = { obs: [] as Observation[], rej: [] as Rejection[], texts: [] as string[], status: [] as string[] };
  driver.on('observations', (o: Observation[]) => got.obs.push(...o));
  driver.on('rejection', (r: Rejection) => got.rej.push(r));
  driver.on('text', (t: string) => got.texts.push(t));
  driver.on('status', (x: { code: string }) => got.status.push(x.code));
  driver.start();
  await Promise.resolve();
  return { clock, transport, driver, got };
}

describe('WindsonicDriver', () => {
  it('continuous: writes nothing; banner lines are text; status events on each change of code', async () => {
    const { transport, got, driver } = await rig();
    transport.device.send('WINDSONIC (Gill Instruments Ltd)\r\n');
    transport.device.send(g('Q,100,001.00,M,51,') + g('Q,100,001.00,M,00,') + g('Q,100,001.00,M,00,') + g('Q,100,001.00,M,62,'));
    expect(transport.written).toEqual([]);
    expect(got.texts).toEqual(['WINDSONIC (Gill Instruments Ltd)']);
    expect(got.status).toEqual(['51', '00', '62']);
    expect(driver.stats()).toMatchObject({ lines: 5, observations: 8, rejections: 0, ignored: 1, lastStatus: '62' });
  });

  it('polled: ?Q! at once on open and every interval, nothing while down, again at once on reconnect', async () => {
    const { clock, transport } = await rig({ mode: 'polled', pollIntervalMs: 1000 });
    expect(transport.written).toEqual(['?Q!']);
    clock.advance(3000);
    expect(transport.written).toHaveLength(4);
    transport.device.unplug();
    clock.advance(5000);
    expect(transport.written).toHaveLength(4);
    transport.device.plug();
    expect(transport.written).toHaveLength(5);
  });

  it('ignores other node letters on a shared bus', async () => {
    const { transport, got, driver } = await rig({ node: 'B' });
    transport.device.send(g('Q,100,001.00,M,00,') + g('B,100,001.00,M,00,'));
    expect(got.obs).toHaveLength(2);
    expect(driver.stats().ignored).toBe(1);
  });

  it('refuses a node that is not one capital letter and a poll interval under 250 ms', () => {
    const mk = (o: object) => () => new WindsonicDriver({ sensor: 'x', transport: new MemoryTransport(), clock: new ManualClock(), ...o });
    expect(mk({ node: 'q' })).toThrow(/node letter/);
    expect(mk({ pollIntervalMs: 10 })).toThrow(/pollIntervalMs/);
  });
});
