// Which station-file keys `set-config` may change from afar (docs/commands.md). A key is
// refused when it is on the deny list (with its reason), or not under an allowed prefix. The
// deny list guards what could cut the station off for good or turn a command into a file
// write anywhere: where it stores data, who it talks to, which keys it trusts, which files it
// reads. Those need a technician on site (or a new provisioning).
const DENIED: Array<[RegExp, string]> = [
  [/^station\.id$/, 'the station id names its topics and its data; change it on site'],
  [/^storage\.path$/, 'moving the database is a site job (the data would be left behind)'],
  [/^uplink\.(broker|tls|username|password_file)(\.|$)/, 'a wrong broker or credential would cut the station off for good'],
  [/^commands(\.|$)/, 'the command keys and limits decide who may command the station; never changed remotely'],
  [/^nowcast\.(public_key|model|models_dir)(\.|$)/, 'model keys and files are changed by a signed model update (`model` command), not by set-config'],
  [/^log\.file(\.|$)/, 'a file path: set on site'],
  [/^sensors\.\d+\.(port|type|id)$/, 'wiring and identity of a sensor: set on site'],
];

const ALLOWED_PREFIXES = ['uplink.', 'storage.', 'qc.', 'nowcast.', 'log.', 'sensors.', 'watchdog.', 'cameras.', 'status_page.'];

/** Why the key may not be set remotely, or null when it may. */
export function remoteKeyRefusal(key: string): string | null {
  if (!/^[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)*$/.test(key)) return 'a key is dotted names, e.g. uplink.resend_after_s';
  if (key.split('.').some((p) => p === '__proto__' || p === 'constructor' || p === 'prototype')) return 'not a station-file key';
  for (const [re, why] of DENIED) if (re.test(key)) return `may not be changed remotely: ${why}`;
  if (!ALLOWED_PREFIXES.some((p) => key.startsWith(p))) return `may not be changed remotely (only keys under ${ALLOWED_PREFIXES.map((p) => p.slice(0, -1)).join(', ')})`;
  return null;
}
