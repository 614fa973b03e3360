#!/usr/bin/env node
// Builds the package in the current directory twice: ESM (NodeNext) into dist/esm and
// CommonJS into dist/cjs, the latter marked with its own package.json so Node reads it as CJS.
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const tsc = require.resolve('typescript/bin/tsc');

rmSync('dist', { recursive: true, force: true });
execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
if (existsSync('tsconfig.build-cjs.json')) {
  execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build-cjs.json'], { stdio: 'inherit' });
  mkdirSync('dist/cjs', { recursive: true });
  writeFileSync('dist/cjs/package.json', '{"type":"commonjs"}\n');
}
