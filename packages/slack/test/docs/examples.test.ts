/**
 * Every ```ts block of the README, and every ```ts block of a TSDoc comment in src/, type-checks
 * (strict) against the sources, the way a reader would paste it: `@fluxgate/slack` and
 * `@fluxgate/core` resolve to their sources as in packages/slack/tsconfig.json. Each block is a
 * module of its own; one right after a `<!-- no-check -->` line is skipped.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import {
  snippetChecker,
  snippetCompilerOptions,
  tsBlocks,
  type FencedBlock,
} from '../../../../test-support/readme-snippets';

const PACKAGE = path.resolve(__dirname, '../..');
const VIRTUAL = path.join(PACKAGE, '.examples-check');

/** A block with the file it is in, relative to the package. */
type Found = FencedBlock & { source: string };

function readmeBlocks(): Found[] {
  const readme = readFileSync(path.join(PACKAGE, 'README.md'), 'utf8');
  return tsBlocks(readme).map((block) => ({ ...block, source: 'README.md' }));
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? sourceFiles(full) : entry.name.endsWith('.ts') ? [full] : [];
  });
}

/** The ```ts blocks of every TSDoc comment, with the comment's ` * ` removed from each line. */
function tsdocBlocks(): Found[] {
  const blocks: Found[] = [];
  for (const file of sourceFiles(path.join(PACKAGE, 'src'))) {
    const text = readFileSync(file, 'utf8');
    const source = path.relative(PACKAGE, file);
    for (const match of text.matchAll(/\/\*\*[\s\S]*?\*\//g)) {
      const startLine = text.slice(0, match.index).split('\n').length;
      const unstarred = match[0]
        .split('\n')
        .map((l) => l.replace(/^\s*\/?\*\*?\/?\s?/, ''))
        .join('\n');
      for (const block of tsBlocks(unstarred)) {
        blocks.push({ ...block, source, line: startLine + block.line - 1 });
      }
    }
  }
  return blocks;
}

const blocks = [...readmeBlocks(), ...tsdocBlocks()].map((block, index) => ({
  ...block,
  origin: `${block.source}:${block.line}`,
  fileName: path.join(VIRTUAL, `example-${index + 1}.ts`),
}));

const problemsOf = snippetChecker(blocks, () => snippetCompilerOptions(PACKAGE), PACKAGE);

describe('examples type-check', () => {
  it('the README has examples, and so does every exported class and function', () => {
    expect(blocks.filter((b) => b.source === 'README.md').length).toBeGreaterThanOrEqual(5);
    const documented = new Set(blocks.map((b) => b.source));
    for (const file of sourceFiles(path.join(PACKAGE, 'src'))) {
      const relative = path.relative(PACKAGE, file);
      if (relative.includes(`${path.sep}internal${path.sep}`) || relative.endsWith('index.ts'))
        continue;
      expect([relative, documented.has(relative)]).toEqual([relative, true]);
    }
  });

  for (const block of blocks) {
    if (block.skip) it.skip(block.origin, () => undefined);
    else it(block.origin, () => expect(problemsOf(block)).toEqual([]), 60_000);
  }
});
