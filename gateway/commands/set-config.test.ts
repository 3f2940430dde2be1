// set-config on a real station file (the example Chichijima YAML, and a JSON one): a valid
// value is written atomically (previous file kept as .bak, comments kept) and applied by a
// restart after the reply; an invalid value or a key closed to remote change is refused with
// the key and the reason, and the file is not touched.
import { copyFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config/load.ts';
import { remoteKeyRefusal } from './remote-keys.ts';
import { setConfigHandler } from './set-config.ts';

const ctx = { now: 0, id: 'test-0001' };

function station(ext: 'yaml' | 'json' = 'yaml') {
  const dir = mkdtempSync(join(tmpdir(), 'bonin-setcfg-'));
  const file = join(dir, `station.${ext}`);
  if (ext === 'yaml') copyFileSync('config/chichijima.yaml', file);
  else writeFileSync(file, JSON.stringify({ station: { id: 'S1', name: 'x', latitude: 27, longitude: 142, elevation_m: 3 }, storage: { path: 's.db' }, uplink: { broker: 'mqtt://127.0.0.1:1883' }, sensors: [{ id: 'w', type: 'vaisala-wxt530', port: '/dev/ttyUSB0' }] }, null, 2));
  const restarts: string[] = [];
  const handler = setConfigHandler({ configPath: file, restart: (why) => restarts.push(why) });
  return { dir, file, restarts, handler };
}

describe('set-config', () => {
  it('writes a valid value atomically, keeps the previous file as .bak and the comments, and restarts after the reply', async () => {
    const s = station();
    const before = readFileSync(s.file, 'utf8');
    const r = await s.handler({ key: 'uplink.resend_after_s', value: 45 }, ctx);
    expect(r).toMatchObject({ ok: true, key: 'uplink.resend_after_s', value: 45, previous: 30 });
    expect(loadConfig(s.file).uplink.resend_after_s).toBe(45);
    expect(readFileSync(`${s.file}.bak`, 'utf8')).toBe(before);
    const after = readFileSync(s.file, 'utf8');
    expect(after).toContain('# WIGOS station identifier'); // the technician's comments survive
    // Every comment is kept (the yaml library may re-space them).
    const comments = (t: string) => t.match(/#[^\n]*/g)!.map((c) => c.trim());
    expect(comments(after)).toEqual(comments(before));
    expect(readdirSync(s.dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    // Not yet restarted: that is the channel's after-reply action.
    expect(s.restarts).toEqual([]);
    (r.afterReply as () => void)();
    expect(s.restarts).toEqual(['set-config uplink.resend_after_s']);
    // A key absent from the file is added; null removes it again (back to the default).
    expect(await s.handler({ key: 'uplink.budget_bytes_per_day', value: 200000 }, ctx)).toMatchObject({ ok: true });
    expect(loadConfig(s.file).uplink.budget_bytes_per_day).toBe(200000);
    expect(await s.handler({ key: 'uplink.budget_bytes_per_day', value: null }, ctx)).toMatchObject({ ok: true });
    expect(loadConfig(s.file).uplink.budget_bytes_per_day).toBeUndefined();
  });

  it('refuses an invalid value with the key and the reason, and leaves the file untouched', async () => {
    const s = station();
    const before = readFileSync(s.file);
    for (const [key, value, reason] of [
      ['uplink.resend_after_s', -5, /uplink\.resend_after_s: .*(greater|>|positive)/i],
      ['uplink.resend_after_s', 'soon', /uplink\.resend_after_s: .*number/i],
      ['uplink.no_such_key', 1, /unrecognized key|no_such_key/i],
      ['log.level', 'chatty', /log\.level/],
    ] as const) {
      const r = await s.handler({ key, value }, ctx);
      expect(r.ok, `${key}=${String(value)}`).toBe(false);
      expect(r.message).toContain(key.split('.')[0]);
      expect(r.message).toMatch(reason);
      expect(r.afterReply).toBeUndefined();
    }
    expect(readFileSync(s.file).equals(before)).toBe(true);
    expect(existsSync(`${s.file}.bak`)).toBe(false);
  });

  it('refuses keys closed to remote change, whatever the value', async () => {
    const s = station();
    const before = readFileSync(s.file);
    for (const key of ['storage.path', 'commands.public_keys', 'commands.max_age_s', 'uplink.broker', 'uplink.tls.key_file', 'station.id', 'nowcast.public_key', 'sensors.0.port', 'station.name', '__proto__.x', 'uplink.__proto__.polluted', 'uplink.constructor.prototype.x', 'a..b']) {
      const r = await s.handler({ key, value: 'x' }, ctx);
      expect(r, key).toMatchObject({ ok: false });
      expect(r.message).toMatch(/may not be changed remotely|dotted names|not a station-file key/);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(remoteKeyRefusal('uplink.resend_after_s')).toBeNull();
    expect(remoteKeyRefusal('qc.climate_limits.air_temperature')).toBeNull();
    expect(readFileSync(s.file).equals(before)).toBe(true);
    expect(await s.handler({ key: 'uplink.resend_after_s' }, ctx)).toMatchObject({ ok: false, message: expect.stringContaining('args.value is missing') });
  });

  it('works on a JSON station file too, and is refused without one', async () => {
    const s = station('json');
    expect(await s.handler({ key: 'uplink.in_flight', value: 8 }, ctx)).toMatchObject({ ok: true, previous: null });
    expect(loadConfig(s.file).uplink.in_flight).toBe(8);
    expect(JSON.parse(readFileSync(`${s.file}.bak`, 'utf8')).uplink.in_flight).toBeUndefined();
    const none = setConfigHandler({ restart: () => {} });
    expect(await none({ key: 'uplink.in_flight', value: 8 }, ctx)).toMatchObject({ ok: false, message: expect.stringContaining('without a station file') });
  });
});
