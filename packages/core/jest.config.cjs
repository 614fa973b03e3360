// The shared settings (jest.preset.cjs), plus the coverage bar of @fluxgate/core: 100% of the
// lines and branches of src/, enforced whenever coverage is collected for core alone:
//   npx jest -c packages/core/jest.config.cjs --coverage    (or `npx jest --coverage` in here)
// In the root run of every package jest takes coverage settings from the command line only (and
// warns about them in a project's configuration), so scripts/test.sh passes the same bar there.
const path = require('node:path');

const preset = require('../../jest.preset.cjs')(__dirname);

/** Whether jest was started on this configuration, rather than on the root one listing it. */
const standalone =
  process.cwd() === __dirname ||
  process.argv.some(
    (arg) =>
      path.resolve(arg.replace(/^--config=/, '')) === path.join(__dirname, 'jest.config.cjs'),
  );

/** @type {import('jest').Config} */
module.exports = standalone
  ? {
      ...preset,
      collectCoverageFrom: ['src/**/*.ts'],
      coverageThreshold: {
        [`${path.join(__dirname, 'src')}${path.sep}`]: { lines: 100, branches: 100 },
      },
    }
  : preset;
