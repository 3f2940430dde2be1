// The PTB330 and PTB210 twins' entries in SIM_CATALOG (hw-sim/catalog.ts), by station-file type.
import type { CatalogEntry } from '../catalog.ts';
import { PtbTwin, type PtbSmode } from './ptb.ts';

type PtbCatalogOptions = { smode?: PtbSmode; intervalS?: number; checksum?: 'CS2' | 'CS4' | 'CSX' | null; unit?: string; address?: number };

function entry(model: 'PTB330' | 'PTB210'): CatalogEntry {
  return {
    kind: model === 'PTB330' ? 'vaisala-ptb330' : 'vaisala-ptb210',
    name: model.toLowerCase(),
    // Factory STOP mode: the gateway asks (`SEND` / `.P`) at its own cadence.
    create: ({ clock, scenario, seed, options }) => new PtbTwin({ clock, scenario, seed, model, ...(options as PtbCatalogOptions) }),
    describe(device) {
      const t = device as PtbTwin;
      if (t.model === 'PTB210') return ['9600 baud E 7 1, PTB210: answers .P with the pressure in ' + t.unit];
      return [
        `9600 baud E 7 1, PTB330 SMODE ${t.smode}, unit ${t.unit}${t.checksum ? `, FORM checksum ${t.checksum}` : ''}`,
        t.smode === 'RUN' ? `sends: P= every ${t.intervalS} s; S stops` : `answers SEND (and SEND ${t.address}); R starts output every ${t.intervalS} s, S stops; VERS, ?, INTV, SMODE, UNIT, FORM`,
      ];
    },
  };
}

export const PTB330_CATALOG = entry('PTB330');
export const PTB210_CATALOG = entry('PTB210');
