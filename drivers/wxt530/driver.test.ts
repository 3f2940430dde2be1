// Wxt530Driver over a real socat PTY and the real serial transport: the far end plays the
// sensor with the real frames of protocols.md.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock, systemClock, vaisalaCrc, type Observation, type Rejection } from '../../core/index.ts';
import { createTransport } from '../transport/index.ts';
import { MemoryTransport } from '../transport/memory.ts';
import { FarEnd } from '../transport/testing/far-end.ts';
import { SocatPair } from '../transport/testing/socat.ts';
import { nextEvent, waitUntil } from '../transport/testing/wait.ts';
import { Wxt530Driver } from './driver.ts';

let pair: SocatPair;
let far: FarEnd;
let driver: Wxt530Driver | null = null;

beforeEach(async () => {
  pair = new SocatPair();
  await pair.start();
  far = new FarEnd(pair.b);
});

afterEach(async () => {
  await driver?.stop();
  driver = null;
  await far.close();
  await pair.dispose();
});

function record(d: Wxt530Driver) {
  const got = { obs: [] as Observation[], rej: [] as Rejection[], states: [] as string[] };
  d.on('observations', (o: Observation[]) => got.obs.push(...o));
  d.on('rejection', (r: Rejection) => got.rej.push(r));
  d.on('state', (s: { state: string }) => got.states.push(s.state));
  return got;
}

const value = (obs: Observation[], q: string) => obs.filter((o) => o.quantity === q).at(-1)?.value;

describe('Wxt530Driver over a PTY', () => {
  it('automatic mode: real frames become observations in WMO units, stamped on arrival', async () => {
    driver = new Wxt530Driver({ sensor: 'wxt-1', transport: createTransport(pair.a, { clock: systemClock }), clock: systemClock });
    const got = record(driver);
    driver.start();
    await waitUntil(() => got.states.includes('open'), 3000, 'open');
    await far.open();
    const before = Date.now();
    await far.write('0R1,Dn=236D,Dm=283D,Dx=031D,Sn=0.0M,Sm=1.0M,Sx=2.2M\r\n0R2,Ta=74.6F,Ua=14.2P,Pa=30.32I\r\n');
    await far.write('0r2,Ta=22.7C,Ua=55.5P,Pa=1004.7H@Fn\r\n');
    await waitUntil(() => got.obs.length === 9, 3000, '9 observations');
    expect(got.obs.slice(0, 6).map((o) => [o.quantity, o.value])).toEqual([
      ['wind_from_direction', 283], ['wind_speed', 1], ['wind_speed_of_gust', 2.2],
      ['air_temperature', 23.666667], ['relative_humidity', 14.2], ['air_pressure', 1026.753042],
    ]);
    expect(value(got.obs, 'air_pressure')).toBe(1004.7);
    for (const o of got.obs) {
      expect(o.sensor).toBe('wxt-1');
      expect(o.ts).toBeGreaterThanOrEqual(before);
      expect(o.ts).toBeLessThanOrEqual(Date.now());
    }
    expect(got.rej).toEqual([]);
    expect(driver.stats()).toMatchObject({ lines: 3, observations: 9, rejections: 0 });
  });

  it('polled mode: the poll reaches the device and the reply is parsed', async () => {
    driver = new Wxt530Driver({ sensor: 'wxt', transport: createTransport(pair.a, { clock: systemClock }), clock: systemClock, mode: 'polled', pollIntervalMs: 300 });
    const got = record(driver);
    driver.start();
    await waitUntil(() => got.states.includes('open'), 3000, 'open');
    await far.open();
    // The first poll goes out on open, possibly before the far end listened; wait for the periodic one.
    await waitUntil(() => far.received.includes('0R0\r\n'), 3000, 'a poll at the far end');
    expect(far.received.replaceAll('0R0\r\n', '')).toBe(''); // nothing but polls, no settings commands
    await far.write('0R0,Dx=005D,Sx=2.8M,Ta=23.0C,Ua=30.0P,Pa=1028.2H,Rd=10s,Th=23.6C\r\n');
    await waitUntil(() => got.obs.length === 5, 3000, 'reply parsed');
    expect(got.obs.map((o) => o.quantity)).toEqual(['wind_speed_of_gust', 'air_temperature', 'relative_humidity', 'air_pressure', 'heater_temperature']);
    // Polls keep coming at the interval.
    const n = far.received.length;
    await waitUntil(() => far.received.length >= n + 10, 2000, 'two more polls');
  });

  it('polled with CRC sends 0r0 with its own CRC (0r0 + CRC, as the device requires) and verifies the reply', async () => {
    driver = new Wxt530Driver({ sensor: 'wxt', transport: createTransport(pair.a, { clock: systemClock }), clock: systemClock, mode: 'polled', crc: true, pollIntervalMs: 300 });
    const got = record(driver);
    driver.start();
    await waitUntil(() => got.states.includes('open'), 3000, 'open');
    await far.open();
    await waitUntil(() => far.received.includes(`0r0${vaisalaCrc('0r0')}\r\n`), 3000, 'a CRC poll');
    await far.write('0r2,Ta=22.7C,Ua=55.5P,Pa=1004.7H@Fm\r\n0r2,Ta=22.7C,Ua=55.5P,Pa=1004.7H@Fn\r\n');
    await waitUntil(() => got.obs.length === 3 && got.rej.length === 1, 3000, 'one rejected, one parsed');
    expect(got.rej[0]!.reason).toMatch(/CRC mismatch/);
  });

  it('garbage bytes and torn lines are rejected, the next good line is parsed', async () => {
    driver = new Wxt530Driver({ sensor: 'wxt', transport: createTransport(pair.a, { clock: systemClock }), clock: systemClock });
    const got = record(driver);
    driver.start();
    await waitUntil(() => got.states.includes('open'), 3000, 'open');
    await far.open();
    await far.write(Buffer.from([0x13, 0x88, 0x40, 0xff, 0x0d, 0x0a]));
    await far.write('0R2,Ta=23.');
    await far.write(Buffer.alloc(2000, 0x55)); // a long run without newline must not grow memory
    await far.write('\r\n0R2,Ta=23.6C,Ua=14');
    await far.write('.2P,Pa=1026.6H\r\n');
    await waitUntil(() => got.obs.length === 3, 3000, 'good line');
    expect(got.obs.map((o) => o.value)).toEqual([23.6, 14.2, 1026.6]);
    expect(got.rej.length).toBeGreaterThanOrEqual(2);
    expect(got.rej.map((r) => r.reason).join('|')).toMatch(/line longer than 512/);
  });

  it('observations resume within 5 s after the PTY is killed and restarted', async () => {
    driver = new Wxt530Driver({ sensor: 'wxt', transport: createTransport(pair.a, { clock: systemClock }), clock: systemClock });
    const got = record(driver);
    driver.start();
    await waitUntil(() => got.states.includes('open'), 3000, 'open');
    await far.open();
    await far.write('0R2,Ta=23.6C\r\n');
    await waitUntil(() => got.obs.length === 1, 3000, 'first observation');

    await pair.kill('SIGKILL');
    await far.close();
    await waitUntil(() => got.states.at(-1) === 'connecting', 3000, 'driver notices');
    await pair.start();
    const t0 = Date.now();
    await waitUntil(() => got.states.at(-1) === 'open', 5000, 'reopen');
    await far.open();
    await far.write('0R2,Ta=24.1C\r\n');
    await waitUntil(() => got.obs.length === 2, 5000 - (Date.now() - t0), 'observation after restart');
    expect(got.obs[1]!.value).toBe(24.1);
  });
});

describe('Wxt530Driver (in-process transport, manual clock)', () => {
  it('polls every interval only while open, never queues polls while down', async () => {
    const clock = new ManualClock();
    const tr = new MemoryTransport();
    const d = new Wxt530Driver({ sensor: 'wxt', transport: tr, clock, mode: 'polled', pollIntervalMs: 5000, address: '3' });
    const states: unknown[] = [];
    d.on('state', (s) => states.push(s));
    d.start();
    await Promise.resolve();
    expect(tr.written).toEqual(['3R0\r\n']); // at once on open
    clock.advance(5000);
    clock.advance(5000);
    expect(tr.written).toHaveLength(3);
    tr.device.unplug('cable cut');
    expect(states.at(-1)).toEqual({ state: 'connecting', detail: 'cable cut' });
    clock.advance(60_000);
    expect(tr.written).toHaveLength(3);
    tr.device.plug();
    expect(tr.written).toHaveLength(4);
    await d.stop();
    expect(states.at(-1)).toEqual({ state: 'closed', detail: 'stopped' });
    clock.advance(60_000);
    expect(tr.written).toHaveLength(4);
  });

  it('a partial line before a reconnect is not glued to the first line after it', async () => {
    const clock = new ManualClock();
    const tr = new MemoryTransport();
    const d = new Wxt530Driver({ sensor: 'wxt', transport: tr, clock });
    const obs: Observation[] = [];
    const rej: Rejection[] = [];
    d.on('observations', (o: Observation[]) => obs.push(...o));
    d.on('rejection', (r: Rejection) => rej.push(r));
    d.start();
    await Promise.resolve();
    tr.device.send('0R2,Ta=2');
    tr.device.unplug();
    tr.device.plug();
    tr.device.send('0R2,Ta=23.6C\r\n');
    expect(obs.map((o) => o.value)).toEqual([23.6]);
    expect(rej).toEqual([]);
    await d.stop();
  });

  it('ignores other addresses on a shared bus and counts them', async () => {
    const clock = new ManualClock();
    const tr = new MemoryTransport();
    const d = new Wxt530Driver({ sensor: 'wxt', transport: tr, clock });
    const obs: Observation[] = [];
    d.on('observations', (o: Observation[]) => obs.push(...o));
    d.start();
    await Promise.resolve();
    tr.device.send('1R2,Ta=19.0C\r\n0R2,Ta=23.6C\r\n\r\n');
    expect(obs.map((o) => o.value)).toEqual([23.6]);
    expect(d.stats()).toMatchObject({ lines: 2, observations: 1, rejections: 0, ignored: 2, lastLineAt: clock.now() });
    await d.stop();
  });

  it('rejects a bad address and poll interval at construction', () => {
    const tr = new MemoryTransport();
    expect(() => new Wxt530Driver({ sensor: 's', transport: tr, clock: systemClock, address: '00' })).toThrow(/address/);
    expect(() => new Wxt530Driver({ sensor: 's', transport: tr, clock: systemClock, pollIntervalMs: 0 })).toThrow(/pollIntervalMs/);
  });

  it('emits observations with the clock time of line arrival', async () => {
    const clock = new ManualClock(Date.UTC(2026, 6, 1));
    const tr = new MemoryTransport();
    const d = new Wxt530Driver({ sensor: 'wxt', transport: tr, clock });
    d.start();
    await Promise.resolve();
    const p = nextEvent<Observation[]>(d, 'observations', 1000);
    tr.device.send('0R2,Ta=2');
    clock.advance(700);
    tr.device.send('3.6C\r\n');
    expect((await p)[0]!.ts).toBe(Date.UTC(2026, 6, 1) + 700);
    await d.stop();
  });
});

describe('Wxt530Driver polled aR messages', () => {
  it('asks each configured message in order at every poll; CRC polls carry their CRC', async () => {
    const clock = new ManualClock();
    const tr = new MemoryTransport();
    const d = new Wxt530Driver({ sensor: 'wxt', transport: tr, clock, mode: 'polled', pollIntervalMs: 5000, pollMessages: ['1', '2', '3', '5'] });
    d.start();
    await Promise.resolve();
    expect(tr.written).toEqual(['0R1\r\n0R2\r\n0R3\r\n0R5\r\n']);
    await d.stop();
    const crc = new Wxt530Driver({ sensor: 'wxt', transport: new MemoryTransport(), clock, mode: 'polled', crc: true, pollMessages: ['2'] });
    expect(crc.pollCommand()).toBe('0r2Gje\r\n'); // the CRC the twin's test uses for 0r2 (protocols.md algorithm)
  });
});
