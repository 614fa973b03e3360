/**
 * The published package as a user gets it: @fluxgate/core and @fluxgate/slack are built and
 * packed from a copy of the repository, installed with npm (offline) into a fresh project, then
 * used from ESM and CommonJS with plain `node` against a local HTTP server standing in for Slack,
 * and type-checked by a TypeScript consumer with TypeScript 6 and 5.9. Nothing here uses the
 * sources or the jest module mapping.
 */
import { execFile } from 'node:child_process';
import {
  copyFileSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../../../..');
const SLOW = 240_000;

function run(
  command: string,
  args: readonly string[],
  cwd: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      command,
      args,
      { cwd, env, timeout: SLOW - 30_000, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) {
          reject(
            new Error(
              `\`${command} ${args.join(' ')}\` in ${cwd} failed\n--- stdout\n${stdout}\n--- stderr\n${stderr}`,
            ),
          );
        } else {
          resolve(stdout);
        }
      },
    );
  });
}

/** The environment without the npm_* variables pnpm/npm set for scripts, so npm runs as a user's. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { npm_config_update_notifier: 'false' };
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^npm_/i.test(key)) env[key] = value;
  }
  return env;
}

let work: string;
let app: string;

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), 'fluxgate-slack-consumer-'));
  app = path.join(work, 'app');
  const packDir = path.join(work, 'pack');
  mkdirSync(app);
  mkdirSync(packDir);

  // A copy of the workspace (manifests, tsconfigs, both packages' sources) at the same depth.
  const stage = path.join(work, 'repo');
  mkdirSync(path.join(stage, 'packages'), { recursive: true });
  for (const file of readdirSync(ROOT).filter((name) =>
    /^tsconfig.*\.json$|^package\.json$/.test(name),
  )) {
    copyFileSync(path.join(ROOT, file), path.join(stage, file));
  }
  writeFileSync(path.join(stage, 'pnpm-workspace.yaml'), 'packages:\n  - packages/*\n');
  for (const name of ['core', 'slack']) {
    const from = path.join(ROOT, 'packages', name);
    cpSync(from, path.join(stage, 'packages', name), {
      recursive: true,
      filter: (file) =>
        !/^(node_modules|dist|coverage)([\\/]|$)|\.tgz$/.test(path.relative(from, file)),
    });
  }
  const core = path.join(stage, 'packages/core');
  const slack = path.join(stage, 'packages/slack');
  // What `pnpm install` would link: slack's build resolves @fluxgate/core to the built copy.
  mkdirSync(path.join(slack, 'node_modules/@fluxgate'), { recursive: true });
  symlinkSync(core, path.join(slack, 'node_modules/@fluxgate/core'), 'dir');

  const build = path.join(ROOT, 'scripts/build-package.mjs');
  await run(process.execPath, [build], core);
  await run(process.execPath, [build], slack);
  await run('pnpm', ['pack', '--pack-destination', packDir], core);
  await run('pnpm', ['pack', '--pack-destination', packDir], slack);
  const tarballs = readdirSync(packDir)
    .filter((name) => name.endsWith('.tgz'))
    .sort();
  expect(tarballs).toEqual([
    expect.stringMatching(/^fluxgate-core-/),
    expect.stringMatching(/^fluxgate-slack-/),
  ]);

  writeFileSync(
    path.join(app, 'package.json'),
    JSON.stringify({
      name: 'fluxgate-slack-consumer',
      version: '0.0.0',
      private: true,
      type: 'module',
    }),
  );
  // Neither package has a dependency outside the two tarballs: the install needs no network.
  await run(
    'npm',
    [
      'install',
      ...tarballs.map((name) => path.join(packDir, name)),
      '--offline',
      '--no-audit',
      '--no-fund',
      '--ignore-scripts',
      '--cache',
      path.join(work, 'npm-cache'),
    ],
    app,
    cleanEnv(),
  );
}, SLOW);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the packed package.json', () => {
  it('depends on @fluxgate/core by version (no workspace: protocol) and on nothing else', () => {
    const manifest = JSON.parse(
      readFileSync(path.join(app, 'node_modules/@fluxgate/slack/package.json'), 'utf8'),
    ) as {
      dependencies?: Record<string, string>;
      peerDependencies?: Record<string, string>;
      sideEffects?: boolean;
    };
    expect(manifest.dependencies).toEqual({ '@fluxgate/core': '^0.0.0' });
    expect(manifest.peerDependencies).toBeUndefined();
    expect(manifest.sideEffects).toBe(false);
  });
});

/**
 * Shared by the ESM and the CommonJS consumer: `core`, `slack`, `http`, `inspect` and `assert`
 * are in scope. A server on 127.0.0.1 answers like chat.postMessage; a breaker trips and
 * recovers; the messages arrive threaded; a refused message reaches the breaker's
 * onListenerError; nothing shows the token.
 */
const RUNTIME_CHECKS = `
const bodies = [];
let refuse = false;
const server = http.createServer((req, res) => {
  let raw = '';
  req.on('data', (chunk) => (raw += chunk));
  req.on('end', () => {
    assert.equal(req.headers.authorization, 'Bearer xoxb-consumer-SECRET');
    bodies.push(JSON.parse(raw));
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(refuse ? { ok: false, error: 'channel_not_found' } : { ok: true, ts: '1700000000.00000' + bodies.length }));
  });
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const listener = new slack.SlackListener({
  token: 'xoxb-consumer-SECRET',
  channel: '#alerts',
  url: 'http://127.0.0.1:' + server.address().port + '/api/chat.postMessage',
});
assert.ok(!inspect(listener).includes('SECRET'));
assert.ok(!JSON.stringify(listener).includes('SECRET'));
let now = 1700000000000;
const breaker = new core.CircuitBreaker({ name: 'consumer', listeners: [listener], clock: { now: () => now } });
breaker.forceOpen();
breaker.reset();
await breaker.flush();
assert.deepEqual(bodies.map((b) => [b.attachments[0].fields[1].value, b.thread_ts, b.reply_broadcast]), [
  ['closed → forced_open', undefined, undefined],
  ['forced_open → closed', undefined, undefined],
]);
assert.equal(bodies[0].text, ':no_entry: Circuit breaker consumer was forced open (manual)');
// A delivery failure reaches the breaker's onListenerError, with the listener and the signal.
const failures = [];
const refused = new core.CircuitBreaker({
  name: 'refused',
  listeners: [listener],
  clock: { now: () => now },
  onListenerError: (error, by, cause) =>
    failures.push([error.name, error.failure, by === listener, cause.circuitName, cause.newState]),
});
refuse = true;
refused.forceOpen();
await refused.flush();
assert.deepEqual(failures, [['SlackDeliveryError', 'rejected', true, 'refused', 'forced_open']]);
const error = new slack.SlackDeliveryError({ failure: 'timeout', circuitName: 'c', oldState: 'closed', newState: 'open', attempts: 1, detail: 'x' });
assert.ok(slack.SlackDeliveryError.is(error));
assert.equal(slack.escapeMrkdwn('<a&b>'), '&lt;a&amp;b&gt;');
listener.close();
await new Promise((resolve) => server.close(resolve));
`;

const ESM_CONSUMER = `import assert from 'node:assert/strict';
import http from 'node:http';
import { inspect } from 'node:util';
import * as core from '@fluxgate/core';
import * as slack from '@fluxgate/slack';
assert.deepEqual(Object.keys(slack).sort(), ['SlackDeliveryError', 'SlackListener', 'escapeMrkdwn']);
${RUNTIME_CHECKS}
console.log('esm ok');
`;

const CJS_CONSUMER = `'use strict';
const assert = require('node:assert/strict');
const http = require('node:http');
const { inspect } = require('node:util');
const core = require('@fluxgate/core');
const slack = require('@fluxgate/slack');
(async () => {
${RUNTIME_CHECKS}
console.log('cjs ok');
})().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
`;

describe('runtime, with node', () => {
  it.each([
    ['ESM', 'consumer.mjs', ESM_CONSUMER, 'esm ok'],
    ['CommonJS', 'consumer.cjs', CJS_CONSUMER, 'cjs ok'],
  ])(
    '%s: posts threaded messages to a local server, and exits on its own',
    async (_label, file, text, ok) => {
      writeFileSync(path.join(app, file), text);
      expect((await run(process.execPath, [file], app)).trim()).toBe(ok);
    },
    SLOW,
  );
});

/** A TypeScript consumer of every public name, as a user would write it. */
const TS_CONSUMER = `import { AsyncCircuitBreaker, type ListenerErrorHandler, type Signal } from '@fluxgate/core';
import {
  SlackDeliveryError,
  SlackListener,
  escapeMrkdwn,
  type SlackAttachment,
  type SlackAttachmentField,
  type SlackCommonOptions,
  type SlackDeliveryErrorInit,
  type SlackDeliveryFailure,
  type SlackErrorHandler,
  type SlackFetch,
  type SlackListenerOptions,
  type SlackMessage,
  type SlackRequest,
  type SlackResponse,
  type SlackTemplate,
  type SlackTemplateContext,
  type SlackTemplates,
  type SlackTokenOptions,
  type SlackTransitionKey,
  type SlackWebhookOptions,
} from '@fluxgate/slack';

const field: SlackAttachmentField = { title: 'Circuit', value: 'a', short: true };
const attachment: SlackAttachment = { color: '#E01E5A', fields: [field] };
const template: SlackTemplate = (ctx: SlackTemplateContext): SlackMessage => ({
  ...ctx.message,
  text: escapeMrkdwn(ctx.circuitName + ' ' + ctx.why + ' ' + ctx.time + ' ' + ctx.transition),
  attachments: [attachment],
});
const key: SlackTransitionKey = 'closed->open';
const templates: SlackTemplates = { [key]: template, '*->*': (ctx) => ctx.message };
const fetcher: SlackFetch = async (_url: string, request: SlackRequest): Promise<SlackResponse> => ({
  status: 200,
  headers: { get: (name: string) => (name === 'retry-after' ? null : null) },
  text: async () => request.body,
});
const onListenerError: ListenerErrorHandler = (error, listener, cause) => void [error, listener, cause];
const onError: SlackErrorHandler = (error: SlackDeliveryError, listener: SlackListener, signal: Signal) =>
  void [error.failure, listener.toJSON(), signal.circuitName];
const common: SlackCommonOptions = {
  templates,
  fetch: fetcher,
  timeout: 1_000,
  retries: 1,
  queueSize: 10,
  onError: onListenerError, // the breaker's handler fits as it is
};
const token: SlackTokenOptions = { ...common, token: 'xoxb-x', channel: '#a', url: 'http://127.0.0.1:1/x' };
const webhook: SlackWebhookOptions = { ...common, webhookUrl: 'https://hooks.slack.com/services/T/B/X' };
const options: SlackListenerOptions[] = [token, webhook];
// @ts-expect-error: a token and a webhook do not go together
const both: SlackListenerOptions = { token: 'xoxb-x', channel: '#a', webhookUrl: 'https://x' };
const listeners = options.map((o) => new SlackListener(o));
const breaker = new AsyncCircuitBreaker({
  name: 'payment_api',
  listeners,
  onListenerError: (error: unknown, _listener, signal) => {
    if (SlackDeliveryError.is(error)) {
      const failure: SlackDeliveryFailure = error.failure;
      const detail: string | undefined = error.slackError;
      const status: number | undefined = error.status;
      void [failure, detail, status, error.attempts, error.circuitName, error.oldState, error.newState, signal];
    }
  },
});
const init: SlackDeliveryErrorInit = { failure: 'rejected', circuitName: 'a', oldState: 'closed', newState: 'open', attempts: 1, detail: 'x' };
const error: Error = new SlackDeliveryError(init);
const queued: void = listeners[0]!.onTransition({} as Signal);
const flushed: Promise<void> = listeners[0]!.flush();
for (const listener of listeners) listener.close();
const json: Record<string, string | number | boolean> = listeners[0]!.toJSON();
export const used = [both, breaker, error, queued, flushed, json, onError];
`;

const SETUPS: Record<string, { options: object; files: string[] }> = {
  'module node16, an ESM (.mts) and a CommonJS (.cts) consumer, with @types/node': {
    options: {
      module: 'node16',
      moduleResolution: 'node16',
      lib: ['ES2022'],
      types: ['node'],
      typeRoots: [path.join(ROOT, 'node_modules/@types')],
    },
    files: ['consumer.mts', 'consumer.cts'],
  },
  'module esnext, moduleResolution bundler, DOM lib (no Node types)': {
    options: { module: 'esnext', moduleResolution: 'bundler', lib: ['ES2022', 'DOM'], types: [] },
    files: ['consumer.ts'],
  },
};

function compilerOf(packageName: string): { version: string; tsc: string } {
  const manifest = require.resolve(`${packageName}/package.json`, { paths: [ROOT] });
  const { version } = JSON.parse(readFileSync(manifest, 'utf8')) as { version: string };
  return { version, tsc: path.join(path.dirname(manifest), 'bin/tsc') };
}

describe.each(['typescript', 'typescript5'].map((name) => ({ name, ...compilerOf(name) })))(
  'types with $name ($version)',
  ({ name: compiler, tsc }) => {
    it.each(Object.entries(SETUPS))(
      '%s',
      async (setup, { options, files }) => {
        for (const file of files) writeFileSync(path.join(app, file), TS_CONSUMER);
        const tsconfig = `tsconfig.${compiler}-${setup.split(',')[0]!.replace(/\W+/g, '-')}.json`;
        writeFileSync(
          path.join(app, tsconfig),
          JSON.stringify({
            compilerOptions: {
              strict: true,
              noEmit: true,
              target: 'ES2022',
              skipLibCheck: false,
              ...options,
            },
            files,
          }),
        );
        await run(process.execPath, [tsc, '-p', tsconfig, '--pretty', 'false'], app);
      },
      SLOW,
    );
  },
);
