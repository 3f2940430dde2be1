// The uplink's MQTT client must not keep mqtt-packet's growing caches pinned (mqtt-memory.ts).
import { describe, expect, it } from 'vitest';
import { systemClock } from '../../core/index.ts';
import { createLogger } from '../log.ts';
import { openDatabase, Outbox } from '../store/index.ts';
import { Uplink } from './uplink.ts';

describe('the uplink and mqtt-packet caches', () => {
  it('once started, small Buffers have their own backing store and packet ids are not cached', async () => {
    // Node's default: a 4-byte Buffer is a slice of a shared 8 kB pool, and keeps it alive
    expect(Buffer.allocUnsafe(4).buffer.byteLength).toBe(8192);
    const uplink = new Uplink(new Outbox(openDatabase(':memory:'), 'S'), {
      station: 'S', broker: 'mqtt://127.0.0.1:9', protocolVersion: 5, inFlight: 4, resendAfterMs: 1000, keepaliveS: 5,
      clock: systemClock, log: createLogger({ level: 'silent' }), reconnectBaseMs: 60_000, reconnectCapMs: 60_000,
    });
    uplink.start();
    try {
      expect(Buffer.allocUnsafe(4).buffer.byteLength).toBe(4);
      expect((uplink as unknown as { client: { options: { writeCache?: boolean } } }).client.options.writeCache).toBe(false);
    } finally {
      await uplink.stop();
    }
  });
});
