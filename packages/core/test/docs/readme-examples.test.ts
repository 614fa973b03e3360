/**
 * Every ```ts block of the READMEs type-checks (strict) against the sources, the way a reader
 * would paste it: `@fluxgate/core` and its subpaths resolve to packages/core/src as in
 * packages/core/tsconfig.json. A block right after a `<!-- no-check -->` line is skipped.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

const ROOT = path.resolve(__dirname, '../../../..');
const CORE = path.join(ROOT, 'packages/core');

/** The READMEs to check; a required one must exist and hold at least one ts block. */
const READMES: readonly { file: string; required: boolean }[] = [
  { file: 'packages/core/README.md', required: true },
  { file: 'README.md', required: false },
];

interface Block {
  /** 1-based, among the README's ts blocks. */
  index: number;
  /** 1-based line of the block's first code line in the README. */
  line: number;
  /** How far the fence is indented (inside a list item); removed from every code line. */
  indent: number;
  code: string;
  skip: boolean;
  /** The virtual file the block is checked as. */
  fileName: string;
}

const NO_CHECK = /^\s*<!--\s*no-check\s*-->\s*$/;
const OPEN_FENCE = /^(\s*)(`{3,}|~{3,})\s*([^\s`{]*)/;

/** The ```ts (or ```typescript) blocks of a Markdown text, fences of any length and indent. */
function extractBlocks(markdown: string, virtualDir: string, label: string): Block[] {
  const lines = markdown.split(/\r?\n/);
  const blocks: Block[] = [];
  let previous = '';
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const open = OPEN_FENCE.exec(line);
    if (!open) {
      if (line.trim() !== '') previous = line;
      continue;
    }
    const [, indent = '', fence = '', lang = ''] = open;
    const close = new RegExp(`^\\s*${fence[0]}{${fence.length},}\\s*$`);
    const body: string[] = [];
    let end = i + 1;
    while (end < lines.length && !close.test(lines[end]!)) {
      const text = lines[end]!;
      body.push(text.startsWith(indent) ? text.slice(indent.length) : text.trimStart());
      end++;
    }
    if (/^(ts|typescript)$/i.test(lang)) {
      const index = blocks.length + 1;
      blocks.push({
        index,
        line: i + 2,
        indent: indent.length,
        code: body.join('\n'),
        skip: NO_CHECK.test(previous),
        fileName: path.join(virtualDir, `${label}-block-${index}.ts`),
      });
    }
    previous = line;
    i = end;
  }
  return blocks;
}

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

/** packages/core/tsconfig.json (strict, its paths), adjusted for standalone snippets. */
function compilerOptions(): ts.CompilerOptions {
  const configFile = path.join(CORE, 'tsconfig.json');
  const { config, error } = ts.readConfigFile(configFile, (file) => ts.sys.readFile(file));
  if (error) throw new Error(ts.flattenDiagnosticMessageText(error.messageText, '\n'));
  const parsed = ts.parseJsonConfigFileContent(config, ts.sys, CORE, undefined, configFile);
  const paths: Record<string, string[]> = {};
  for (const [pattern, targets] of Object.entries(parsed.options.paths ?? {})) {
    paths[pattern] = targets.map((target) => path.resolve(CORE, target));
  }
  return {
    ...parsed.options,
    strict: true,
    noEmit: true,
    // Snippets are read as users write them: a module each, imports resolved as a bundler does.
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    moduleDetection: ts.ModuleDetectionKind.Force,
    types: ['node'],
    // An example may declare a value only to show it.
    noUnusedLocals: false,
    noUnusedParameters: false,
    rootDir: undefined,
    declaration: false,
    declarationMap: false,
    sourceMap: false,
    paths: { ...paths, ...workspacePaths(), ...peerPaths() },
  };
}

const readmes = READMES.map(({ file, required }) => {
  const absolute = path.join(ROOT, file);
  const exists = existsSync(absolute);
  const label = file.replace(/[^\w.]+/g, '_');
  const blocks = exists
    ? extractBlocks(
        readFileSync(absolute, 'utf8'),
        path.join(path.dirname(absolute), '.readme-check'),
        label,
      )
    : [];
  return { file, required, exists, blocks };
});

let program: ts.Program | undefined;

/** One program for every block, built on first use. */
function getProgram(): ts.Program {
  if (program) return program;
  const options = compilerOptions();
  const virtual = new Map<string, string>();
  for (const { blocks } of readmes) {
    for (const block of blocks) virtual.set(block.fileName, block.code);
  }
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

function describeDiagnostic(readme: string, block: Block, diagnostic: ts.Diagnostic): string {
  const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
  if (!diagnostic.file || diagnostic.start === undefined) return `TS${diagnostic.code}: ${message}`;
  const { line, character } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
  const where =
    diagnostic.file.fileName === block.fileName
      ? `${readme}:${block.line + line}:${block.indent + character + 1}`
      : `${path.relative(ROOT, diagnostic.file.fileName)}:${line + 1}:${character + 1}`;
  return `${where} TS${diagnostic.code}: ${message}`;
}

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

  for (const block of blocks) {
    const name = `${file} ts block ${block.index} (line ${block.line}) type-checks`;
    if (block.skip) {
      it.skip(name, () => undefined);
      continue;
    }
    it(
      name,
      () => {
        const current = getProgram();
        const source = current.getSourceFile(block.fileName);
        if (!source) throw new Error(`${block.fileName} is not in the program`);
        const diagnostics = [
          ...current.getOptionsDiagnostics(),
          ...current.getGlobalDiagnostics(),
          ...current.getSyntacticDiagnostics(source),
          ...current.getSemanticDiagnostics(source),
        ];
        expect(diagnostics.map((d) => describeDiagnostic(file, block, d))).toEqual([]);
      },
      60_000,
    );
  }
});
