// The shared core: the only module drivers, edge-model and hw-sim may import.
export * from './quantities.ts';
export * from './qc.ts';
export * from './observation.ts';
export * from './clock.ts';
export * from './wire.ts';
export * from './wire-compact.ts';
export * from './checksums.ts';
export * from './command.ts';
export * from './canonical-json.ts';
