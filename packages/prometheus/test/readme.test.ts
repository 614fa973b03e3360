/**
 * Every ```ts block of the README type-checks (strict) as a user would paste it, against the
 * sources: `@fluxgate/core`, its subpaths and `@fluxgate/prometheus` resolve as in this
 * package's tsconfig.json, and prom-client and fastify from its node_modules. A block right after
 * a `<!-- no-check -->` line is skipped.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import {
  describeDiagnostic,
  snippetCompilerOptions,
  snippetProgram,
  tsBlocks,
  type Snippet,
} from '../../../test-support/readme-snippets';

const PACKAGE = path.resolve(__dirname, '..');
const README = readFileSync(path.join(PACKAGE, 'README.md'), 'utf8');

const blocks: Snippet[] = tsBlocks(README).map((block, i) => ({
  ...block,
  source: 'README.md',
  fileName: path.join(PACKAGE, '.readme-check', `block-${i + 1}.ts`),
}));

describe('the README', () => {
  it('has the sections the package promises', () => {
    for (const heading of [
      '## Install',
      '### Basic setup (Node `http`)',
      '### Web frameworks (Fastify, Express)',
      '### Many circuits',
      '### Node cluster',
      '### Custom metrics',
      '## Grafana dashboard',
      '## Alert rules',
    ]) {
      expect(README.split('\n')).toContain(heading);
    }
    expect(blocks.length).toBeGreaterThanOrEqual(6);
  });

  it('has ts blocks that type-check', () => {
    // Checked as a whole, the sources the blocks import included, declaration emit too.
    const options = { ...snippetCompilerOptions(PACKAGE), declaration: true };
    const checked = blocks.filter((block) => !block.skip);
    const program = snippetProgram(checked, options);
    const problems = ts
      .getPreEmitDiagnostics(program)
      .map((diagnostic) => describeDiagnostic(diagnostic, checked, PACKAGE));
    expect(problems).toEqual([]);
  });
});
