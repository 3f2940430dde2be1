// The NMEA 0183 twin's entry in SIM_CATALOG (hw-sim/catalog.ts), by its station-file type.
import type { CatalogEntry } from '../catalog.ts';
import { NmeaTwin, type NmeaSentenceKind } from './nmea.ts';
import type { NmeaSpeedUnit } from './nmea-format.ts';

export const NMEA_CATALOG: CatalogEntry = {
  kind: 'nmea-0183',
  name: 'nmea',
  create({ clock, scenario, seed, options }) {
    const o = options as { talker?: string; mastHeadingDeg?: number; speedUnit?: NmeaSpeedUnit; intervals?: Partial<Record<NmeaSentenceKind, number>> };
    return new NmeaTwin({ clock, scenario, seed, ...o });
  },
  describe(device) {
    const t = device as NmeaTwin;
    const sends = Object.entries(t.intervals).filter(([, s]) => s > 0).map(([k, s]) => `${k === 'MWVT' ? 'MWV true' : k === 'MWV' ? 'MWV relative' : k} every ${s} s`);
    return [
      `4800 baud 8N1, NMEA 0183 talker ${t.talker}, reference mark ${t.mastHeadingDeg}° from north, MWV speed unit ${t.speedUnit}`,
      `sends: ${sends.join(', ')}; answers no commands`,
    ];
  },
};
