// Bundle size: each entry bundled by esbuild (minified, ESM, tree-shaken), then gzipped by zlib
// at level 9. Node's built-in modules stay external (opossum needs `events`).
import { URL, fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import * as esbuild from 'esbuild';

const benchDir = fileURLToPath(new URL('..', import.meta.url));

const CORE_SUBPATHS = [
  '',
  '/windows',
  '/trackers',
  '/trippers',
  '/retries',
  '/permits',
  '/listeners',
];

export const ENTRIES = [
  {
    id: 'fluxgate-whole',
    label: '`@fluxgate/core`, every entry point',
    // Namespaces, because two entry points both export `All` (a tracker and a permit).
    source: CORE_SUBPATHS.map((sub, i) => `export * as e${i} from '@fluxgate/core${sub}';`).join(
      '\n',
    ),
  },
  {
    id: 'fluxgate-circuit-breaker',
    label: '`@fluxgate/core`: `CircuitBreaker` alone, with its defaults',
    source: "export { CircuitBreaker } from '@fluxgate/core';",
  },
  {
    id: 'fluxgate-async-circuit-breaker',
    label: '`@fluxgate/core`: `AsyncCircuitBreaker` alone, with its defaults',
    source: "export { AsyncCircuitBreaker } from '@fluxgate/core';",
  },
  {
    id: 'cockatiel-whole',
    label: 'cockatiel, whole',
    source: "export * from 'cockatiel';",
  },
  {
    id: 'cockatiel-circuit-breaker',
    label: 'cockatiel: `circuitBreaker`, `handleAll`, `ConsecutiveBreaker`',
    source: "export { circuitBreaker, handleAll, ConsecutiveBreaker } from 'cockatiel';",
  },
  {
    id: 'opossum-whole',
    label: 'opossum, whole',
    source: "export { default } from 'opossum';",
  },
];

async function sizes(source) {
  const result = await esbuild.build({
    stdin: { contents: source, resolveDir: benchDir, loader: 'js' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'node',
    // A package's ES module build before its CommonJS one, as bundlers that emit ES modules pick
    // it (esbuild's node default reads `main` first): cockatiel ships both without an `exports`
    // map, and its CommonJS build cannot be tree-shaken.
    mainFields: ['module', 'main'],
    target: 'es2022',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const code = result.outputFiles[0].contents;
  // Minified bytes each source file contributes, largest first.
  const inputs = Object.values(result.metafile.outputs)[0].inputs;
  const parts = Object.entries(inputs)
    .map(([path, { bytesInOutput }]) => ({
      path: path.replace(/^.*\/dist\/esm\//, ''),
      bytes: bytesInOutput,
    }))
    .sort((a, b) => b.bytes - a.bytes);
  return { minified: code.length, gzipped: gzipSync(code, { level: 9 }).length, parts };
}

export async function bundleSuite({ log }) {
  const results = [];
  try {
    for (const entry of ENTRIES) {
      const size = await sizes(entry.source);
      results.push({ id: entry.id, label: entry.label, ...size });
      log(`  bundle ${entry.id}: ${size.minified} B min, ${size.gzipped} B gzip`);
    }
  } finally {
    await esbuild.stop();
  }
  return results;
}
