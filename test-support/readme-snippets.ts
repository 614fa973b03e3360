/**
 * Type-checking the ```ts snippets of READMEs (and of TSDoc comments) the way a reader would paste
 * them: each block a module of its own, checked strictly against the sources through a package's
 * tsconfig.json paths, in one TypeScript program in which the blocks are virtual files. Used by
 * the docs tests of every package; what to check and where the blocks go stays in each test.
 */
import path from 'node:path';
import ts from 'typescript';

/** A ```ts (or ```typescript) block of a Markdown text. */
export interface FencedBlock {
  /** 1-based line, in the text, of the block's first code line. */
  line: number;
  /** How far the fence is indented (inside a list item); removed from every code line. */
  indent: number;
  code: string;
  /** Whether the block comes right after a `<!-- no-check -->` line: it is not to be checked. */
  skip: boolean;
}

/** A block placed for checking. */
export interface Snippet extends FencedBlock {
  /** The file the block is in, as diagnostics name it: `README.md`, `src/slack-listener.ts`. */
  source: string;
  /** The virtual file the block is checked as; its folder decides how its imports resolve. */
  fileName: string;
}

const NO_CHECK = /^\s*<!--\s*no-check\s*-->\s*$/;
const OPEN_FENCE = /^(\s*)(`{3,}|~{3,})\s*([^\s`{]*)/;

/** The ```ts blocks of a Markdown text, fences of any length and indent; other fences skipped. */
export function tsBlocks(markdown: string): FencedBlock[] {
  const lines = markdown.split(/\r?\n/);
  const blocks: FencedBlock[] = [];
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
      blocks.push({
        line: i + 2,
        indent: indent.length,
        code: body.join('\n'),
        skip: NO_CHECK.test(previous),
      });
    }
    previous = line;
    i = end;
  }
  return blocks;
}

/**
 * The strict options of `<packageDir>/tsconfig.json`, its paths made absolute and `extraPaths`
 * added, adjusted for standalone snippets: a module each, imports resolved as a bundler does.
 */
export function snippetCompilerOptions(
  packageDir: string,
  extraPaths: Readonly<Record<string, string[]>> = {},
): ts.CompilerOptions {
  const configFile = path.join(packageDir, 'tsconfig.json');
  const { config, error } = ts.readConfigFile(configFile, (file) => ts.sys.readFile(file));
  if (error) throw new Error(ts.flattenDiagnosticMessageText(error.messageText, '\n'));
  const parsed = ts.parseJsonConfigFileContent(config, ts.sys, packageDir, undefined, configFile);
  const paths: Record<string, string[]> = {};
  for (const [pattern, targets] of Object.entries(parsed.options.paths ?? {})) {
    paths[pattern] = targets.map((target) => path.resolve(packageDir, target));
  }
  return {
    ...parsed.options,
    strict: true,
    noEmit: true,
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
    paths: { ...paths, ...extraPaths },
  };
}

/** One program with every snippet as a virtual file, next to the real files it imports. */
export function snippetProgram(
  snippets: readonly Snippet[],
  options: ts.CompilerOptions,
): ts.Program {
  const virtual = new Map(snippets.map((snippet) => [snippet.fileName, snippet.code] as const));
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
  return ts.createProgram([...virtual.keys()], options, host);
}

/**
 * A diagnostic as one line, `file:line:column TS1234: message`: in a snippet, at its place in
 * the file the snippet comes from; elsewhere, at its place in the file relative to `relativeTo`.
 */
export function describeDiagnostic(
  diagnostic: ts.Diagnostic,
  snippets: readonly Snippet[],
  relativeTo: string,
): string {
  const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
  if (!diagnostic.file || diagnostic.start === undefined) return `TS${diagnostic.code}: ${message}`;
  const { line, character } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
  const snippet = snippets.find((s) => s.fileName === diagnostic.file!.fileName);
  const where = snippet
    ? `${snippet.source}:${snippet.line + line}:${snippet.indent + character + 1}`
    : `${path.relative(relativeTo, diagnostic.file.fileName)}:${line + 1}:${character + 1}`;
  return `${where} TS${diagnostic.code}: ${message}`;
}

/**
 * Checks each snippet in one program, built on first use from `options()`: returns the
 * problems of a snippet (its own diagnostics, and the program's option and global ones).
 */
export function snippetChecker(
  snippets: readonly Snippet[],
  options: () => ts.CompilerOptions,
  relativeTo: string,
): (snippet: Snippet) => string[] {
  let program: ts.Program | undefined;
  return (snippet) => {
    program ??= snippetProgram(snippets, options());
    const source = program.getSourceFile(snippet.fileName);
    if (!source) throw new Error(`${snippet.fileName} is not in the program`);
    return [
      ...program.getOptionsDiagnostics(),
      ...program.getGlobalDiagnostics(),
      ...program.getSyntacticDiagnostics(source),
      ...program.getSemanticDiagnostics(source),
    ].map((diagnostic) => describeDiagnostic(diagnostic, snippets, relativeTo));
  };
}
