// Mutation testing of @fluxgate/core with StrykerJS and its jest runner.
//
// Run it with `pnpm test:mutation` (from the root or packages/core): Stryker runs from the
// repository root, because the core jest config builds on ../../jest.preset.cjs and maps
// @fluxgate/core to packages/core/src, which must be the sandbox's mutated copy. Reports go to
// reports/mutation/ and the incremental file to reports/stryker-incremental.json (both ignored
// by git), the sandboxes to .stryker-tmp/.
//
// Environment: the seeded reliability tests run shorter here (each mutant reruns them); the
// default run keeps their full length. STRYKER_CONCURRENCY overrides the worker count.

// Shorter seeded runs per mutant: the full lengths run in the normal test suite.
process.env.FLUXGATE_TORTURE_EVENTS ??= '1500';
process.env.FLUXGATE_CHAOS_EVENTS ??= '600';
process.env.FC_NUM_RUNS ??= '100';

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  packageManager: 'pnpm',
  testRunner: 'jest',
  // Repairs, in the sandbox, one construct Stryker's code generator prints wrongly (see the file).
  buildCommand: 'node packages/core/scripts/stryker-repair.mjs',
  // Under pnpm, Stryker cannot find its plugins by scanning node_modules: name the runner.
  plugins: [import.meta.resolve('@stryker-mutator/jest-runner')],
  jest: {
    projectType: 'custom',
    configFile: 'packages/core/jest.config.cjs',
    config: {
      // Tests that cannot see a mutant: the packed package (built from the sources with tsc, in
      // a copy), the READMEs type-check, and a child process on freshly transpiled sources.
      testPathIgnorePatterns: [
        '/node_modules/',
        '/test/package/',
        '/test/docs/',
        '/test/reliability/exit\\.test\\.ts$',
      ],
    },
    enableFindRelatedTests: true,
  },
  mutate: ['packages/core/src/**/*.ts', '!packages/core/src/**/index.ts'],
  // Only what the core tests need goes into the sandboxes.
  ignorePatterns: [
    'packages/*',
    '!packages/core',
    'packages/core/dist',
    'bench',
    'docs',
    'coverage',
    'test-output',
    '.changeset',
  ],
  coverageAnalysis: 'perTest',
  concurrency: Number(process.env.STRYKER_CONCURRENCY ?? 2),
  incremental: true,
  incrementalFile: 'reports/stryker-incremental.json',
  timeoutMS: 10_000,
  timeoutFactor: 2,
  reporters: ['clear-text', 'progress-append-only', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/core.html' },
  jsonReporter: { fileName: 'reports/mutation/core.json' },
  thresholds: { high: 95, low: 90, break: 90 },
  tempDirName: '.stryker-tmp',
  cleanTempDir: true,
};
