// `bonin demo`: a whole station against the simulator in one process tree — an embedded
// MQTT broker (aedes), the simulated WXT530 (over a PTY when socat is present, else over a
// TCP serial server), the real gateway, and the reference receiver — with live progress.
// `--minutes N --json` ends with one JSON summary line on stdout.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Aedes } from 'aedes';
import { stringify as toYaml } from 'yaml';
import { ScaledClock } from '../../core/index.ts';
import { discoverCameras } from '../../drivers/onvif/index.ts';
import { Receiver } from '../../hw-sim/receiver/index.ts';
import { describeSimulation, hasSocat, startSimulation } from '../../hw-sim/index.ts';
import { loadConfig, validateConfig } from '../config/load.ts';
import { createLogger } from '../log.ts';
import { StationGateway } from '../pipeline/station.ts';
import { startGatewayStatusPage } from '../web/index.ts';
import { progressLine } from './progress.ts';

export interface DemoOptions { minutes?: number; speed: number; scenario: 'trade-wind' | 'nyc-replay'; json?: boolean; dir?: string; device?: string[] }

export interface DemoSummary {
  minutes: number;
  observations: number;
  recordsCommitted: number;
  batchesSent: number;
  recordsAcked: number;
  receiverRecords: number;
  receiverDuplicatesDropped: number;
  /** one-minute records committed at the station and not held by the receiver (docs/uplink.md) */
  lost: number;
  /** 10-min and hourly aggregates held by the receiver, and those built at the station but not there */
  receiverAggregates: number;
  aggregatesLost: number;
  /** camera frames stored at the station (two simulated cameras, docs/cameras.md), and thumbnails the receiver holds */
  framesStored: number;
  thumbnailsReceived: number;
}

/** The demo's two simulated cameras: the sky of the scenario from two points of Chichijima. */
const DEMO_CAMERAS = [
  { id: 'cam-east', name: 'Chichijima east', position: { lat: 27.094, lon: 142.191 } },
  { id: 'cam-futami', name: 'Futami harbour', position: { lat: 27.095, lon: 142.193 } },
];

const EXAMPLE_CONFIG = resolve(dirname(fileURLToPath(import.meta.url)), '../../config/chichijima.yaml');

async function startBroker(): Promise<{ url: string; close(): Promise<void> }> {
  const aedes = await Aedes.createBroker();
  const server: Server = createServer(aedes.handle);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return {
    url: `mqtt://127.0.0.1:${port}`,
    close: () => new Promise<void>((r) => {
      aedes.close(() => server.close(() => r()));
    }),
  };
}

export async function demo(opts: DemoOptions): Promise<DemoSummary> {
  const say = (line: string) => (opts.json ? process.stderr : process.stdout).write(`${line}\n`);
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'bonin-demo-'));
  const clock = new ScaledClock({ speed: opts.speed });
  const broker = await startBroker();
  const receiver = new Receiver({ broker: broker.url, dbPath: join(dir, 'receiver.db'), protocolVersion: 4, clock });
  await receiver.start();
  const kinds = opts.device?.length ? opts.device : ['vaisala-wxt530'];
  // Each camera's password in its own 0600 file, as the station file wants it.
  // A tag in each camera's name keeps this demo's cameras apart from any other simulator's on the network.
  const tag = randomBytes(2).toString('hex');
  const cams = DEMO_CAMERAS.map((c) => ({ ...c, name: `${c.name} ${tag}`, password: randomBytes(9).toString('base64url'), file: join(dir, `${c.id}.password`) }));
  for (const c of cams) writeFileSync(c.file, `${c.password}\n`, { mode: 0o600 });
  const sim = await startSimulation({
    clock, scenario: opts.scenario, expose: hasSocat() ? 'pty' : 'tcp', dir, devices: kinds.map((kind) => ({ kind })),
    cameras: cams.map((c) => ({ name: c.name, user: 'bonin', password: c.password, position: c.position, discovery: true })),
  });
  // As at a station whose cameras take their addresses from DHCP, the station file names them and
  // the gateway finds them by WS-Discovery (multicast), when this machine's network carries it;
  // otherwise it is given their addresses.
  const found = await discoverCameras({ timeoutMs: 3000 }).catch(() => []);
  const discovered = cams.every((c) => found.some((f) => f.name === c.name));

  // The shipped Chichijima station file, pointed at the simulator, the embedded broker and the demo folder.
  const example = loadConfig(EXAMPLE_CONFIG);
  const config = validateConfig({
    ...example,
    // a commit a minute, not the field's 2: the demo's records show up within its first minutes
    storage: { ...example.storage, path: join(dir, 'station.db'), commit_every_min: 1 },
    uplink: { ...example.uplink, broker: broker.url, protocol_version: 4 },
    // The example's WXT530 entry where the simulator has one; every other device with its family's defaults.
    sensors: sim.devices.map((d) => (d.kind === example.sensors[0]!.type ? { ...example.sensors[0]!, id: d.name, port: d.path } : { id: d.name, type: d.kind, port: d.path })),
    log: { level: 'info', file: join(dir, 'gateway.log') },
    cameras: {
      frames_quota_mb: 50,
      devices: cams.map((c, i) => ({
        id: c.id, ...(discovered ? { discover: true, name: c.name } : { xaddr: sim.cameras[i]!.xaddr }),
        user: 'bonin', password_file: c.file, interval_min: 10, severe_interval_min: 2,
      })),
    },
  }, EXAMPLE_CONFIG);
  // The station file this demo runs, for a look (or for `bonin run --config` while the simulator runs).
  writeFileSync(join(dir, 'station.yaml'), toYaml(config));
  const log = createLogger({ level: 'info', file: join(dir, 'gateway.log') });
  const gateway = new StationGateway(config, clock, log);

  say(`Bonin demo — station ${config.station.id} (${config.station.name}), simulated time ×${opts.speed}`);
  for (const line of describeSimulation(sim).split('\n')) say(`  ${line}`);
  say(`  cameras:  ${discovered ? 'found by WS-Discovery (the station file names them, the gateway discovers them)' : 'WS-Discovery found nothing here (no multicast on this network): given by address'}`);
  say(`  broker:   ${broker.url} (embedded aedes, MQTT 3.1.1)`);
  say(`  receiver: ${join(dir, 'receiver.db')}; gateway log ${join(dir, 'gateway.log')}`);
  say(`  station file: ${join(dir, 'station.yaml')}; camera frames in ${gateway.cameras?.frames.dir ?? '-'}`);
  if (!hasSocat()) say('  (socat not installed: the WXT530 is served over TCP instead of a pseudo-terminal)');
  gateway.start();
  const startedAt = clock.now();
  // The status page on this machine only (the field default is the LAN, 0.0.0.0:8080).
  const page = await startGatewayStatusPage(gateway, clock, log, { host: '127.0.0.1' });
  say(page ? `  status page: ${page.url}` : '  status page: not started (port 8080 taken? see the gateway log)');

  const tty = !opts.json && process.stdout.isTTY;
  const show = () => {
    const line = progressLine(clock.now(), gateway, receiver.store.counts().records);
    if (tty) process.stdout.write(`\r\x1b[2K${line}`);
    else say(line);
  };
  const progress = setInterval(show, tty ? 1000 : 5000);

  let interrupted = false;
  const interrupt = new Promise<void>((r) => process.once('SIGINT', () => { interrupted = true; r(); }));
  await (opts.minutes ? Promise.race([interrupt, clock.sleep(opts.minutes * 60_000)]) : interrupt);

  // Stop the devices, let the gateway close the last minute and drain its outbox.
  await sim.stop();
  await clock.sleep(3000);
  gateway.closeDueMinutes();
  // After Ctrl-C the last minute still goes out if it can within 5 s (a second Ctrl-C ends at once).
  const until = Date.now() + (interrupted ? 5_000 : 30_000);
  while (gateway.outbox.counts().outboxBatches > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
  // Thumbnails go last of all (lowest priority): give those stored a moment to follow.
  const thumbsUntil = Date.now() + (interrupted ? 2_000 : 10_000);
  while ((gateway.cameras?.frames.summary().thumbsUnsent ?? 0) > 0 && Date.now() < thumbsUntil) {
    gateway.cameras?.sender.pump();
    await new Promise((r) => setTimeout(r, 200));
  }
  clearInterval(progress);
  if (tty) process.stdout.write('\n');

  const c = gateway.outbox.counts();
  const lost = gateway.outbox.committedKeys().filter((k) => !receiver.store.hasRecord(config.station.id, k.sensor, k.ts)).length;
  const built = gateway.db.prepare("SELECT sensor, period, ts FROM aggregates WHERE period IN ('10min', '1h')").all() as Array<{ sensor: string; period: '10min' | '1h'; ts: number }>;
  const aggregatesLost = built.filter((a) => !receiver.store.hasRecord(config.station.id, a.sensor, a.ts, a.period)).length;
  const rc = receiver.store.counts();
  const summary: DemoSummary = {
    minutes: Math.round(((clock.now() - startedAt) / 60_000) * 10) / 10,
    observations: gateway.health().reduce((n, s) => n + s.observations, 0),
    recordsCommitted: c.recordsCommitted,
    batchesSent: c.batchesSent,
    recordsAcked: c.recordsAcked,
    receiverRecords: rc.records,
    receiverDuplicatesDropped: rc.duplicateBatches,
    lost,
    receiverAggregates: rc.aggregates,
    aggregatesLost,
    framesStored: gateway.cameras?.frames.count() ?? 0,
    thumbnailsReceived: receiver.images.count('thumb'),
  };
  await page?.close();
  await gateway.stop();
  await receiver.stop();
  await broker.close();
  say(`done: ${summary.recordsCommitted} one-minute records committed, ${summary.recordsAcked} acked, ${summary.lost} lost; data in ${dir}`);
  return summary;
}

/** The CLI verb: runs the demo, prints the JSON summary last when asked, exits. */
export async function runDemo(opts: DemoOptions): Promise<void> {
  const summary = await demo(opts);
  if (opts.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
  process.exit(summary.lost === 0 && summary.aggregatesLost === 0 ? 0 : 1);
}
