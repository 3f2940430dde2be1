// An in-process station end for the chaos cases: its store and uplink, the satellite-link
// simulator, a real Mosquitto behind it and the reference receiver. Everything on loopback.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Clock } from '../../core/index.ts';
import { createLogger } from '../../gateway/log.ts';
import { openDatabase, Outbox } from '../../gateway/store/index.ts';
import { Uplink } from '../../gateway/uplink/uplink.ts';
import { startSatelliteLink } from '../../hw-sim/link/satellite-link.ts';
import { Receiver } from '../../hw-sim/receiver/index.ts';
import { Mosquitto } from '../helpers/mosquitto.ts';

export const STN = 'CHAOS';

export interface LinkRigOptions {
  clock: Clock;
  /** station database; default a fresh temp dir */
  dbPath?: string;
  bitsPerSecond?: number;
  latencyMs?: number;
  outages?: Array<{ from: number; to: number }>;
  uplink?: Partial<ConstructorParameters<typeof Uplink>[1]>;
}

export async function startLinkRig(o: LinkRigOptions) {
  const dir = mkdtempSync(join(tmpdir(), 'bonin-chaos-'));
  const stops: Array<() => Promise<void> | void> = [];
  const broker = await Mosquitto.start();
  stops.push(() => broker.stop());
  const receiver = new Receiver({ broker: broker.url, dbPath: join(dir, 'receiver.db'), group: 'chaos', clock: o.clock });
  await receiver.start();
  stops.push(() => receiver.stop());
  const link = await startSatelliteLink({ target: { host: '127.0.0.1', port: broker.port }, clock: o.clock, bitsPerSecond: o.bitsPerSecond ?? 64_000, latencyMs: o.latencyMs ?? 100, ...(o.outages ? { outages: o.outages } : {}) });
  stops.push(() => link.stop());
  const db = openDatabase(o.dbPath ?? join(dir, 'station.db'));
  stops.push(() => { if (db.open) db.close(); });
  const outbox = new Outbox(db, STN);
  const uplink = new Uplink(outbox, {
    station: STN, broker: link.url, protocolVersion: 5, inFlight: 4, resendAfterMs: 1500, keepaliveS: 5, clock: o.clock,
    log: createLogger({ level: 'silent' }), reconnectBaseMs: 100, reconnectCapMs: 800, maxMessageRecords: 20, ...o.uplink,
  });
  stops.push(() => uplink.stop());
  return {
    dir, broker, receiver, link, db, outbox, uplink,
    async stop() {
      for (const f of stops.reverse()) await f();
    },
  };
}
