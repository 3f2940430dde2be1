// Every virtual device the simulator can put on a wire, by the `type` the station file uses
// for its real twin. Add a family: one entry here (and its twin in hw-sim/devices/).
import type { Clock } from '../core/clock.ts';
import type { SimDevice } from './devices/link.ts';
import { Wxt530Twin, WXT530_FACTORY, type Wxt530Settings, type WxtMode } from './devices/wxt530.ts';
import type { WeatherScenario } from './weather/types.ts';
import { NMEA_CATALOG } from './devices/nmea-catalog.ts';
import { WINDSONIC_CATALOG } from './devices/windsonic-catalog.ts';
import { PTB210_CATALOG, PTB330_CATALOG } from './devices/ptb-catalog.ts';
import { RG15_CATALOG } from './devices/rg15-catalog.ts';
import { FIRMATA_CATALOG } from './devices/firmata-catalog.ts';

export interface DeviceContext {
  clock: Clock;
  scenario: WeatherScenario;
  seed: number;
  /** the family's own options (mode, address, settings, …) */
  options: Record<string, unknown>;
}

export interface CatalogEntry {
  /** the sensor `type` of the station file this device stands in for */
  kind: string;
  /** default device name (the PTY link name) */
  name: string;
  create(ctx: DeviceContext): SimDevice;
  /** what `bonin sim` prints about the device, after its path */
  describe(device: SimDevice): string[];
}

/**
 * The WXT530 as a technician leaves it at a Bonin station: wind every 1 s (`0WU,I=1`) for
 * gusts and a quick unplug alarm, PTU every 10 s (a one-minute mean from several samples),
 * rain every 10 s also when dry (`0RU,M=T,I=10`: the factory on/off mode sends nothing when
 * dry, so a dry minute would look like a missing one). The twin alone defaults to factory.
 */
export const STATION_WXT530_SETTINGS: Readonly<Wxt530Settings> = Object.freeze({
  ...WXT530_FACTORY, windIntervalS: 1, ptuIntervalS: 10, rainAutoSend: 'T', rainIntervalS: 10,
});

/** Protocol letters of aXU,M= or their names. */
export type WxtModeOption = WxtMode | 'automatic' | 'automatic-crc' | 'polled' | 'polled-crc' | 'nmea' | 'nmea-query';
const MODES: Record<WxtModeOption, WxtMode> = { A: 'A', a: 'a', P: 'P', p: 'p', automatic: 'A', 'automatic-crc': 'a', polled: 'P', 'polled-crc': 'p', N: 'N', Q: 'Q', nmea: 'N', 'nmea-query': 'Q' };
const MODE_NAMES: Record<WxtMode, string> = { A: 'automatic', a: 'automatic with CRC', P: 'polled', p: 'polled with CRC', N: 'NMEA 0183 automatic (MWV/XDR)', Q: 'NMEA 0183 query ($--WIQ,XDR*2D)' };

const wxt530: CatalogEntry = {
  kind: 'vaisala-wxt530',
  name: 'wxt530',
  create({ clock, scenario, seed, options }) {
    const o = options as { mode?: WxtModeOption; address?: string; settings?: Partial<Wxt530Settings> };
    const mode = MODES[o.mode ?? 'A'];
    if (!mode) throw new RangeError(`unknown WXT530 mode "${o.mode}"`);
    return new Wxt530Twin({ clock, scenario, seed, mode, address: o.address ?? '0', settings: { ...STATION_WXT530_SETTINGS, ...o.settings } });
  },
  describe(device) {
    const t = device as Wxt530Twin;
    const st = t.settings;
    const rain = st.rainAutoSend === 'R' ? 'every 10 s while raining' : `every ${st.rainIntervalS} s`;
    return [
      `19200 baud 8N1, Vaisala ASCII ${MODE_NAMES[t.mode]} (aXU,M=${t.mode}), address ${t.address}`,
      t.mode === 'A' || t.mode === 'a'
        ? `sends: wind ${st.windIntervalS} s (${st.windAveragingS}-s average), PTU ${st.ptuIntervalS} s, rain ${rain}, supervisor ${st.supervisorIntervalS} s; answers ${t.address}R0–${t.address}R5 polls`
        : `answers polls: ${t.address}R1 wind, ${t.address}R2 PTU, ${t.address}R3 rain, ${t.address}R5 supervisor, ${t.address}R0 composite`,
    ];
  },
};

export const SIM_CATALOG: Record<string, CatalogEntry> = {
  [wxt530.kind]: wxt530,
  [NMEA_CATALOG.kind]: NMEA_CATALOG,
  [WINDSONIC_CATALOG.kind]: WINDSONIC_CATALOG,
  [PTB330_CATALOG.kind]: PTB330_CATALOG,
  [PTB210_CATALOG.kind]: PTB210_CATALOG,
  [RG15_CATALOG.kind]: RG15_CATALOG,
  [FIRMATA_CATALOG.kind]: FIRMATA_CATALOG,
};
