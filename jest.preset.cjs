// Shared jest settings for every package: ts-jest transpiles (isolatedModules) to CommonJS;
// `tsc -p .` in each package does the type-checking. Tests import the packages through their
// public names, mapped here to the sources so no build is needed to run them.
const path = require('node:path');

const root = __dirname;

/** @param {string} dir the package directory */
module.exports = function preset(dir) {
  return {
    displayName: path.basename(dir),
    rootDir: dir,
    testEnvironment: 'node',
    testMatch: ['<rootDir>/test/**/*.test.ts'],
    transform: {
      '^.+\\.ts$': ['ts-jest', { tsconfig: path.join(root, 'tsconfig.jest.json') }],
    },
    moduleNameMapper: {
      '^@fluxgate/core$': path.join(root, 'packages/core/src/index.ts'),
      '^@fluxgate/core/(windows|trackers|trippers|retries|permits|listeners)$': path.join(
        root,
        'packages/core/src/$1/index.ts',
      ),
      '^@fluxgate/prometheus$': path.join(root, 'packages/prometheus/src/index.ts'),
      '^@fluxgate/slack$': path.join(root, 'packages/slack/src/index.ts'),
      '^(\\.{1,2}/.*)\\.js$': '$1',
    },
    clearMocks: true,
  };
};
