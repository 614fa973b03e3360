/**
 * Every ```ts block of the README, and every ```ts block of a TSDoc comment in src/, type-checks
 * (strict) against the sources, the way a reader would paste it: `@fluxgate/slack` and
 * `@fluxgate/core` resolve to their sources as in packages/slack/tsconfig.json. Each block is a
 * module of its own.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

const PACKAGE = path.resolve(__dirname, '../..');
const VIRTUAL = path.join(PACKAGE, '.examples-check');

interface Block {
  /** Where the block comes from, for test names and diagnostics: `README.md:42`. */
  readonly origin: string;
  /** The file and the 1-based line of the block's first code line. */
  readonly file: string;
  readonly line: number;
  readonly code: string;
  /** The virtual file the block is checked as. */
  readonly fileName: string;
}

/** The ```ts blocks of a text: Markdown, or a TSDoc comment with its ` * ` prefixes removed. */
function extract(
  text: string,
  file: string,
  lineOf: (index: number) => number,
): Omit<Block, 'fileName'>[] {
  const lines = text.split(/\r?\n/);
  const blocks: Omit<Block, 'fileName'>[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!/^\s*```(ts|typescript)\s*$/.test(lines[i]!)) continue;
    const body: string[] = [];
    let end = i + 1;
    while (end < lines.length && !/^\s*```\s*$/.test(lines[end]!)) body.push(lines[end++]!);
    const line = lineOf(i + 1);
    blocks.push({ origin: `${file}:${line}`, file, line, code: body.join('\n') });
    i = end;
  }
  return blocks;
}

function readmeBlocks(): Omit<Block, 'fileName'>[] {
  return extract(readFileSync(path.join(PACKAGE, 'README.md'), 'utf8'), 'README.md', (i) => i + 1);
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? sourceFiles(full) : entry.name.endsWith('.ts') ? [full] : [];
  });
}

/** The ```ts blocks of every TSDoc comment, with the comment's ` * ` removed from each line. */
function tsdocBlocks(): Omit<Block, 'fileName'>[] {
  const blocks: Omit<Block, 'fileName'>[] = [];
  for (const file of sourceFiles(path.join(PACKAGE, 'src'))) {
    const text = readFileSync(file, 'utf8');
    const relative = path.relative(PACKAGE, file);
    for (const match of text.matchAll(/\/\*\*[\s\S]*?\*\//g)) {
      const startLine = text.slice(0, match.index).split('\n').length;
      const unstarred = match[0]
        .split('\n')
        .map((l) => l.replace(/^\s*\/?\*\*?\/?\s?/, ''))
        .join('\n');
      blocks.push(...extract(unstarred, relative, (i) => startLine + i));
    }
  }
  return blocks;
}

const blocks: Block[] = [...readmeBlocks(), ...tsdocBlocks()].map((block, index) => ({
  ...block,
  fileName: path.join(VIRTUAL, `example-${index + 1}.ts`),
}));

/** packages/slack/tsconfig.json (strict, its paths), adjusted for standalone snippets. */
function compilerOptions(): ts.CompilerOptions {
  const configFile = path.join(PACKAGE, 'tsconfig.json');
  const { config, error } = ts.readConfigFile(configFile, (file) => ts.sys.readFile(file));
  if (error) throw new Error(ts.flattenDiagnosticMessageText(error.messageText, '\n'));
  const parsed = ts.parseJsonConfigFileContent(config, ts.sys, PACKAGE, undefined, configFile);
  const paths: Record<string, string[]> = {};
  for (const [pattern, targets] of Object.entries(parsed.options.paths ?? {})) {
    paths[pattern] = targets.map((target) => path.resolve(PACKAGE, target));
  }
  return {
    ...parsed.options,
    strict: true,
    noEmit: true,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    moduleDetection: ts.ModuleDetectionKind.Force,
    types: ['node'],
    noUnusedLocals: false,
    noUnusedParameters: false,
    rootDir: undefined,
    declaration: false,
    declarationMap: false,
    sourceMap: false,
    paths,
  };
}

let program: ts.Program | undefined;

function getProgram(): ts.Program {
  if (program) return program;
  const options = compilerOptions();
  const virtual = new Map(blocks.map((b) => [b.fileName, b.code] as const));
  const host = ts.createCompilerHost(options, true);
  const { getSourceFile, fileExists, readFile } = host;
  host.fileExists = (file) => virtual.has(file) || fileExists.call(host, file);
  host.readFile = (file) => virtual.get(file) ?? readFile.call(host, file);
  host.getSourceFile = (file, language, onError, create) => {
    const text = virtual.get(file);
    return text === undefined
      ? getSourceFile.call(host, file, language, onError, create)
      : ts.createSourceFile(file, text, language, true);
  };
  program = ts.createProgram([...virtual.keys()], options, host);
  return program;
}

function describeDiagnostic(block: Block, diagnostic: ts.Diagnostic): string {
  const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
  if (!diagnostic.file || diagnostic.start === undefined) return `TS${diagnostic.code}: ${message}`;
  const { line, character } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
  const where =
    diagnostic.file.fileName === block.fileName
      ? `${block.file}:${block.line + line}:${character + 1}`
      : `${path.relative(PACKAGE, diagnostic.file.fileName)}:${line + 1}:${character + 1}`;
  return `${where} TS${diagnostic.code}: ${message}`;
}

describe('examples type-check', () => {
  it('the README has examples, and so does every exported class and function', () => {
    expect(blocks.filter((b) => b.file === 'README.md').length).toBeGreaterThanOrEqual(5);
    const documented = new Set(blocks.map((b) => b.file));
    for (const file of sourceFiles(path.join(PACKAGE, 'src'))) {
      const relative = path.relative(PACKAGE, file);
      if (relative.includes(`${path.sep}internal${path.sep}`) || relative.endsWith('index.ts'))
        continue;
      expect([relative, documented.has(relative)]).toEqual([relative, true]);
    }
  });

  it.each(blocks.map((b) => [b.origin, b] as const))(
    '%s',
    (_, block) => {
      const current = getProgram();
      const source = current.getSourceFile(block.fileName);
      if (!source) throw new Error(`${block.fileName} is not in the program`);
      const diagnostics = [
        ...current.getOptionsDiagnostics(),
        ...current.getGlobalDiagnostics(),
        ...current.getSyntacticDiagnostics(source),
        ...current.getSemanticDiagnostics(source),
      ];
      expect(diagnostics.map((d) => describeDiagnostic(block, d))).toEqual([]);
    },
    60_000,
  );
});
