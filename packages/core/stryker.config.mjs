// Mutation testing of @fluxgate/core with StrykerJS and its jest runner.
//
// Run it with `pnpm test:mutation` (from the root or packages/core): Stryker runs from the
// repository root, because the core jest config builds on ../../jest.preset.cjs and maps
// @fluxgate/core to packages/core/src, which must be the sandbox's mutated copy. Reports go to
// reports/mutation/core.{html,json} and the incremental file to
// reports/stryker-incremental-core.json (both ignored by git), the sandboxes to .stryker-tmp/.
//
// Environment: the seeded reliability tests run shorter here (each mutant reruns them); the
// default run keeps their full length. STRYKER_CONCURRENCY overrides the worker count.
// STRYKER_MUTATE (comma-separated globs) and STRYKER_LABEL run a part of the sources with its own
// report and incremental file, e.g. one directory at a time:
//   STRYKER_LABEL=windows STRYKER_MUTATE='packages/core/src/windows/**/*.ts' pnpm test:mutation
// and `node packages/core/scripts/mutation-summary.mjs` adds up the reports. With
// STRYKER_IGNORE_STATIC=1 the static mutants (module-level code: each reruns every test) are left
// out; a second run without it, in incremental mode, then tests only them.

// Shorter seeded runs per mutant: the full lengths run in the normal test suite.
process.env.FLUXGATE_TORTURE_EVENTS ??= '1500';
process.env.FLUXGATE_CHAOS_EVENTS ??= '600';
process.env.FC_NUM_RUNS ??= '100';

const label = process.env.STRYKER_LABEL ?? 'core';
const mutate = process.env.STRYKER_MUTATE?.split(',')
  .map((glob) => glob.trim())
  .filter(Boolean);

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
      testPathIgnorePatterns: [
        '/node_modules/',
        // Tests that cannot see a mutant: the packed package (built from the sources with tsc,
        // in a copy), the READMEs type-check, and a child process on freshly transpiled sources.
        '/test/package/',
        '/test/docs/',
        '/test/reliability/exit\\.test\\.ts$',
        // Left out of the per-mutant runs unless STRYKER_ALL_TESTS=1, because each covers nearly
        // every line and so would rerun for nearly every mutant: the decorator tests compile
        // their fixtures with TypeScript (18 s a run), and the seeded suites (torture, listener
        // chaos, fuzzing, model-based and property tests) run thousands of random steps. They run
        // at full length in every normal test run; a mutant only they would kill is counted as
        // surviving here, and must be killed by an example-based test or listed as equivalent.
        ...(process.env.STRYKER_ALL_TESTS === '1'
          ? []
          : [
              '/test/breaker/decorators\\.test\\.ts$',
              '/test/breaker/model\\.property\\.test\\.ts$',
              '/test/windows/windows\\.property\\.test\\.ts$',
              '/test/reliability/(torture|listener-chaos|fuzz|name-fuzz)\\.test\\.ts$',
            ]),
      ],
    },
    enableFindRelatedTests: true,
  },
  mutate: [...(mutate ?? ['packages/core/src/**/*.ts']), '!packages/core/src/**/index.ts'],
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
  ignoreStatic: process.env.STRYKER_IGNORE_STATIC === '1',
  concurrency: Number(process.env.STRYKER_CONCURRENCY ?? 2),
  incremental: true,
  incrementalFile: `reports/stryker-incremental-${label}.json`,
  timeoutMS: 10_000,
  timeoutFactor: 2,
  reporters: ['clear-text', 'progress-append-only', 'html', 'json'],
  htmlReporter: { fileName: `reports/mutation/${label}.html` },
  jsonReporter: { fileName: `reports/mutation/${label}.json` },
  thresholds: { high: 95, low: 90, break: 90 },
  tempDirName: '.stryker-tmp',
  cleanTempDir: true,
};
