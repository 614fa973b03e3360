/**
 * Every ```ts block of the README type-checks (strict) as a user would paste it, against the
 * sources: `@fluxgate/core`, its subpaths and `@fluxgate/prometheus` resolve as in this
 * package's tsconfig.json, and prom-client and fastify from its node_modules.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

const PACKAGE = path.resolve(__dirname, '..');
const README = readFileSync(path.join(PACKAGE, 'README.md'), 'utf8');

interface Block {
  index: number;
  /** 1-based line of the block's first code line in the README. */
  line: number;
  code: string;
  fileName: string;
}

function tsBlocks(markdown: string): Block[] {
  const blocks: Block[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (!/^```(ts|typescript)\s*$/.test(lines[i]!)) continue;
    const end = lines.findIndex((line, j) => j > i && line.startsWith('```'));
    const index = blocks.length + 1;
    blocks.push({
      index,
      line: i + 2,
      code: lines.slice(i + 1, end).join('\n'),
      fileName: path.join(PACKAGE, '.readme-check', `block-${index}.ts`),
    });
    i = end;
  }
  return blocks;
}

function compilerOptions(): ts.CompilerOptions {
  const configFile = path.join(PACKAGE, 'tsconfig.json');
  const { config } = ts.readConfigFile(configFile, (file) => ts.sys.readFile(file));
  const parsed = ts.parseJsonConfigFileContent(config, ts.sys, PACKAGE, undefined, configFile);
  return {
    ...parsed.options,
    strict: true,
    noEmit: true,
    // Each block is a module of its own, its imports resolved as a bundler does.
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    moduleDetection: ts.ModuleDetectionKind.Force,
    types: ['node'],
    // An example may declare a value only to show it.
    noUnusedLocals: false,
    noUnusedParameters: false,
    rootDir: undefined,
  };
}

const blocks = tsBlocks(README);

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
    const options = compilerOptions();
    const virtual = new Map(blocks.map((block) => [block.fileName, block.code]));
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
    const program = ts.createProgram([...virtual.keys()], options, host);
    const problems = ts.getPreEmitDiagnostics(program).map((diagnostic) => {
      const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
      const block = blocks.find((b) => b.fileName === diagnostic.file?.fileName);
      if (block === undefined || diagnostic.start === undefined) return message;
      const { line } = diagnostic.file!.getLineAndCharacterOfPosition(diagnostic.start);
      return `README.md:${block.line + line} (ts block ${block.index}): ${message}`;
    });
    expect(problems).toEqual([]);
  });
});
