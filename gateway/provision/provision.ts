// `bonin provision` from start to end: answers, scan, keys, station file, self-test, service,
// report. Each step's outcome goes into the report, so a failure late on still leaves a
// record of what was found and written.
import { existsSync, readFileSync } from 'node:fs';
import { writeFileAtomic } from '../config/write-atomic.ts';
import { dirname, join, resolve } from 'node:path';
import { systemClock, type Clock } from '../../core/index.ts';
import { resolveAnswers, type Answers, type Ask, type ResolvedAnswers } from './answers.ts';
import { buildConfig, writeConfig } from './config.ts';
import type { Finding } from './identify.ts';
import { overallVerdict, writeReport, type CommissioningReport } from './report.ts';
import { scanPorts } from './scan.ts';
import { camerasSection, findCameras, probeCamera } from './cameras.ts';
import { checkSigningKey, generateClientCert, importClientCert, SHIPPED_SIGNING_KEY, type TlsFiles } from './secrets.ts';
import { selfTestSensors } from './selftest-sensors.ts';
import { checkBroker, checkClock, checkDisk, type CheckResult } from './selftest-system.ts';

export interface ProvisionOptions {
  /** station file to write */
  out: string;
  /** where the report goes (default: beside the station file) */
  reportDir?: string;
  ports: string[];
  listSystemPorts: boolean;
  listenMs: number;
  probeMs: number;
  parallel: number;
  flags: Answers;
  file: Answers;
  /** interactive prompts; absent: non-interactive */
  ask?: Ask;
  brokerTimeoutMs: number;
  clock?: Clock;
  log: (line: string) => void;
  /** bonin install-service (gateway/service, issue 10); absent: reported as not available */
  installService?: (configPath: string) => Promise<CheckResult>;
  /** cameras given by xaddr (http://host/onvif/device_service) */
  cameraXaddrs?: string[];
  /** WS-Discovery for cameras (default true) */
  cameraDiscovery?: boolean;
  /** camera calls, each at most (real ms, default 10000) */
  cameraTimeoutMs?: number;
}

export interface ProvisionResult {
  report: CommissioningReport;
  files: { config: string; markdown: string; json: string; plots: string[] };
}

export class ProvisionError extends Error {}

function secretsFor(a: ResolvedAnswers, dir: string): TlsFiles | null {
  const keysDir = join(dir, 'tls');
  if (a.uplink.tls === 'generate') return generateClientCert(keysDir, a.station.id);
  if (a.uplink.tls === 'import') return importClientCert(keysDir, a.station.id, { cert_file: a.uplink.cert_file!, key_file: a.uplink.key_file!, ...(a.uplink.ca_file ? { ca_file: a.uplink.ca_file } : {}) });
  return null;
}

export async function provision(o: ProvisionOptions): Promise<ProvisionResult> {
  const clock = o.clock ?? systemClock;
  const out = resolve(o.out);
  const dir = dirname(out);
  const a = await resolveAnswers(o.flags, o.file, o.ask);
  o.log(`station ${a.station.id} (${a.station.name}), technician ${a.technician}`);

  o.log(`scanning ${o.ports.length} given port(s)${o.listSystemPorts ? ' and the system\'s serial ports' : ''}; passive listen first, read-only questions only`);
  const scan = await scanPorts({ clock, listenMs: o.listenMs, probeMs: o.probeMs, ports: o.ports, listSystem: o.listSystemPorts, parallel: o.parallel, onProgress: o.log }, clock);
  const found = scan.findings.filter((f: Finding) => f.status === 'identified');
  if (found.length === 0) throw new ProvisionError(`no sensor identified on ${scan.findings.length} port(s) (${scan.findings.map((f) => `${f.port}: ${f.status}, ${f.evidence.at(-1) ?? ''}`).join('; ') || 'no ports'}): check power and cables, give PTYs or by-id links with --port, then run again`);

  const creds = a.cameras.user && a.cameras.password !== undefined ? [{ user: a.cameras.user, password: a.cameras.password }] : [];
  const cams = await findCameras({ xaddrs: o.cameraXaddrs ?? [], discover: o.cameraDiscovery ?? true, discoveryMs: 3000, creds, clock, timeoutMs: o.cameraTimeoutMs ?? 10_000, log: o.log });
  const cameras = cams.map((c) => c.check);

  const secrets: string[] = [];
  const tls = secretsFor(a, dir);
  if (tls) secrets.push(`client key ${tls.key_file} (0600)${tls.generated ? ', generated' : ', imported'}`, `client certificate ${tls.cert_file}`, ...(tls.csr_file ? [`certificate request ${tls.csr_file}`] : []), ...(tls.ca_file ? [`CA ${tls.ca_file}`] : []), ...tls.notes);
  const given = a.signing_public_key ? resolve(a.signing_public_key) : null;
  if (given && !existsSync(given)) throw new ProvisionError(`model signing public key ${given} not found: give --signing-key with the centre's Ed25519 public key (PEM)`);
  const sk = checkSigningKey(given ?? SHIPPED_SIGNING_KEY);
  // A given key is copied beside the station file, so the file and its keys move together;
  // the shipped key is the gateway's default and needs no line in the file.
  const signing = given ? join(dir, 'keys', 'model-signing.pub.pem') : null;
  if (given && signing) writeFileAtomic(signing, readFileSync(given), { mode: 0o644, backup: 'stamped' });
  secrets.push(`model signing public key ${signing ?? `${SHIPPED_SIGNING_KEY} (the shipped project key)`} (key id ${sk.keyId})`);

  const built = buildConfig(a, scan.findings, out, tls, signing, camerasSection(cams, creds, dir));
  const written = writeConfig(out, built);
  o.log(`station file written: ${out}${written.backup ? ` (previous kept as ${written.backup})` : ''}`);

  o.log(`self-test: reading ${built.config.sensors.length} sensor(s) for ${a.self_test_s} s, checking the broker, the clock and the disk`);
  const [sensors, broker, frames] = await Promise.all([
    selfTestSensors(built.config, clock, a.self_test_s), checkBroker(built.config, o.brokerTimeoutMs),
    // A frame from each camera written into the station file, with the password it holds.
    Promise.all(built.config.cameras.devices.map(async (c) => {
      const f = await probeCamera(c.xaddr!, c.id, creds.filter((x) => x.user === c.user), clock, o.cameraTimeoutMs ?? 10_000);
      return { ...f.check, item: `camera ${c.id} frame` };
    })),
  ]);
  const checks = [...broker, ...frames, checkClock(), checkDisk(built.config)];

  let service: CheckResult | null = null;
  if (a.install_service) {
    service = o.installService
      ? await o.installService(out)
      : { item: 'service install', verdict: 'fail', detail: '`bonin install-service` is not available in this build', advice: `install the unit by hand, or run \`bonin install-service --config ${out}\` once it is available` };
  }

  const partial = { self_test: { seconds: a.self_test_s, sensors, checks }, cameras, service };
  const report: CommissioningReport = {
    version: 1, date: new Date().toISOString(), technician: a.technician,
    station: { id: a.station.id, name: a.station.name, latitude: a.station.latitude, longitude: a.station.longitude, elevation_m: a.station.elevation_m, site: a.site },
    scan: { duration_ms: scan.durationMs, findings: scan.findings },
    config: { path: out, backup: written.backup, yaml: built.yaml },
    secrets, ...partial, overall: overallVerdict(partial),
  };
  const files = writeReport(o.reportDir ?? dir, report);
  return { report, files: { config: out, ...files } };
}
