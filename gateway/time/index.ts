// Time without a real-time clock (issue #10 part 4): docs/decisions.md "Time".
export { TimeSync, TIME_SOURCES, type TimeSource, type ClockSource, type ClockState, type SyncEvent, type TimeSyncOptions } from './sync.ts';
export { BUILD_FLOOR_MS, afterFloor } from './floor.ts';
export { bootId, monotonicFor } from './boot.ts';
export { checkSystemSync, parseChronycTracking, TIMESYNCD_FLAG, type SystemSyncAnswer } from './system.ts';
export { markTime, correctUncertain, countUncertain, type Correction } from './correct.ts';
export { TimeProbe } from './probe.ts';
export { StationTime, stationTimeSync, isSystemClock, type StationTimeDeps } from './station.ts';
