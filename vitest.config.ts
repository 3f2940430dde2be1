import { defineConfig } from 'vitest/config';

// Unit tests sit beside the code they test (`*.test.ts`); tests that cross folders
// (end to end over real PTYs and a real Mosquitto) live in test/.
export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', '.git/**'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 2,
  },
});
