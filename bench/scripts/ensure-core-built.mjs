#!/usr/bin/env node
// Builds @fluxgate/core when its dist is missing or older than any of its sources, so that the
// benchmarks always run against the code in the tree, as users get it (the built package).
import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { URL, fileURLToPath } from 'node:url';

const coreDir = fileURLToPath(new URL('../../packages/core/', import.meta.url));
const buildScript = fileURLToPath(new URL('../../scripts/build-package.mjs', import.meta.url));

function newest(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((name) => newest(join(path, name))));
}

function mtime(path) {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return -Infinity;
  }
}

const sources = Math.max(
  newest(join(coreDir, 'src')),
  ...['package.json', 'tsconfig.build.json', 'tsconfig.build-cjs.json'].map((f) =>
    mtime(join(coreDir, f)),
  ),
);
const built = Math.min(
  mtime(join(coreDir, 'dist/esm/index.js')),
  mtime(join(coreDir, 'dist/cjs/index.js')),
);

if (built >= sources) {
  console.log('@fluxgate/core: dist is up to date');
} else {
  console.log('@fluxgate/core: building dist (missing or older than src)');
  execFileSync(process.execPath, [buildScript], { cwd: coreDir, stdio: 'inherit' });
}
