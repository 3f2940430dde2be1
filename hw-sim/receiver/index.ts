export * from './receiver.ts';
export * from './store.ts';
export * from './wis2.ts';
