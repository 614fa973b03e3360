/**
 * Every ```ts block of the READMEs type-checks (strict) against the sources, the way a reader
 * would paste it: `@fluxgate/core` and its subpaths resolve to packages/core/src as in
 * packages/core/tsconfig.json. A block right after a `<!-- no-check -->` line is skipped.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import {
  snippetChecker,
  snippetCompilerOptions,
  tsBlocks,
  type Snippet,
} from '../../../../test-support/readme-snippets';

const ROOT = path.resolve(__dirname, '../../../..');
const CORE = path.join(ROOT, 'packages/core');

/** The READMEs to check; a required one must exist and hold at least one ts block. */
const READMES: readonly { file: string; required: boolean }[] = [
  { file: 'packages/core/README.md', required: true },
  { file: 'README.md', required: false },
];

/** Workspace packages with sources, mapped like packages/core/tsconfig.json maps core. */
function workspacePaths(): Record<string, string[]> {
  const paths: Record<string, string[]> = {};
  for (const dir of readdirSync(path.join(ROOT, 'packages'))) {
    const manifest = path.join(ROOT, 'packages', dir, 'package.json');
    const entry = path.join(ROOT, 'packages', dir, 'src/index.ts');
    if (dir === 'core' || !existsSync(manifest) || !existsSync(entry)) continue;
    const { name } = JSON.parse(readFileSync(manifest, 'utf8')) as { name: string };
    paths[name] = [entry];
  }
  return paths;
}

/**
 * Peer dependencies a README imports next to a workspace package (the root README's
 * `prom-client`), resolved where the package that needs them has them installed.
 */
function peerPaths(): Record<string, string[]> {
  const promClient = path.join(ROOT, 'packages/prometheus/node_modules/prom-client');
  return existsSync(promClient) ? { 'prom-client': [promClient] } : {};
}

const readmes = READMES.map(({ file, required }) => {
  const absolute = path.join(ROOT, file);
  const exists = existsSync(absolute);
  const label = file.replace(/[^\w.]+/g, '_');
  const virtualDir = path.join(path.dirname(absolute), '.readme-check');
  const blocks: Snippet[] = (exists ? tsBlocks(readFileSync(absolute, 'utf8')) : []).map(
    (block, i) => ({
      ...block,
      source: file,
      fileName: path.join(virtualDir, `${label}-block-${i + 1}.ts`),
    }),
  );
  return { file, required, exists, blocks };
});

const problemsOf = snippetChecker(
  readmes.flatMap(({ blocks }) => blocks),
  () => snippetCompilerOptions(CORE, { ...workspacePaths(), ...peerPaths() }),
  ROOT,
);

describe.each(readmes)('$file', ({ file, required, exists, blocks }) => {
  if (required) {
    it('exists and has ```ts examples', () => {
      if (!exists) {
        throw new Error(`${file} is missing: write it; its \`\`\`ts blocks are type-checked here`);
      }
      if (blocks.length === 0) {
        throw new Error(`${file} has no \`\`\`ts block: show the package in use`);
      }
    });
  }

  blocks.forEach((block, i) => {
    const name = `${file} ts block ${i + 1} (line ${block.line}) type-checks`;
    if (block.skip) it.skip(name, () => undefined);
    else it(name, () => expect(problemsOf(block)).toEqual([]), 60_000);
  });
});
