import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import importLayers from './eslint-rules/import-layers.js';

export default tseslint.config(
  {
    ignores: [
      'dist/',
      'packages/*/dist/',
      'dist-bench/',
      'coverage/',
      'node_modules/',
      'public/vendor/',
      'bench/results/',
      '**/*.js',
      '**/*.mjs',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-extraneous-class': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
  // The house's layers: the core knows no domain, no http/ and no admin/; domain modules use
  // the core only through its module API (see eslint-rules/import-layers.js).
  {
    files: ['src/**/*.ts'],
    plugins: { switchboard: { rules: { 'import-layers': importLayers } } },
    rules: { 'switchboard/import-layers': 'error' },
  },
  // The protocol is the leaf everything depends on, and the SDK ships to browsers: neither
  // may reach into the server (its sources, NestJS, Redis, the Socket.IO server).
  {
    files: ['packages/protocol/src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ regex: '^(?!\\.\\.?/)', message: 'the protocol imports nothing but its own files' }] },
      ],
    },
  },
  {
    files: ['packages/client/src/**/*.ts'],
    ignores: ['packages/client/src/**/*.spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(?!\\./|@switchboard/protocol$|socket\\.io-client$)',
              message: 'the SDK depends on socket.io-client and @switchboard/protocol only',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.spec.ts', '**/*.e2e-spec.ts', 'test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
    },
  },
);
