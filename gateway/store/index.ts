export * from './db.ts';
export * from './raw.ts';
export * from './outbox.ts';
export * from './record-codec.ts';
