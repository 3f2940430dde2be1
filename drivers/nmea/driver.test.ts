// NmeaDriver on an in-process transport and a manual clock: framing across chunks, XDR
// names, counters, reconnects and random bytes. Over a real PTY: test/devices/nmea.test.ts.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ManualClock, xorChecksum, type Observation, type Rejection } from '../../core/index.ts';
import { MemoryTransport } from '../transport/memory.ts';
import { NmeaDriver } from './driver.ts';

const s = (body: string) => `$${body}*${xorChecksum(body).toLowerCase()}\r\n`;

async function rig(opts: Partial<ConstructorParameters<typeof NmeaDriver>[0]> = {}) {
  const clock = new ManualClock(Date.UTC(2026, 0, 1));
  const transport = new MemoryTransport();
  const driver = new NmeaDriver({ sensor: 'met', transport, clock, ...opts });
  const got = { obs: [] as Observation[], rej: [] as Rejection[], states: [] as string[] };
  driver.on('observations', (o: Observation[]) => got.obs.push(...o));
  driver.on('rejection', (r: Rejection) => got.rej.push(r));
  driver.on('state', (x: { state: string }) => got.states.push(x.state));
  driver.start();
  await Promise.resolve();
  return { clock, transport, driver, got };
}

describe('NmeaDriver', () => {
  it('assembles sentences split across chunks and stamps them with the clock at arrival', async () => {
    const { clock, transport, got } = await rig();
    const line = s('WIMWV,010.0,R,4.0,M,A');
    transport.device.send(line.slice(0, 9));
    clock.advance(250);
    transport.device.send(line.slice(9));
    expect(got.obs.map((o) => [o.quantity, o.value, o.ts])).toEqual([['wind_from_direction', 10, clock.now()], ['wind_speed', 4, clock.now()]]);
    expect(transport.written).toEqual([]); // never writes
  });

  it('merges the listed XDR transducers into the sensor id, keeps the others by name', async () => {
    const { transport, got } = await rig({ xdrMerge: ['TempAir'] });
    transport.device.send(s('IIXDR,C,19.5,C,TempAir,C,25.0,C,Heater'));
    expect(got.obs.map((o) => [o.sensor, o.value])).toEqual([['met', 19.5], ['met/Heater', 25]]);
  });

  it('counts lines, observations, rejections and sentences without checksum', async () => {
    const { transport, driver } = await rig();
    transport.device.send(`${s('IIMTA,20.0,C')}$IIMTA,21.0,C\r\n\r\n${s('IIMTA,20.0,C').replace('*', '*0')}`);
    expect(driver.stats()).toMatchObject({ lines: 3, observations: 2, rejections: 1, ignored: 1, withoutChecksum: 1 });
  });

  it('a partial sentence before a reconnect is not glued to the first one after it', async () => {
    const { transport, got } = await rig();
    transport.device.send('$IIMTA,2');
    transport.device.unplug();
    transport.device.plug();
    transport.device.send(s('IIMTA,20.0,C'));
    expect(got.rej).toEqual([]);
    expect(got.obs.map((o) => o.value)).toEqual([20]);
    expect(got.states).toEqual(['connecting', 'open', 'connecting', 'open']);
  });

  it('an endless line without LF is dropped and reported, not buffered', async () => {
    const { transport, got } = await rig();
    transport.device.send(Buffer.alloc(5000, 0x41));
    transport.device.send(`\r\n${s('IIMTA,20.0,C')}`);
    expect(got.rej.map((r) => r.reason)).toEqual(['line longer than 256 characters dropped']);
    expect(got.obs).toHaveLength(1);
  });

  it('refuses an impossible heading offset at construction', () => {
    expect(() => new NmeaDriver({ sensor: 'x', transport: new MemoryTransport(), clock: new ManualClock(), headingOffsetDeg: 720 })).toThrow(/headingOffsetDeg/);
  });

  it('fuzz: 2,000 runs of random byte chunks never throw and never emit an unflagged value', async () => {
    const { transport, got } = await rig();
    await fc.assert(fc.asyncProperty(fc.array(fc.oneof(fc.uint8Array({ maxLength: 64 }), fc.constantFrom(s('WIMWV,010.0,R,4.0,M,A'), '$', '\r\n', '*', ',')), { maxLength: 12 }), async (chunks) => {
      for (const c of chunks) transport.device.send(typeof c === 'string' ? c : Buffer.from(c));
    }), { numRuns: 2000 });
    for (const o of got.obs) expect(o.value === null ? o.qc.flag === 'missing' : Number.isFinite(o.value) && o.qc.flag !== 'missing').toBe(true);
  });
});
