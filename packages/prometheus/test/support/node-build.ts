/**
 * Builds what a separate Node process needs to run the fixtures against this package, without
 * the packages' own `dist` (which other test files rebuild concurrently): every source file of
 * @fluxgate/core and @fluxgate/prometheus, and of test/fixtures, transpiled to CommonJS into
 * `<dir>/node_modules/@fluxgate/{core,prometheus}` and `<dir>`, with prom-client linked in.
 */
import {
  mkdirSync,
  readFileSync,
  readdirSync,
  realpathSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

const PACKAGE = path.resolve(__dirname, '../..');
const CORE = path.resolve(PACKAGE, '../core');

function transpile(file: string, out: string): void {
  const { outputText } = ts.transpileModule(readFileSync(file, 'utf8'), {
    fileName: file,
    compilerOptions: {
      module: ts.ModuleKind.CommonJS,
      target: ts.ScriptTarget.ES2022,
      esModuleInterop: true,
      sourceMap: false,
    },
  });
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, outputText);
}

function transpileTree(src: string, out: string): void {
  for (const entry of readdirSync(src, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.ts') || entry.name.endsWith('.d.ts')) continue;
    const file = path.join(entry.parentPath, entry.name);
    transpile(file, path.join(out, path.relative(src, file)).replace(/\.ts$/, '.js'));
  }
}

/** Fills `dir` and returns the path of the script of each fixture in test/fixtures, by name. */
export function buildForNode(dir: string): Record<string, string> {
  const modules = path.join(dir, 'node_modules');
  for (const [name, root] of [
    ['core', CORE],
    ['prometheus', PACKAGE],
  ] as const) {
    const out = path.join(modules, '@fluxgate', name);
    transpileTree(path.join(root, 'src'), out);
    writeFileSync(
      path.join(out, 'package.json'),
      JSON.stringify({ name: `@fluxgate/${name}`, main: 'index.js' }),
    );
  }
  symlinkSync(
    realpathSync(path.join(PACKAGE, 'node_modules/prom-client')),
    path.join(modules, 'prom-client'),
    'dir',
  );
  const fixtures = path.join(PACKAGE, 'test/fixtures');
  transpileTree(fixtures, dir);
  const scripts: Record<string, string> = {};
  for (const file of readdirSync(fixtures)) {
    if (file.endsWith('.ts'))
      scripts[file.slice(0, -3)] = path.join(dir, file.replace(/\.ts$/, '.js'));
  }
  return scripts;
}
