/**
 * The published packages as a user gets them: built and packed from a copy of the workspace (so
 * the working tree's dist and concurrent builds are left alone), installed with npm, offline,
 * into a fresh project outside the repository, where the tests then run `node` and `tsc`. Used
 * by the package consumer tests; what they run in the project stays in each test.
 */
import { execFile } from 'node:child_process';
import {
  copyFileSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** The repository root. */
export const ROOT = path.resolve(__dirname, '..');

/** The jest timeout of a step that builds, packs, installs or type-checks. */
export const SLOW = 240_000;

export interface Output {
  stdout: string;
  stderr: string;
}

/** Runs a command to completion; rejects with its whole output when it fails or times out. */
export function run(
  command: string,
  args: readonly string[],
  cwd: string,
  options: { env?: NodeJS.ProcessEnv; timeout?: number } = {},
): Promise<Output> {
  return new Promise((resolve, reject) => {
    execFile(
      command,
      args,
      {
        cwd,
        env: options.env ?? process.env,
        timeout: options.timeout ?? SLOW - 30_000,
        maxBuffer: 64 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        if (error) {
          const how = error.killed
            ? `was killed (${String(error.signal)})`
            : `exited ${error.code}`;
          reject(
            new Error(
              `\`${command} ${args.join(' ')}\` in ${cwd} ${how}\n--- stdout\n${stdout}\n--- stderr\n${stderr}`,
            ),
          );
        } else {
          resolve({ stdout, stderr });
        }
      },
    );
  });
}

/** The folders of one test file's run, all in a fresh temporary folder `work`. */
export interface Scratch {
  work: string;
  /** The consumer project. */
  app: string;
  /** Where the tarballs go. */
  pack: string;
  /** The copy of the workspace the packages are built in. */
  stage: string;
}

/** Makes the temporary folders of a run; `prefix` names the folder in the system's tmp. */
export function makeScratch(prefix: string): Scratch {
  const work = mkdtempSync(path.join(tmpdir(), prefix));
  const scratch = {
    work,
    app: path.join(work, 'app'),
    pack: path.join(work, 'pack'),
    stage: path.join(work, 'repo'),
  };
  for (const dir of [scratch.app, scratch.pack]) mkdirSync(dir);
  return scratch;
}

/**
 * Copies the workspace root (its manifest, tsconfigs and a workspace file) and the named
 * packages, without node_modules, dist or tarballs, into `stage` at the same depth, so the
 * packages' tsconfigs still extend the root ones. Returns each package's copy, by name.
 */
export function stageWorkspace<Name extends string>(
  stage: string,
  packages: readonly Name[],
): Record<Name, string> {
  mkdirSync(path.join(stage, 'packages'), { recursive: true });
  for (const file of readdirSync(ROOT).filter((name) =>
    /^tsconfig.*\.json$|^package\.json$/.test(name),
  )) {
    copyFileSync(path.join(ROOT, file), path.join(stage, file));
  }
  writeFileSync(path.join(stage, 'pnpm-workspace.yaml'), 'packages:\n  - packages/*\n');
  const staged = {} as Record<Name, string>;
  for (const name of packages) {
    const from = path.join(ROOT, 'packages', name);
    staged[name] = path.join(stage, 'packages', name);
    cpSync(from, staged[name], {
      recursive: true,
      filter: (file) =>
        !/^(node_modules|dist|coverage)([\\/]|$)|\.tgz$/.test(path.relative(from, file)),
    });
  }
  return staged;
}

/** Builds a staged package with scripts/build-package.mjs and packs it into `pack` with pnpm. */
export async function buildAndPack(packageDir: string, pack: string): Promise<void> {
  await run(process.execPath, [path.join(ROOT, 'scripts/build-package.mjs')], packageDir);
  await run('pnpm', ['pack', '--pack-destination', pack], packageDir);
}

/** The names of the tarballs in `pack`, sorted. */
export function tarballsIn(pack: string): string[] {
  return readdirSync(pack)
    .filter((name) => name.endsWith('.tgz'))
    .sort();
}

/** The environment without the npm_* variables pnpm/npm set for scripts, so npm runs as a user's. */
function userEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^npm_/i.test(key)) env[key] = value;
  }
  return { ...env, npm_config_update_notifier: 'false' };
}

/**
 * Makes `app` an ES module project named `name` and installs the tarballs of `pack` into it with
 * npm, offline (they must need nothing else), with a cache of its own in `work`.
 */
export async function installTarballs(
  { work, app, pack }: Scratch,
  name: string,
  tarballs: readonly string[],
): Promise<void> {
  writeFileSync(
    path.join(app, 'package.json'),
    JSON.stringify({ name, version: '0.0.0', private: true, type: 'module' }),
  );
  await run(
    'npm',
    [
      'install',
      ...tarballs.map((tarball) => path.join(pack, tarball)),
      '--offline',
      '--no-audit',
      '--no-fund',
      '--ignore-scripts',
      '--cache',
      path.join(work, 'npm-cache'),
    ],
    app,
    { env: userEnv() },
  );
}

/** A TypeScript compiler of the repository (`typescript`, `typescript5`): its version and tsc. */
export function compilerOf(packageName: string): { version: string; tsc: string } {
  const manifest = require.resolve(`${packageName}/package.json`, { paths: [ROOT] });
  const { version } = JSON.parse(readFileSync(manifest, 'utf8')) as { version: string };
  return { version, tsc: path.join(path.dirname(manifest), 'bin/tsc') };
}

/** Writes `<app>/<tsconfig>` with these options and files, and type-checks it with `tsc`. */
export async function typeCheck(
  app: string,
  tsc: string,
  tsconfig: string,
  config: { compilerOptions: object; files: readonly string[] },
): Promise<void> {
  writeFileSync(path.join(app, tsconfig), JSON.stringify(config, null, 2));
  await run(process.execPath, [tsc, '-p', tsconfig, '--pretty', 'false'], app);
}

/** How a consumer is type-checked: compiler options beside the strict ones, and its files. */
export interface TypeSetup {
  readonly options: object;
  readonly files: readonly string[];
}

/** The `node16` setup with Node's types: one ESM (`.mts`) and one CommonJS (`.cts`) consumer. */
export const NODE16_WITH_NODE_TYPES: TypeSetup = {
  options: {
    module: 'node16',
    moduleResolution: 'node16',
    lib: ['ES2022'],
    types: ['node'],
    typeRoots: [path.join(ROOT, 'node_modules/@types')],
  },
  files: ['consumer.mts', 'consumer.cts'],
};

/**
 * Writes `source` into each file of `setup` in `app` and type-checks them with `tsc` (of
 * `compiler`), strictly and with the packed declaration files checked too (no skipLibCheck).
 * The tsconfig is named after the compiler and the setup's name up to its first comma.
 */
export async function typeCheckConsumer(
  app: string,
  { compiler, tsc }: { compiler: string; tsc: string },
  setupName: string,
  setup: TypeSetup,
  source: string,
): Promise<void> {
  for (const file of setup.files) writeFileSync(path.join(app, file), source);
  const slug = `${compiler}-${setupName.split(',')[0]!.replace(/\W+/g, '-')}`;
  await typeCheck(app, tsc, `tsconfig.${slug}.json`, {
    compilerOptions: {
      strict: true,
      noEmit: true,
      target: 'ES2022',
      skipLibCheck: false,
      ...setup.options,
    },
    files: setup.files,
  });
}

/** A script the tests run with plain `node` in the consumer project; it prints `ok` when it passes. */
export interface RuntimeConsumer {
  /** `ESM` or `CommonJS`, for the test's name. */
  readonly format: string;
  readonly file: string;
  readonly text: string;
}

/**
 * The same `checks` as an ES module and as a CommonJS script. Each starts with its own `esm` or
 * `cjs` prelude (its imports or requires), then runs the checks, which may `await` (in the
 * CommonJS script, inside an async function whose failure sets the exit code), and prints `ok`.
 */
export function runtimeConsumers(
  checks: string,
  { esm, cjs }: { esm: string; cjs: string },
): RuntimeConsumer[] {
  return [
    { format: 'ESM', file: 'consumer.mjs', text: `${esm}\n${checks}\nconsole.log('ok');\n` },
    {
      format: 'CommonJS',
      file: 'consumer.cjs',
      text: `'use strict';
${cjs}
(async () => {
${checks}
console.log('ok');
})().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
`,
    },
  ];
}

/**
 * Writes the consumer's script into `app` and runs it with plain `node`; resolves to what it
 * printed, trimmed (`ok` when its checks passed), and rejects with its output when it fails.
 */
export async function runConsumer(app: string, { file, text }: RuntimeConsumer): Promise<string> {
  writeFileSync(path.join(app, file), text);
  return (await run(process.execPath, [file], app, { timeout: 60_000 })).stdout.trim();
}
