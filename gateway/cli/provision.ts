// `bonin provision`: commission a station in one sitting (docs/provisioning.md).
import { createInterface } from 'node:readline/promises';
import { AnswersError, loadAnswers, type Answers, type Ask } from '../provision/answers.ts';
import { provision, ProvisionError } from '../provision/provision.ts';
import { installServiceCheck } from '../provision/service.ts';
import { ConfigError } from '../config/load.ts';

export interface ProvisionCliOptions {
  port?: string[]; systemPorts: boolean; out: string; reportDir?: string; answers?: string; nonInteractive?: boolean;
  technician?: string; site?: string; stationId?: string; name?: string; lat?: number; lon?: number; elevation?: number;
  mastOffset?: number; windHeight?: number; temperatureHeight?: number; rainHeight?: number;
  broker?: string; tls?: string; cert?: string; key?: string; ca?: string; username?: string; signingKey?: string; storage?: string;
  selfTestS?: number; installService?: boolean; cameraUser?: string; cameraPassword?: string;
  serviceUnitDir?: string; serviceUser?: string;
  camera?: string[]; cameraDiscovery: boolean; cameraTimeoutS: number;
  listenMs: number; probeMs: number; parallel: number; brokerTimeoutS: number; json?: boolean;
}

/** Flags as a partial answers object (only what was given). */
function flagAnswers(o: ProvisionCliOptions): Answers {
  const def = <T>(v: T | undefined) => v;
  const station: Record<string, unknown> = Object.fromEntries(Object.entries({
    id: def(o.stationId), name: def(o.name), latitude: def(o.lat), longitude: def(o.lon), elevation_m: def(o.elevation), mast_heading_offset_deg: def(o.mastOffset),
  }).filter(([, v]) => v !== undefined));
  const heights = Object.fromEntries(Object.entries({ wind: o.windHeight, temperature: o.temperatureHeight, rain: o.rainHeight }).filter(([, v]) => v !== undefined));
  if (Object.keys(heights).length) station.sensor_heights_m = heights;
  const uplink = Object.fromEntries(Object.entries({ broker: o.broker, tls: o.tls, cert_file: o.cert, key_file: o.key, ca_file: o.ca, username: o.username }).filter(([, v]) => v !== undefined));
  const cameras = Object.fromEntries(Object.entries({ user: o.cameraUser, password: o.cameraPassword }).filter(([, v]) => v !== undefined));
  return Object.fromEntries(Object.entries({
    technician: o.technician, site: o.site, signing_public_key: o.signingKey, storage_path: o.storage, self_test_s: o.selfTestS,
    install_service: o.installService, station: Object.keys(station).length ? station : undefined,
    uplink: Object.keys(uplink).length ? uplink : undefined, cameras: Object.keys(cameras).length ? cameras : undefined,
  }).filter(([, v]) => v !== undefined)) as Answers;
}

export async function runProvision(o: ProvisionCliOptions): Promise<void> {
  const log = (l: string) => process.stderr.write(`${l}\n`);
  let rl: ReturnType<typeof createInterface> | null = null;
  let ask: Ask | undefined;
  if (!o.nonInteractive) {
    rl = createInterface({ input: process.stdin, output: process.stderr });
    const r = rl;
    ask = (q, d) => r.question(`${q}${d !== undefined ? ` [${d}]` : ''}: `);
  }
  try {
    const file = o.answers ? loadAnswers(o.answers) : {};
    // Keep the real installer optional: it is another module's (issue 10) and may not be in this build.
    const installService = async (config: string) => installServiceCheck(config, { ...(o.serviceUnitDir ? { unitDir: o.serviceUnitDir } : {}), ...(o.serviceUser ? { user: o.serviceUser } : {}) });
    const res = await provision({
      out: o.out, reportDir: o.reportDir, ports: o.port ?? [], listSystemPorts: o.systemPorts, listenMs: o.listenMs, probeMs: o.probeMs,
      parallel: o.parallel, flags: flagAnswers(o), file, ask, brokerTimeoutMs: o.brokerTimeoutS * 1000, log, installService,
      cameraXaddrs: o.camera ?? [], cameraDiscovery: o.cameraDiscovery, cameraTimeoutMs: o.cameraTimeoutS * 1000,
    });
    const r = res.report;
    process.stdout.write([
      `${r.overall === 'fail' ? 'COMMISSIONING FAILED' : 'commissioned'}: ${r.station.id} (${r.station.name})`,
      ...r.scan.findings.map((f) => `  ${f.port}: ${f.status === 'identified' ? `${f.type} ${f.identity.model ?? ''} at ${f.baud ?? 'server'} baud (confidence ${f.confidence})` : f.status}`),
      ...[...r.self_test.sensors.map((s) => ({ item: `sensor ${s.sensor}`, verdict: s.verdict, advice: s.advice })), ...r.self_test.checks, ...r.cameras, ...(r.service ? [r.service] : [])]
        .map((c) => `  ${c.verdict.toUpperCase()} ${c.item}${c.advice ? ` — ${c.advice}` : ''}`),
      `station file: ${res.files.config}`, `report: ${res.files.markdown} (and ${res.files.json})`, '',
    ].join('\n'));
    if (o.json) process.stdout.write(`${JSON.stringify({ overall: r.overall, config: res.files.config, report: res.files.json, markdown: res.files.markdown })}\n`);
    process.exitCode = r.overall === 'fail' ? 1 : 0;
  } catch (e) {
    if (e instanceof AnswersError || e instanceof ProvisionError || e instanceof ConfigError) {
      process.stderr.write(`bonin provision: ${e.message}\n`);
      process.exitCode = 2;
      return;
    }
    throw e;
  } finally {
    rl?.close();
  }
}
