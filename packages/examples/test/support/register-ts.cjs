// Lets a child process run this package's TypeScript sources as they are, the way jest runs the
// tests: `node -r ./test/support/register-ts.cjs src/demo/main.ts`. Each .ts file is transpiled
// to CommonJS on load (no type-check: `tsc` does that), and module names are resolved with the
// jest preset's moduleNameMapper, so `@fluxgate/*` are the sources of the workspace packages.
// The tests use it instead of `dist`, which a build may be rewriting while they run.
const fs = require('node:fs');
const Module = require('node:module');
const path = require('node:path');
const ts = require('typescript');

const root = path.resolve(__dirname, '../../../..');
const { moduleNameMapper } = require(path.join(root, 'jest.preset.cjs'))(root);
const mappers = Object.entries(moduleNameMapper).map(([pattern, target]) => [
  new RegExp(pattern),
  target,
]);

const configFile = path.join(root, 'tsconfig.jest.json');
const { config } = ts.readConfigFile(configFile, ts.sys.readFile);
const { options } = ts.parseJsonConfigFileContent(config, ts.sys, root, undefined, configFile);
const compilerOptions = {
  ...options,
  sourceMap: false,
  inlineSourceMap: true,
  inlineSources: true,
};

const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function resolve(request, parent, ...rest) {
  for (const [pattern, target] of mappers) {
    if (pattern.test(request)) {
      const mapped = request.replace(pattern, target);
      // A relative `./x.js` maps to `./x`, found as x.ts below; a package name maps to a path.
      return resolveFilename.call(this, mapped, parent, ...rest);
    }
  }
  return resolveFilename.call(this, request, parent, ...rest);
};

require.extensions['.ts'] = function compile(module, filename) {
  const source = fs.readFileSync(filename, 'utf8');
  const { outputText } = ts.transpileModule(source, { compilerOptions, fileName: filename });
  module._compile(outputText, filename);
};
