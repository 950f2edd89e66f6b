import { availableParallelism } from 'node:os';

// Jest runs TypeScript as native ESM (NestJS 12 is ESM-only), and a mapper strips the `.js`
// suffix NodeNext imports carry so Jest finds the `.ts` file. The workspace packages are mapped
// to their sources, so tests never need a prior build. Files are only transpiled, never
// type-checked per test file (`npm run typecheck` does that once, in CI too), by SWC: ts-jest's
// per-file TypeScript transpiler took about 45 ms a file, 10-20 s of a first run's CPU when
// the transform cache is cold (a new clone). The options mirror tsconfig.json: legacy
// decorators with their metadata (Nest's dependency injection reads `design:paramtypes`),
// class fields assigned as TypeScript does (`useDefineForClassFields: false`).
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
      target: 'es2022',
      keepClassNames: true,
    },
    module: { type: 'es6' },
    sourceMaps: 'inline',
  },
];
const common = {
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: {
    '^@switchboard/(protocol|client)$': '<rootDir>/packages/$1/src/index.ts',
    '^@switchboard/protocol/modules/(.*)$': '<rootDir>/packages/protocol/src/modules/$1.ts',
    '^@switchboard/client/publisher$': '<rootDir>/packages/client/src/publisher.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  transform: { '^.+\\.ts$': swc },
  testEnvironment: 'node',
};

export default {
  // Test files run in parallel: every server listens on port 0, every Redis user has its own
  // key prefix (or a private redis-server), so files share nothing but the CPU. Most of a file's
  // time is waiting (child processes, timers, sockets), so more workers than cores keep the
  // cores busy: measured on 2 cores (dist/ built), 2 workers took 151 s, 3 took 109 s and
  // 4 took 96 s for the same suite.
  maxWorkers: Math.max(4, availableParallelism() + 1),
  // Real servers, browsers and child processes on a shared machine: 5 s (Jest's default) is a
  // coin toss under load. Each wait inside a test keeps its own tighter bound. (A global option:
  // jest-circus ignores it per project.)
  testTimeout: 30_000,
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
      // Every REST answer a test sees is checked against the gateway's OpenAPI document.
      setupFilesAfterEnv: ['<rootDir>/test/support/rest-answers.setup.ts'],
    },
    // Long runs (Redis frozen and killed under load, gateway processes killed, the chaos run
    // behind HAProxy, a module generated into a fresh copy and tested): only in `npm run test:faults`, which CI runs after
    // `npm test`. A project chosen by the environment rather than `--selectProjects` in
    // `npm test`, so that `npm test -- <path>` still means a path.
    ...(process.env.SWITCHBOARD_TEST_FAULTS === '1'
      ? [
          {
            ...common,
            displayName: 'faults',
            testMatch: ['<rootDir>/test/**/*.faults-spec.ts'],
            globalSetup: '<rootDir>/test/support/global-setup.ts',
            setupFilesAfterEnv: ['<rootDir>/test/support/rest-answers.setup.ts'],
          },
        ]
      : []),
  ],
};
