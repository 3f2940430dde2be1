// From what the scan found and what the technician answered to a station file: built as a
// plain object, validated with the gateway's own schema and loader rules (validateConfig),
// and only then written, atomically, the old one backed up.
import { dirname, relative, resolve } from 'node:path';
import { stringify } from 'yaml';
import { validateConfig } from '../config/load.ts';
import type { StationConfig } from '../config/schema.ts';
import type { ResolvedAnswers } from './answers.ts';
import { writeFileAtomic, type AtomicWriteResult } from '../config/write-atomic.ts';
import type { Finding } from './identify.ts';
import type { TlsFiles } from './secrets.ts';

/** Sensor ids a technician recognises: the family's short name, numbered when there are two. */
const SHORT: Record<string, string> = {
  'vaisala-wxt530': 'wxt530', 'nmea-0183': 'nmea', 'gill-windsonic': 'windsonic', 'vaisala-ptb330': 'ptb330',
  'vaisala-ptb210': 'ptb210', 'hydreon-rg15': 'rg15', 'firmata-board': 'firmata',
};

export function sensorEntries(findings: readonly Finding[], mastOffsetDeg: number): Array<Record<string, unknown>> {
  const identified = findings.filter((f) => f.status === 'identified' && f.sensor && f.type);
  const count = new Map<string, number>();
  return identified.map((f) => {
    const short = SHORT[f.type!] ?? f.type!;
    const n = (count.get(short) ?? 0) + 1;
    count.set(short, n);
    const same = identified.filter((x) => x.type === f.type).length;
    const entry: Record<string, unknown> = { id: same > 1 ? `${short}-${n}` : short, ...f.sensor, port: f.port };
    if (f.baud) entry.baud = f.baud;
    // The mast offset turns relative directions into true ones where the gateway does the turning.
    if (mastOffsetDeg && f.type === 'nmea-0183') entry.heading_offset_deg = mastOffsetDeg;
    if (mastOffsetDeg && f.type === 'firmata-board') entry.vane = { analog_pin: 0, offset_deg: mastOffsetDeg };
    return entry;
  });
}

export interface BuiltConfig {
  /** what goes into the file (paths relative to it) */
  raw: Record<string, unknown>;
  /** as the gateway will see it (defaults filled, paths resolved) */
  config: StationConfig;
  yaml: string;
}

export function buildConfig(a: ResolvedAnswers, findings: readonly Finding[], out: string, tls: TlsFiles | null, signingKey: string | null, cameras: Record<string, unknown> | null = null): BuiltConfig {
  const dir = dirname(resolve(out));
  const rel = (p: string) => relative(dir, resolve(p)) || '.';
  const heights = Object.keys(a.station.sensor_heights_m ?? {}).length ? { sensor_heights_m: a.station.sensor_heights_m } : {};
  const raw: Record<string, unknown> = {
    station: {
      id: a.station.id, name: a.station.name, latitude: a.station.latitude, longitude: a.station.longitude,
      elevation_m: a.station.elevation_m, ...heights, mast_heading_offset_deg: a.station.mast_heading_offset_deg,
    },
    storage: { path: a.storage_path ?? `data/${a.station.id}.db` },
    uplink: {
      broker: a.uplink.broker,
      ...(a.uplink.username ? { username: a.uplink.username } : {}),
      ...(tls ? { tls: { cert_file: rel(tls.cert_file), key_file: rel(tls.key_file), ...(tls.ca_file ? { ca_file: rel(tls.ca_file) } : {}) } } : {}),
    },
    sensors: sensorEntries(findings, a.station.mast_heading_offset_deg),
    ...(signingKey ? { nowcast: { public_key: rel(signingKey) } } : {}),
    ...(cameras ? { cameras } : {}),
    log: { level: 'info' },
  };
  // The gateway's own rules: the schema and the loader's (duplicate ids, relative paths).
  const config = validateConfig(structuredClone(raw), out, dir);
  const header = `# Bonin station file written by \`bonin provision\` on ${new Date().toISOString()}.\n# Validated with the gateway's schema before writing; edit and check with \`bonin run --config\`.\n`;
  return { raw, config, yaml: header + stringify(raw) };
}

export function writeConfig(out: string, built: BuiltConfig, now = new Date()): AtomicWriteResult {
  return writeFileAtomic(out, built.yaml, { now, mode: 0o644, backup: 'stamped' });
}
