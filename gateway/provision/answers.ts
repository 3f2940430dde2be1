// The technician's answers: from flags, an answers file (YAML), a site preset, defaults, and
// (interactively) prompts showing those as defaults. Non-interactive, a missing required
// answer stops provisioning before anything is touched, naming the answer and how to give it.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { parse as parseYaml } from 'yaml';
import { SITE_PRESETS, wigosProblem } from './site.ts';

const heights = z.object({
  wind: z.number().min(0).max(200), temperature: z.number().min(0).max(200), humidity: z.number().min(0).max(200),
  rain: z.number().min(0).max(200), pressure: z.number().min(-500).max(9000),
}).partial().strict();

/** The answers file's schema; every key optional here (required ones are checked after merging). */
export const answersSchema = z.object({
  technician: z.string().min(1),
  site: z.enum(['chichijima', 'hahajima', 'custom']),
  station: z.object({
    id: z.string().min(1), name: z.string().min(1),
    latitude: z.number().min(-90).max(90), longitude: z.number().min(-180).max(180), elevation_m: z.number().min(-500).max(9000),
    sensor_heights_m: heights, mast_heading_offset_deg: z.number().min(-360).max(360),
  }).partial().strict(),
  uplink: z.object({
    broker: z.string().regex(/^(mqtts?|wss?|tcp|ssl):\/\/.+/, 'must be a URL like mqtt://host:1883 or mqtts://host:8883'),
    /** generate: a new key and a certificate request/self-signed certificate; import: the files given; none: plain MQTT */
    tls: z.enum(['generate', 'import', 'none']),
    ca_file: z.string().min(1), cert_file: z.string().min(1), key_file: z.string().min(1),
    username: z.string().min(1),
  }).partial().strict(),
  signing_public_key: z.string().min(1),
  storage_path: z.string().min(1),
  cameras: z.object({ user: z.string(), password: z.string() }).partial().strict(),
  self_test_s: z.number().positive().max(3600),
  install_service: z.boolean(),
}).partial().strict();

export type Answers = z.infer<typeof answersSchema>;

/** What provisioning needs, all resolved. */
export interface ResolvedAnswers {
  technician: string;
  site: string;
  station: {
    id: string; name: string; latitude: number; longitude: number; elevation_m: number;
    sensor_heights_m: z.infer<typeof heights>; mast_heading_offset_deg: number;
  };
  uplink: { broker: string; tls: 'generate' | 'import' | 'none'; ca_file?: string; cert_file?: string; key_file?: string; username?: string };
  signing_public_key?: string;
  storage_path?: string;
  cameras: { user?: string; password?: string };
  self_test_s: number;
  install_service: boolean;
}

export class AnswersError extends Error {
  constructor(readonly problems: string[]) {
    super(`provisioning answers:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'AnswersError';
  }
}

/** Read and validate an answers file; errors name the key and the reason. */
export function loadAnswers(file: string): Answers {
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new AnswersError([`${file}: ${(e as Error).message.split('\n')[0]}`]);
  }
  const r = answersSchema.safeParse(raw ?? {});
  if (!r.success) throw new AnswersError(r.error.issues.map((i) => `${file}: ${i.path.join('.') || '(top level)'}: ${i.message}`));
  return r.data;
}

/** How a technician gives each required answer, for the error message. */
const HOW: Record<string, string> = {
  technician: '--technician "Name" or technician:',
  'station.id': '--station-id 0-392-0-47971 or station.id:',
  'station.name': '--name or station.name:',
  'station.latitude': '--lat or station.latitude:',
  'station.longitude': '--lon or station.longitude:',
  'station.elevation_m': '--elevation or station.elevation_m: (the barometer height above sea level, measured on site)',
  'uplink.broker': '--broker mqtts://host:8883 or uplink.broker:',
};

type Flat = Record<string, unknown>;
const get = (o: unknown, path: string): unknown => path.split('.').reduce<unknown>((x, k) => (x && typeof x === 'object' ? (x as Flat)[k] : undefined), o);
function set(o: Flat, path: string, v: unknown): void {
  const keys = path.split('.');
  let cur = o;
  for (const k of keys.slice(0, -1)) cur = (cur[k] ??= {}) as Flat;
  cur[keys.at(-1)!] = v;
}

/** A prompt: shows the question and the default, returns the typed answer ('' keeps the default). */
export type Ask = (question: string, def: string | undefined) => Promise<string>;

const QUESTIONS: Array<{ key: string; q: string; kind: 'string' | 'number' | 'boolean' }> = [
  { key: 'technician', q: 'Technician name', kind: 'string' },
  { key: 'site', q: 'Site preset (chichijima, hahajima, custom)', kind: 'string' },
  { key: 'station.id', q: 'WIGOS station identifier', kind: 'string' },
  { key: 'station.name', q: 'Station name', kind: 'string' },
  { key: 'station.latitude', q: 'Latitude (decimal degrees, north +)', kind: 'number' },
  { key: 'station.longitude', q: 'Longitude (decimal degrees, east +)', kind: 'number' },
  { key: 'station.elevation_m', q: 'Barometer elevation above mean sea level (m)', kind: 'number' },
  { key: 'station.sensor_heights_m.wind', q: 'Wind sensor height above ground (m)', kind: 'number' },
  { key: 'station.sensor_heights_m.temperature', q: 'Temperature/humidity sensor height above ground (m)', kind: 'number' },
  { key: 'station.sensor_heights_m.rain', q: 'Rain gauge orifice height above ground (m)', kind: 'number' },
  { key: 'station.mast_heading_offset_deg', q: 'Mast heading offset: degrees clockwise from true north to the sensors\' north mark', kind: 'number' },
  { key: 'uplink.broker', q: 'Central broker URL', kind: 'string' },
  { key: 'uplink.tls', q: 'Client certificate: generate, import or none', kind: 'string' },
  { key: 'self_test_s', q: 'Self-test duration (s)', kind: 'number' },
  { key: 'install_service', q: 'Install the systemd service at the end (yes/no)', kind: 'boolean' },
];

/**
 * Merge, in order of precedence: flags, answers file, site preset, defaults. With `ask`,
 * each question is put with the merged value as its default.
 */
export async function resolveAnswers(flags: Answers, file: Answers, ask?: Ask): Promise<ResolvedAnswers> {
  const merged: Flat = {};
  const site = (get(flags, 'site') ?? get(file, 'site')) as string | undefined;
  const preset = site && site !== 'custom' ? SITE_PRESETS[site] : undefined;
  const defaults: Flat = {
    station: { ...(preset ? { name: preset.name, latitude: preset.latitude, longitude: preset.longitude, ...(preset.id ? { id: preset.id } : {}), ...(preset.elevation_m !== undefined ? { elevation_m: preset.elevation_m } : {}) } : {}), mast_heading_offset_deg: 0, sensor_heights_m: {} },
    uplink: { tls: 'none' }, cameras: {}, self_test_s: 20, install_service: false, site: site ?? 'custom',
  };
  for (const q of [...QUESTIONS.map((x) => x.key), 'uplink.ca_file', 'uplink.cert_file', 'uplink.key_file', 'uplink.username', 'signing_public_key', 'storage_path', 'cameras.user', 'cameras.password', 'station.sensor_heights_m.humidity', 'station.sensor_heights_m.pressure']) {
    const v = get(flags, q) ?? get(file, q) ?? get(defaults, q);
    if (v !== undefined) set(merged, q, v);
  }
  if (ask) {
    for (const { key, q, kind } of QUESTIONS) {
      for (let tries = 0; tries < 5; tries++) {
        const cur = get(merged, key);
        const typed = (await ask(q, cur === undefined ? undefined : String(cur))).trim();
        if (typed === '') break;
        const v = kind === 'number' ? Number(typed) : kind === 'boolean' ? /^(y|yes|true|1)$/i.test(typed) : typed;
        if (kind === 'number' && !Number.isFinite(v)) continue; // asked again
        set(merged, key, v);
        // A preset chosen at the prompt fills the station's defaults where nothing was typed yet.
        if (key === 'site' && SITE_PRESETS[typed]) for (const [k, pv] of Object.entries(SITE_PRESETS[typed]!)) if (['id', 'name', 'latitude', 'longitude', 'elevation_m'].includes(k) && get(flags, `station.${k}`) === undefined && get(file, `station.${k}`) === undefined) set(merged, `station.${k}`, pv);
        break;
      }
    }
  }
  // Sections a technician may leave empty still exist for the steps that read them.
  set(merged, 'cameras', get(merged, 'cameras') ?? {});
  set(merged, 'station.sensor_heights_m', get(merged, 'station.sensor_heights_m') ?? {});
  const problems: string[] = [];
  for (const key of Object.keys(HOW)) if (get(merged, key) === undefined) problems.push(`missing answer ${key}: give ${HOW[key]}`);
  const checked = answersSchema.safeParse(merged);
  if (!checked.success) for (const i of checked.error.issues) problems.push(`${i.path.join('.')}: ${i.message}`);
  const id = get(merged, 'station.id');
  if (typeof id === 'string') {
    const w = wigosProblem(id);
    if (w) problems.push(`station.id "${id}": ${w}`);
  }
  const tls = get(merged, 'uplink.tls');
  if (tls === 'import') for (const k of ['cert_file', 'key_file']) if (!get(merged, `uplink.${k}`)) problems.push(`missing answer uplink.${k}: uplink.tls import needs --${k === 'cert_file' ? 'cert' : 'key'} or uplink.${k}:`);
  if (tls === 'generate' && typeof get(merged, 'uplink.broker') === 'string' && !String(get(merged, 'uplink.broker')).startsWith('mqtts://')) problems.push('uplink.tls generate: a client certificate needs an mqtts:// broker URL');
  if (problems.length) throw new AnswersError(problems);
  return merged as unknown as ResolvedAnswers;
}
