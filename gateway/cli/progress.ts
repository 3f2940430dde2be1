// One line of live demo progress: the latest readings and where the records are.
import type { Quantity } from '../../core/index.ts';
import type { StationGateway } from '../pipeline/station.ts';

const fmt = (gw: StationGateway, q: Quantity, digits: number, unit: string) => {
  const o = gw.latest.get(q);
  if (!o || o.value === null) return `–${unit}`;
  return `${o.value.toFixed(digits)}${unit}${o.qc.flag === 'good' ? '' : `(${o.qc.flag})`}`;
};

export function progressLine(now: number, gw: StationGateway, receiverRecords: number): string {
  const t = new Date(now).toISOString().slice(0, 19).replace('T', ' ');
  const c = gw.outbox.counts();
  const link = gw.uplink.connected ? 'link up' : 'link DOWN';
  return `${t}Z  T ${fmt(gw, 'air_temperature', 1, '°C')}  RH ${fmt(gw, 'relative_humidity', 0, '%')}  p ${fmt(gw, 'air_pressure', 1, ' hPa')}  ` +
    `wind ${fmt(gw, 'wind_speed', 1, ' m/s')} from ${fmt(gw, 'wind_from_direction', 0, '°')}  | ` +
    `records ${c.recordsCommitted} committed, ${c.recordsAcked} acked, outbox ${c.outboxBatches}, ${link} | receiver ${receiverRecords}${cameras(gw)}`;
}

/** " | cameras 2/2 online, 14 frames, cloud 40%" when the station has cameras. */
function cameras(gw: StationGateway): string {
  const s = gw.cameras?.summary();
  if (!s) return '';
  const online = s.cameras.filter((c) => c.state === 'online').length;
  const cloud = gw.latest.get('cloud_area_fraction');
  return ` | cameras ${online}/${s.cameras.length} online, ${s.frames.frames} frames, cloud ${cloud?.value == null ? '– (night)' : `${Math.round(cloud.value)}%`}`;
}
