import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../core/index.ts';
import { createTransport } from '../transport/index.ts';
import { MemoryTransport } from '../transport/memory.ts';
import { FarEnd } from '../transport/testing/far-end.ts';
import { SocatPair } from '../transport/testing/socat.ts';
import { probeWxt530 } from './probe.ts';

/** A minimal answering device on the far end of an in-process transport. */
function answering(tr: MemoryTransport, replies: Record<string, string>) {
  tr.on('written', (cmd: string) => {
    const r = replies[cmd.trim()];
    if (r !== undefined) setTimeout(() => tr.device.send(r), 5);
  });
}

describe('probeWxt530', () => {
  let pair: SocatPair | null = null;
  let far: FarEnd | null = null;
  afterEach(async () => {
    await far?.close();
    await pair?.dispose();
    far = null;
    pair = null;
  });

  it('finds a polled WXT over a real PTY, sending only read-only commands', async () => {
    pair = new SocatPair();
    await pair.start();
    const farEnd = new FarEnd(pair.b);
    far = farEnd;
    await farEnd.open();
    const t = createTransport(pair.a, { clock: systemClock });
    // The far end answers like a device: address to `?`, composite data to `0R0`.
    const answered = new Set<string>();
    const timer = setInterval(() => {
      for (const cmd of farEnd.received.split('\r\n').slice(0, -1)) {
        if (answered.has(cmd)) continue;
        answered.add(cmd);
        if (cmd === '?') farEnd.writeQuiet('0\r\n');
        if (cmd === '0R0') farEnd.writeQuiet('0R0,Dx=005D,Sx=2.8M,Ta=23.0C,Ua=30.0P,Pa=1028.2H,Rd=10s,Th=23.6C\r\n');
      }
    }, 5);
    try {
      const r = await probeWxt530(t, systemClock, 3000);
      expect(r).toMatchObject({ found: true, address: '0', confidence: 0.9 });
      expect(r.identity?.fields).toEqual(['Dx', 'Sx', 'Ta', 'Ua', 'Pa', 'Rd', 'Th']);
      expect(r.identity?.messages).toEqual(['composite']);
      expect(farEnd.received).toBe('?\r\n0R0\r\n');
      expect(t.isOpen).toBe(false); // it opened the port, so it closed it
    } finally {
      clearInterval(timer);
    }
  });

  it('uses the address the device reports, and falls back to aR1 when aR0 is empty', async () => {
    const tr = new MemoryTransport();
    answering(tr, { '?': '5\r\n', '5R0': '5R0\r\n', '5R1': '5R1,Dm=283D,Sm=1.0M\r\n' });
    const r = await probeWxt530(tr, systemClock, 1500);
    expect(r).toMatchObject({ found: true, address: '5', confidence: 0.9 });
    expect(tr.written).toEqual(['?\r\n', '5R0\r\n', '5R1\r\n']);
  });

  it('a device in automatic CRC mode is found with full confidence and its Id', async () => {
    const tr = new MemoryTransport();
    answering(tr, { '?': '0r5,Th=25.0C,Vh=10.6#,Vs=10.8V,Vr=3.369VO]T\r\n0R5,Th=25.9C,Vh=12.0N,Vs=15.2V,Vr=3.475V,Id=HEL___\r\n' });
    const r = await probeWxt530(tr, systemClock, 1500);
    expect(r).toMatchObject({ found: true, address: '0', confidence: 1, identity: { crc: true, id: 'HEL___', messages: ['supervisor'] } });
  });

  it('a silent port is not a WXT', async () => {
    const tr = new MemoryTransport();
    const t0 = Date.now();
    const r = await probeWxt530(tr, systemClock, 400);
    expect(r).toEqual({ found: false, confidence: 0 });
    expect(Date.now() - t0).toBeLessThan(1500);
    expect(tr.written.every((c) => ['?\r\n', '0R0\r\n', '0R1\r\n'].includes(c))).toBe(true);
  });

  it('a device that only echoes an address-like line is a weak maybe, not found', async () => {
    const tr = new MemoryTransport();
    answering(tr, { '?': '0\r\n' });
    const r = await probeWxt530(tr, systemClock, 400);
    expect(r).toEqual({ found: false, address: '0', confidence: 0.3 });
  });

  it('another protocol (NMEA) is not mistaken for a WXT', async () => {
    const tr = new MemoryTransport();
    answering(tr, { '?': '$IIMWV,271.0,R,000.2,N,A*3B\r\n' });
    expect((await probeWxt530(tr, systemClock, 400)).found).toBe(false);
  });

  it('gives up when the port never opens', async () => {
    const t = createTransport('/nonexistent/tty', { clock: systemClock });
    expect(await probeWxt530(t, systemClock, 300)).toEqual({ found: false, confidence: 0 });
    expect(t.isOpen).toBe(false);
  });
});
