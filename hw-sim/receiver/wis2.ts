// WIS2 at the reference receiver: each batch accepted (stored for the first time) becomes a
// WIS2 Notification Message (WNM 1.0, a GeoJSON Feature) on the WIS2 topic hierarchy for
// surface-based observations, on a local topic of the central broker, from where the central
// system feeds the WMO network. The records go inline (`properties.content`, UTF-8 JSON) with
// their SHA-512, and a canonical link names where the data can be fetched.
import { createHash, randomUUID } from 'node:crypto';
import { periodOf, type ObsBatch } from '../../core/index.ts';

const PERIOD_MS = { '1min': 60_000, '10min': 600_000, '1h': 3_600_000 } as const;

export interface Wis2Options {
  /** WIS2 centre identifier, e.g. "jp-jma" */
  centreId: string;
  /** base URL where the central system serves the data (the canonical link) */
  baseUrl: string;
  /** station positions (WIGOS id → [longitude, latitude, elevation m]); without one the geometry is null */
  locations?: Record<string, [number, number, number?]>;
}

/** WIS2 Topic Hierarchy (WTH 1): channel/version/system/centre-id/notification-type/data-policy/earth-system-discipline/… */
export function wis2Topic(centreId: string): string {
  return `origin/a/wis2/${centreId}/data/core/weather/surface-based-observations/synop`;
}

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

export function wis2Notification(batch: ObsBatch, opts: Wis2Options, now: number): { topic: string; message: Record<string, unknown> } {
  const content = Buffer.from(JSON.stringify({ station: batch.station, seq: batch.seq, records: batch.records }));
  const times = batch.records.map((r) => r.ts);
  const start = Math.min(...times);
  // a record is the minute (or the 10-min / hourly period) starting at ts
  const end = Math.max(...batch.records.map((r) => r.ts + PERIOD_MS[periodOf(r)]));
  const dataId = `${opts.centreId}/bonin/${batch.station}/${batch.seq}`;
  const pos = opts.locations?.[batch.station];
  return {
    topic: wis2Topic(opts.centreId),
    message: {
      id: randomUUID(),
      conformsTo: ['http://wis.wmo.int/spec/wnm/1/conf/core'],
      type: 'Feature',
      geometry: pos ? { type: 'Point', coordinates: pos.filter((v) => v !== undefined) } : null,
      properties: {
        data_id: dataId,
        pubtime: iso(now),
        ...(times.length ? { start_datetime: iso(start), end_datetime: iso(end) } : { datetime: iso(batch.created) }),
        wigos_station_identifier: batch.station,
        integrity: { method: 'sha512', value: createHash('sha512').update(content).digest('base64') },
        content: { encoding: 'utf-8', value: content.toString('utf8'), size: content.length },
      },
      links: [{ href: `${opts.baseUrl.replace(/\/$/, '')}/${dataId}.json`, rel: 'canonical', type: 'application/json', length: content.length }],
    },
  };
}
