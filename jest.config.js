// Jest runs TypeScript as native ESM (NestJS 12 is ESM-only): ts-jest with useESM, and a
// mapper that strips the `.js` suffix NodeNext imports carry so Jest finds the `.ts` file.
// The workspace packages are mapped to their sources, so tests never need a prior build.
const tsJest = ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }];
const common = {
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: {
    '^@switchboard/(protocol|client)$': '<rootDir>/packages/$1/src/index.ts',
    '^@switchboard/client/publisher$': '<rootDir>/packages/client/src/publisher.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  transform: { '^.+\\.ts$': tsJest },
  testEnvironment: 'node',
};

export default {
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/packages/*/src/**/*.spec.ts'],
    },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
    },
  ],
};
