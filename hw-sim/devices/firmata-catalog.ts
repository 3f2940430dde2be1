// The Firmata board twin's entry in SIM_CATALOG (hw-sim/catalog.ts), by its station-file type.
import type { CatalogEntry } from '../catalog.ts';
import { FirmataBoardTwin, type FirmataWiring } from './firmata.ts';

export const FIRMATA_CATALOG: CatalogEntry = {
  kind: 'firmata-board',
  name: 'firmata',
  create: ({ clock, scenario, seed, options }) => new FirmataBoardTwin({ clock, scenario, seed, wiring: options.wiring as Partial<FirmataWiring> | undefined }),
  describe(device) {
    const w = (device as FirmataBoardTwin).wiring;
    return [
      '57600 baud 8N1, Arduino Uno with StandardFirmata 2.5 (REPORT_VERSION + firmware every 250 ms until the host asks for capabilities)',
      `anemometer D${w.anemometerPin} (${(w.anemometerMsPerHz * 3.6).toFixed(1)} km/h per Hz), tipping bucket D${w.rainPin} (${w.mmPerTip} mm), vane A${w.vaneChannel} (10 kΩ ladder), BMP280 at I²C 0x${w.bmp280Address.toString(16)}; analog every 19 ms`,
    ];
  },
};
