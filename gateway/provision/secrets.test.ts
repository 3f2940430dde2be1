// Client key and certificate by the real openssl CLI; the station file built on them passes
// the gateway's own validation with the paths relative to it.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ResolvedAnswers } from './answers.ts';
import { buildConfig } from './config.ts';
import type { Finding } from './identify.ts';
import { checkSigningKey, generateClientCert, importClientCert, SHIPPED_SIGNING_KEY } from './secrets.ts';

const dir = mkdtempSync(join(tmpdir(), 'bonin-secrets-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const answers: ResolvedAnswers = {
  technician: 'T', site: 'chichijima',
  station: { id: '0-392-0-47971', name: 'Chichijima', latitude: 27.0917, longitude: 142.1917, elevation_m: 3, sensor_heights_m: { wind: 10 }, mast_heading_offset_deg: 15 },
  uplink: { broker: 'mqtts://central.example:8883', tls: 'generate' }, cameras: {}, self_test_s: 10, install_service: false,
};
const findings: Finding[] = [
  { port: '/dev/ttyUSB0', status: 'identified', type: 'nmea-0183', baud: 4800, identity: {}, confidence: 1, evidence: [], sensor: { type: 'nmea-0183' } },
  { port: '/dev/ttyUSB1', status: 'garbage', identity: {}, confidence: 0, evidence: [] },
];

describe('client certificate', () => {
  it('generate: key 0600, certificate of that key for the station, request for the centre; the station file takes them', () => {
    const t = generateClientCert(join(dir, 'st', 'tls'), '0-392-0-47971');
    expect(statSync(t.key_file).mode & 0o777).toBe(0o600);
    expect(execFileSync('openssl', ['x509', '-in', t.cert_file, '-noout', '-subject'], { encoding: 'utf8' })).toMatch(/CN\s*=\s*0-392-0-47971/);
    expect(readFileSync(t.csr_file!, 'utf8')).toMatch(/BEGIN CERTIFICATE REQUEST/);
    const built = buildConfig(answers, findings, join(dir, 'st', 'station.yaml'), t, null);
    expect(built.raw.uplink).toMatchObject({ tls: { cert_file: 'tls/0-392-0-47971.cert.pem', key_file: 'tls/0-392-0-47971.key.pem' } });
    expect(built.config.uplink.tls?.key_file).toBe(t.key_file);
    // Only the identified device; the mast offset turned into the NMEA sensor's heading offset.
    expect(built.config.sensors).toEqual([expect.objectContaining({ id: 'nmea', type: 'nmea-0183', port: '/dev/ttyUSB0', baud: 4800, heading_offset_deg: 15 })]);
    expect(built.config.station).toMatchObject({ sensor_heights_m: { wind: 10 }, mast_heading_offset_deg: 15 });
  });

  it('import: a world-readable key is copied 0600; a key that is not the certificate\'s is refused', () => {
    const a = generateClientCert(join(dir, 'a'), 'A');
    const b = generateClientCert(join(dir, 'b'), 'B');
    chmodSync(a.key_file, 0o644);
    const t = importClientCert(join(dir, 'imp'), 'A', { cert_file: a.cert_file, key_file: a.key_file });
    expect(statSync(t.key_file).mode & 0o777).toBe(0o600);
    expect(t.notes.join()).toMatch(/readable by others/);
    expect(() => importClientCert(join(dir, 'imp2'), 'A', { cert_file: a.cert_file, key_file: b.key_file })).toThrow(/is not the key of/);
    expect(() => importClientCert(join(dir, 'imp3'), 'A', { cert_file: join(dir, 'none.pem'), key_file: a.key_file })).toThrow(/no such file/);
  });

  it('the shipped model signing key is an Ed25519 key with an id', () => {
    expect(checkSigningKey(SHIPPED_SIGNING_KEY).keyId).toMatch(/^[0-9a-f]{8,}$/);
  });

  it('no sensor identified: the gateway\'s schema refuses the station file, naming the key', () => {
    expect(() => buildConfig({ ...answers, uplink: { broker: 'mqtt://h:1', tls: 'none' } }, [findings[1]!], join(dir, 'x.yaml'), null, null)).toThrow(/sensors: at least one sensor/);
  });
});
