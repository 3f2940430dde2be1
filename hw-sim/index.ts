// The hardware simulator's public API (hw-sim/README.md). Imports core/ only, never the
// gateway or the drivers: it is the other side of every wire.
export type { TruthSample, WeatherScenario } from './weather/types.ts';
export { tradeWindDay, DEFAULT_TRADE_WIND_START, type TradeWindOptions, type ShowerOptions } from './weather/trade-wind.ts';
export { nycReplay, type NycReplayOptions } from './weather/nyc-replay.ts';
export { dewPoint, relativeHumidity } from './weather/physics.ts';

export type { DeviceLink, SimDevice } from './devices/link.ts';
export { Wxt530Twin, WXT530_FACTORY, type Wxt530Options, type Wxt530Settings, type Wxt530Faults, type WxtMode, type WxtMessage } from './devices/wxt530.ts';
export { type FaultRate } from './devices/line-faults.ts';

export { exposePty, hasSocat, type PtyExposure } from './expose/pty.ts';
export { exposeTcp, type TcpExposure } from './expose/tcp.ts';
export { exposeInProcess, type InProcessExposure } from './expose/inprocess.ts';

export {
  startSimulation, describeSimulation,
  type Simulation, type SimulationOptions, type SimulatedDevice, type Exposure, type ExposeKind, type ScenarioName, type DeviceSpec, type SimCameraSpec,
} from './sim.ts';
export { SIM_CATALOG, STATION_WXT530_SETTINGS, type CatalogEntry, type DeviceContext, type WxtModeOption } from './catalog.ts';
export { NmeaTwin, NMEA_DEFAULT_INTERVALS, type NmeaTwinOptions, type NmeaSentenceKind } from './devices/nmea.ts';
export { WindsonicTwin, windsonicLine, WINDSONIC_BANNER, type WindsonicTwinOptions, type WindsonicUnit, type WindsonicFaults } from './devices/windsonic.ts';
export { type LineFaults } from './devices/nmea-faults.ts';
export { PtbTwin, type PtbTwinOptions, type PtbTwinModel, type PtbSmode, type PtbFaults } from './devices/ptb.ts';
export { Rg15Twin, type Rg15TwinOptions, type Rg15Faults } from './devices/rg15.ts';
export { FirmataBoardTwin, SPARKFUN_WIRING, type FirmataBoardOptions as FirmataTwinOptions, type FirmataWiring, type FirmataFaults } from './devices/firmata.ts';
export { Bmp280Chip, DATASHEET_TRIM, type Bmp280Trim } from './devices/firmata-bmp280.ts';
export { startSimCamera, gradientJpeg, skySource, corruptJpeg, CHICHIJIMA, type SimCamera, type SimCameraOptions, type SimCameraFaults, type SimCameraFaultName, type SimCameraStats, type FrameSource, type JpegCorruption } from './devices/onvif-camera/index.ts';
export { startRack, planRack, describeRack, RACK_VARIANTS, type Rack, type RackSlot, type RackCamera, type RackExpectation, type RackPlan } from './rack.ts';
export { BaudGate, BaudObserver, GarbageDevice, AbsentDevice, garble } from './rack-baud.ts';
