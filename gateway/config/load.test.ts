import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, validateConfig } from './load.ts';

const example = resolve(dirname(fileURLToPath(import.meta.url)), '../../config/chichijima.yaml');

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  throw new Error('expected a ConfigError');
}

const base = () => ({
  station: { id: 'STN', name: 'Test', latitude: 27, longitude: 142, elevation_m: 3 },
  storage: { path: 'x.db' },
  uplink: { broker: 'mqtt://127.0.0.1:1883' },
  sensors: [{ id: 'wxt530', type: 'vaisala-wxt530', port: '/dev/ttyUSB0' }],
});

describe('station config', () => {
  it('the shipped Chichijima example is valid and gets defaults', () => {
    const cfg = loadConfig(example);
    expect(cfg.station.elevation_m).toBe(3);
    expect(cfg.sensors[0]).toMatchObject({ type: 'vaisala-wxt530', baud: 19200, address: '0' });
    expect(cfg.storage.path).toBe(resolve(dirname(example), '../data/chichijima.db'));
  });

  it.each([
    [(c: ReturnType<typeof base>) => { c.station.latitude = 127; }, 'station.latitude'],
    [(c: ReturnType<typeof base>) => { c.uplink.broker = 'localhost:1883'; }, 'uplink.broker'],
    [(c: ReturnType<typeof base>) => { c.sensors[0]!.port = 'COM3'; }, 'sensors.0.port'],
    [(c: ReturnType<typeof base>) => { c.sensors[0]!.type = 'davis-vp2'; }, 'sensors.0.type'],
    [(c: ReturnType<typeof base>) => { (c.station as Record<string, unknown>).elevation = 3; }, 'station'],
    [(c: ReturnType<typeof base>) => { c.sensors = []; }, 'sensors'],
    // a commit every 5 minutes outlasts the watchdog's default store window (300 s)
    [(c: ReturnType<typeof base>) => { (c as Record<string, unknown>).storage = { ...c.storage, commit_every_min: 5 }; }, 'watchdog.store_stale_s'],
  ])('an invalid file names the key (%#: %s)', (mutate, key) => {
    const c = base();
    mutate(c);
    const problems = problemsOf(() => validateConfig(c));
    expect(problems.some((p) => p.startsWith(`${key}:`))).toBe(true);
  });

  it('files the station file names are relative to it', () => {
    const c = { ...base(), nowcast: { model: 'models/m.json' }, uplink: { broker: 'mqtt://127.0.0.1:1883', password_file: 'secret' } };
    const cfg = validateConfig(c, 'x.yaml', '/etc/bonin');
    expect([cfg.storage.path, cfg.nowcast.model, cfg.uplink.password_file]).toEqual(['/etc/bonin/x.db', '/etc/bonin/models/m.json', '/etc/bonin/secret']);
  });

  it('two sensors with one id are refused', () => {
    const c = base();
    c.sensors.push({ ...c.sensors[0]! });
    expect(problemsOf(() => validateConfig(c)).join()).toMatch(/wxt530.*twice/);
  });

  it('YAML syntax errors and unreadable files are reported as config errors', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bonin-cfg-'));
    writeFileSync(join(dir, 'bad.yaml'), 'station: [unclosed');
    expect(problemsOf(() => loadConfig(join(dir, 'bad.yaml')))[0]).toMatch(/not valid YAML/);
    expect(problemsOf(() => loadConfig(join(dir, 'none.yaml')))[0]).toMatch(/cannot read/);
  });
});
