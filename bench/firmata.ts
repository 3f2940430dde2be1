// firmata_messages_per_s: board→host Firmata messages (digital port edges, analog vane
// samples, BMP280 I²C replies) the whole host stack takes per second — firmata.js parsing,
// johnny-five, and the Firmata board driver's counting and decoding — on bytes the hw-sim
// board twin renders for 10 simulated minutes of 20 m/s wind (30 closures a second).
// StandardFirmata at a real 57600 baud sends at most ~1,900 3-byte messages a second
// (serial-node.md), so this is the headroom over the wire.
import { ManualClock, type Observation } from '../core/index.ts';
import { FirmataBoardDriver, MemoryTransport } from '../drivers/index.ts';
import { UNO_HANDSHAKE } from '../drivers/firmata/testing.ts';
import { FirmataBoardTwin } from '../hw-sim/index.ts';
import { constantScenario } from '../hw-sim/devices/testing.ts';

function renderBoard(minutes: number): { chunks: Buffer[]; messages: number } {
  const clock = new ManualClock(Date.UTC(2026, 6, 1));
  const twin = new FirmataBoardTwin({ clock, scenario: constantScenario({ wind_speed: 20, wind_from_direction: 250 }) });
  const chunks: Buffer[] = [];
  let host: ((b: Buffer) => void) | null = null;
  twin.attach({ write: (b) => { chunks.push(Buffer.isBuffer(b) ? b : Buffer.from(b, 'latin1')); }, onData: (cb) => { host = cb; } });
  twin.start();
  const send = (bytes: number[]) => host!(Buffer.from(bytes));
  send([0xf0, 0x6b, 0xf7, 0xd0, 1, 0xc0, 1]);
  send([0xf0, 0x76, 0x77, 0x00, 0x74, 0x01, 0x2f, 0x00, 0xf7]); // ctrl_meas = normal mode
  send([0xf0, 0x76, 0x77, 0x08, 0x08, 0x01, 24, 0, 0xf7]); // calibration once
  send([0xf0, 0x76, 0x77, 0x10, 0x77, 0x01, 6, 0, 0xf7]); // 0xF7, continuous
  chunks.length = 0;
  clock.advance(minutes * 60_000);
  twin.stop();
  const all = Buffer.concat(chunks);
  let messages = 0;
  for (const b of all) if (b === 0x90 || b === 0xe0 || b === 0xf0) messages++;
  return { chunks, messages };
}

export async function benchFirmata(): Promise<Record<string, unknown>> {
  const { chunks, messages } = renderBoard(10);
  const clock = new ManualClock(Date.UTC(2026, 6, 1));
  const transport = new MemoryTransport();
  const driver = new FirmataBoardDriver({
    sensor: 'bench', clock, transport, anemometer: { pin: 2, msPerHz: 2.4 / 3.6 }, rain: { pin: 3, mmPerTip: 0.2794 }, vane: { channel: 0 }, bmp280: { address: 0x77 },
  });
  const obs: Observation[] = [];
  driver.on('observations', (o: Observation[]) => obs.push(...o));
  driver.on('rejection', () => {});
  const ready = new Promise((r) => driver.once('ready', r));
  driver.start();
  await new Promise((r) => setTimeout(r, 5));
  transport.device.send(UNO_HANDSHAKE);
  await ready;
  const t0 = process.hrtime.bigint();
  for (const c of chunks) transport.device.send(c);
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  clock.advance(1000);
  await driver.stop();
  const closures = driver.stats().anemometerClosures;
  return { firmata_messages_per_s: Math.round(messages / s), firmata_bench: { messages, closures_counted: closures, seconds: Number(s.toFixed(3)) } };
}

if (import.meta.url === `file://${process.argv[1]}`) process.stdout.write(`${JSON.stringify(await benchFirmata())}\n`);
