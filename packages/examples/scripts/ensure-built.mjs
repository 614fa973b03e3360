// Builds @fluxgate/core, @fluxgate/prometheus, @fluxgate/slack and this package, in that order,
// when a package's dist is missing or older than its sources, so that `pnpm demo` works on a
// fresh clone without `pnpm build` and always runs the code in the tree.
import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const packages = path.resolve(here, '../..');
const buildScript = path.resolve(packages, '../scripts/build-package.mjs');

/** Each package, and a file its build writes (the oldest of them counts). */
const PACKAGES = [
  ['core', ['dist/esm/index.js', 'dist/cjs/index.js']],
  ['prometheus', ['dist/esm/index.js', 'dist/cjs/index.js']],
  ['slack', ['dist/esm/index.js', 'dist/cjs/index.js']],
  ['examples', ['dist/demo/main.js']],
];

function mtime(file) {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return -Infinity;
  }
}

function newest(file) {
  const stat = statSync(file, { throwIfNoEntry: false });
  if (!stat) return -Infinity;
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(-Infinity, ...readdirSync(file).map((name) => newest(path.join(file, name))));
}

export function ensureBuilt() {
  for (const [name, outputs] of PACKAGES) {
    const dir = path.join(packages, name);
    const sources = Math.max(
      newest(path.join(dir, 'src')),
      ...['package.json', 'tsconfig.build.json', 'tsconfig.build-cjs.json'].map((file) =>
        mtime(path.join(dir, file)),
      ),
    );
    const built = Math.min(...outputs.map((file) => mtime(path.join(dir, file))));
    if (built >= sources) continue;
    process.stderr.write(`building @fluxgate/${name} (its dist is missing or out of date)\n`);
    // tsc reports on stdout: send it to stderr, which keeps the demo's own output clean.
    execFileSync(process.execPath, [buildScript], { cwd: dir, stdio: ['ignore', 2, 2] });
  }
}
