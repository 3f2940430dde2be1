// The Gill WindSonic twin's entry in SIM_CATALOG (hw-sim/catalog.ts), by its station-file type.
import type { CatalogEntry } from '../catalog.ts';
import { WindsonicTwin, type WindsonicUnit } from './windsonic.ts';

export const WINDSONIC_CATALOG: CatalogEntry = {
  kind: 'gill-windsonic',
  name: 'windsonic',
  create({ clock, scenario, seed, options }) {
    const o = options as { node?: string; unit?: WindsonicUnit; mode?: 'continuous' | 'polled'; heated?: boolean };
    return new WindsonicTwin({ clock, scenario, seed, ...o });
  },
  describe(device) {
    const t = device as WindsonicTwin;
    return [
      `9600 baud 8N1, Gill polar ${t.mode} (STX ${t.node},dir,speed,${t.unit},status, ETX checksum), unit ${t.node}`,
      t.mode === 'continuous' ? 'sends: one line a second after the power-up banner; * enters configuration mode' : `answers ?${t.node} with one line, ! ends polling; * enters configuration mode`,
    ];
  },
};
