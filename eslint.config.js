// Lint rules: the recommended sets, plus the import-direction rules of docs/architecture.md
// (drivers, edge-model and hw-sim never reach into gateway internals).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const noGatewayImports = {
  'no-restricted-imports': ['error', {
    patterns: [{ group: ['**/gateway/**', '../gateway', '../../gateway'], message: 'drivers, edge-model and hw-sim may import core/ only, never gateway internals (docs/architecture.md).' }],
  }],
};

export default tseslint.config(
  { ignores: ['node_modules/**', 'data/**', 'bench/results.json', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', setImmediate: 'readonly', URL: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  { files: ['drivers/**', 'edge-model/**', 'hw-sim/**', 'core/**'], rules: noGatewayImports },
);
