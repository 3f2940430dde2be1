// `set-config` (docs/commands.md): args `{ key: "uplink.resend_after_s", value: 45 }` (value
// null: remove the key, back to its default). The whole resulting station file is validated
// with the gateway's own schema (validateConfig), written atomically with the previous one
// kept as .bak, and applied by a restart after the reply. An invalid value or a key that may
// not be changed remotely (remote-keys.ts) is refused with the key and the reason, and the
// file is not touched. YAML comments survive (the yaml Document keeps them).
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parse as parseYaml, parseDocument } from 'yaml';
import { ConfigError, validateConfig } from '../config/load.ts';
import { writeFileAtomic } from '../config/write-atomic.ts';
import type { CommandHandler } from './registry.ts';
import { remoteKeyRefusal } from './remote-keys.ts';

export interface SetConfigOptions {
  /** the station file the gateway was started with; unset: set-config is refused */
  configPath?: string;
  /** apply by restarting (after the reply is out) */
  restart: (why: string) => void;
}

const pathOf = (key: string) => key.split('.').map((p) => (/^\d+$/.test(p) ? Number(p) : p));

export function setConfigHandler(o: SetConfigOptions): CommandHandler {
  return (args) => {
    const key = args.key;
    if (typeof key !== 'string') return { ok: false, message: 'set-config: args.key must be a string like "uplink.resend_after_s"' };
    if (!('value' in args)) return { ok: false, key, message: `set-config ${key}: args.value is missing (null removes the key)` };
    const value = args.value;
    const refusal = remoteKeyRefusal(key);
    if (refusal) return { ok: false, key, message: `set-config ${key}: ${refusal}` };
    if (!o.configPath) return { ok: false, key, message: 'set-config: this gateway was started without a station file' };
    const file = resolve(o.configPath);
    const before = readFileSync(file, 'utf8');
    const isJson = file.endsWith('.json');
    let after: string;
    let previous: unknown;
    if (isJson) {
      const obj = JSON.parse(before) as Record<string, unknown>;
      previous = getIn(obj, pathOf(key));
      setIn(obj, pathOf(key), value);
      after = `${JSON.stringify(obj, null, 2)}\n`;
    } else {
      const doc = parseDocument(before);
      previous = doc.getIn(pathOf(key));
      if (value === null) doc.deleteIn(pathOf(key));
      else doc.setIn(pathOf(key), value);
      after = doc.toString({ flowCollectionPadding: false });
    }
    try {
      validateConfig(parseYaml(after), file, dirname(file));
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      return { ok: false, key, message: `set-config ${key}: refused, the station file would be invalid: ${err.problems.join('; ')}`, problems: err.problems };
    }
    if (after === before) return { ok: true, key, value, message: `set-config ${key}: already ${JSON.stringify(value)}; nothing to do` };
    writeFileAtomic(file, after, { backup: 'bak' });
    return {
      ok: true, key, value, previous: toPlain(previous), backup: `${file}.bak`,
      message: `set-config ${key}: ${JSON.stringify(toPlain(previous))} → ${JSON.stringify(value)} written (previous file kept as ${file}.bak); restarting to apply`,
      afterReply: () => o.restart(`set-config ${key}`),
    };
  };
}

function getIn(obj: unknown, path: Array<string | number>): unknown {
  let cur = obj;
  for (const p of path) cur = cur && typeof cur === 'object' ? (cur as Record<string | number, unknown>)[p] : undefined;
  return cur;
}

function setIn(obj: Record<string | number, unknown>, path: Array<string | number>, value: unknown): void {
  let cur = obj;
  for (const p of path.slice(0, -1)) {
    if (!cur[p] || typeof cur[p] !== 'object') cur[p] = {};
    cur = cur[p] as Record<string | number, unknown>;
  }
  const last = path[path.length - 1]!;
  if (value === null) delete cur[last];
  else cur[last] = value;
}

/** yaml nodes (maps, sequences) as plain values for the reply. */
function toPlain(v: unknown): unknown {
  return v && typeof v === 'object' && 'toJSON' in v && typeof (v as { toJSON: unknown }).toJSON === 'function' ? (v as { toJSON: () => unknown }).toJSON() : v ?? null;
}
