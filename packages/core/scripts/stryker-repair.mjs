#!/usr/bin/env node
// The `buildCommand` of the mutation runs (stryker.config.mjs): run in Stryker's sandbox, after
// it has written the instrumented sources and before any test runs.
//
// Stryker prints each mutated file with @babel/generator, which (7.29) drops the parentheses of
// `(x as T)++` and `(x as T)--`; `x as T--` does not parse, so every instrumented file holding
// one (the windows) would fail to load in every test. This puts the parentheses back, in place,
// so jest, the tests that type-check against the sources and the plain Node processes some tests
// start all read valid code. It can go once the generator is fixed, or once the sources write
// such updates another way (`x[i]! += 1`).
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** `<operand> as <Type>++` where the operand is a property or element access chain. */
const UNPARENTHESISED = /((?:this\.)?[#\w$]+(?:\.[#\w$]+|\[[^\]]+\])*) as (\w+)(\+\+|--)/g;

export function repair(source) {
  return source.replace(UNPARENTHESISED, '($1 as $2)$3');
}

function* files(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* files(file);
    else if (entry.name.endsWith('.ts')) yield file;
  }
}

const root = path.resolve(process.argv[2] ?? 'packages/core/src');
let repaired = 0;
for (const file of files(root)) {
  const source = readFileSync(file, 'utf8');
  const fixed = repair(source);
  if (fixed !== source) {
    writeFileSync(file, fixed);
    repaired++;
  }
}
console.log(`stryker-repair: ${repaired} instrumented file(s) repaired under ${root}`);
