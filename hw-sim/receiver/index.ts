export * from './receiver.ts';
export * from './store.ts';
