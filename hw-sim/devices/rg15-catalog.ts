// The Hydreon RG-15 twin's entry in SIM_CATALOG (hw-sim/catalog.ts), by its station-file type.
import type { CatalogEntry } from '../catalog.ts';
import { Rg15Twin, type Rg15TwinOptions } from './rg15.ts';

export const RG15_CATALOG: CatalogEntry = {
  kind: 'hydreon-rg15',
  name: 'rg15',
  create: ({ clock, scenario, seed, options }) => new Rg15Twin({ clock, scenario, seed, ...(options as Partial<Rg15TwinOptions>) }),
  describe(device) {
    const t = device as Rg15Twin;
    return [
      `9600 baud 8N1, Hydreon RG-15 SW ${t.version}, ${t.units} ${t.resolution} resolution, ${t.mode} mode`,
      t.mode === 'polling' ? 'answers R with Acc/EventAcc/TotalAcc/RInt; boot banner on power-up and K' : 'sends a data line when its count changes; answers R',
    ];
  },
};
