export * from './db.ts';
export * from './raw.ts';
export * from './outbox.ts';
