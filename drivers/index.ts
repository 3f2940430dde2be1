// Public API of drivers/: transports and device families. Import from here, not from files.
export * from './transport/index.ts';
export type { Driver, DriverState, DriverStats } from './driver.ts';
export { LINE_PARSERS, isRefusal, type LineParser, type LineParse } from './parsers.ts';
export { MemoryTransport } from './transport/memory.ts';
export { LineFramer, type FramedChunk } from './framing/lines.ts';
export { parseWxtMessage, isRejection, printable, type WxtParsed, type WxtField, type ParseContext } from './wxt530/parse.ts';
export { FIELDS as WXT530_FIELDS, MESSAGE_KINDS as WXT530_MESSAGE_KINDS, type WxtKind, type FieldSpec as Wxt530FieldSpec } from './wxt530/fields.ts';
export { Wxt530Driver, type Wxt530Options, type Wxt530State, type Wxt530Stats } from './wxt530/driver.ts';
export { probeWxt530, type ProbeResult, type Wxt530Identity } from './wxt530/probe.ts';
export { parseNmeaSentence, parseNmeaLine, isNmeaRefusal, SENTENCES as NMEA_SENTENCES, type NmeaParsed, type NmeaContext } from './nmea/parse.ts';
export { NmeaDriver, type NmeaOptions, type NmeaStats } from './nmea/driver.ts';
export { probeNmea, probeNmeaPort, NMEA_BAUDS, type NmeaProbeResult, type NmeaIdentity } from './nmea/probe.ts';
export { parseWindsonicLine, isWindsonicRefusal, STATUS_CODES as WINDSONIC_STATUS_CODES, type WindsonicParsed, type WindsonicData, type StatusMeaning as WindsonicStatus } from './windsonic/parse.ts';
export { WindsonicDriver, type WindsonicOptions, type WindsonicStats } from './windsonic/driver.ts';
export { probeWindsonic, probeWindsonicPort, WINDSONIC_BAUDS, type WindsonicProbeResult, type WindsonicIdentity } from './windsonic/probe.ts';
