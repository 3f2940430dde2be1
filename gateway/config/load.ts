// Reads and validates the station file. An invalid file never starts the gateway: the error
// names the file, the key and the reason, so a technician can fix it on the spot.
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { stationConfigSchema, type StationConfig } from './schema.ts';

export class ConfigError extends Error {
  constructor(readonly file: string, readonly problems: string[]) {
    super(`invalid station config ${file}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Validate an already-parsed object. Relative storage paths are resolved against `baseDir`. */
export function validateConfig(raw: unknown, file = '<config>', baseDir = process.cwd()): StationConfig {
  const parsed = stationConfigSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ConfigError(file, parsed.error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(top level)'}: ${i.message}`));
  }
  const cfg = parsed.data;
  const ids = cfg.sensors.map((s) => s.id);
  const dup = ids.find((id, i) => ids.indexOf(id) !== i);
  if (dup) throw new ConfigError(file, [`sensors: the id "${dup}" is used twice; each sensor needs its own id`]);
  cfg.storage.path = resolve(baseDir, cfg.storage.path);
  // Every file a station file names is relative to the station file, not to where `bonin` ran.
  const fromHere = (p: string | undefined) => (p && !isAbsolute(p) ? resolve(baseDir, p) : p);
  cfg.uplink.password_file = fromHere(cfg.uplink.password_file);
  cfg.nowcast.model = fromHere(cfg.nowcast.model);
  cfg.cameras.frames_dir = fromHere(cfg.cameras.frames_dir);
  for (const cam of cfg.cameras.devices) cam.password_file = fromHere(cam.password_file)!;
  cfg.commands.public_keys = cfg.commands.public_keys.map((k) => (k.includes('-----BEGIN') ? k : fromHere(k)!));
  if (cfg.uplink.tls) for (const k of ['ca_file', 'cert_file', 'key_file'] as const) cfg.uplink.tls[k] = fromHere(cfg.uplink.tls[k]);
  return cfg;
}

/** Load a YAML or JSON station file. */
export function loadConfig(file: string): StationConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError(file, [`cannot read the file: ${(e as Error).message}`]);
  }
  let raw: unknown;
  try {
    raw = parseYaml(text, { prettyErrors: true });
  } catch (e) {
    throw new ConfigError(file, [`not valid YAML/JSON: ${(e as Error).message.split('\n')[0]}`]);
  }
  return validateConfig(raw, file, dirname(resolve(file)));
}
