/**
 * The published package as a user gets it: @fluxgate/core and @fluxgate/slack are built and
 * packed from a copy of the repository, installed with npm (offline) into a fresh project, then
 * used from ESM and CommonJS with plain `node` against a local HTTP server standing in for Slack,
 * and type-checked by a TypeScript consumer with TypeScript 6 and 5.9. Nothing here uses the
 * sources or the jest module mapping.
 */
import { mkdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import {
  SLOW,
  buildAndPack,
  compilerOf,
  installTarballs,
  makeScratch,
  runConsumer,
  runtimeConsumers,
  stageWorkspace,
  tarballsIn,
  typeCheckConsumer,
  NODE16_WITH_NODE_TYPES,
  type Scratch,
  type TypeSetup,
} from '../../../../test-support/package-consumer';

let scratch: Scratch | undefined;
let app: string;

beforeAll(async () => {
  scratch = makeScratch('fluxgate-slack-consumer-');
  app = scratch.app;
  const { core, slack } = stageWorkspace(scratch.stage, ['core', 'slack']);
  // What `pnpm install` would link: slack's build resolves @fluxgate/core to the built copy.
  mkdirSync(path.join(slack, 'node_modules/@fluxgate'), { recursive: true });
  symlinkSync(core, path.join(slack, 'node_modules/@fluxgate/core'), 'dir');

  await buildAndPack(core, scratch.pack);
  await buildAndPack(slack, scratch.pack);
  const tarballs = tarballsIn(scratch.pack);
  expect(tarballs).toEqual([
    expect.stringMatching(/^fluxgate-core-/),
    expect.stringMatching(/^fluxgate-slack-/),
  ]);
  // Neither package has a dependency outside the two tarballs: the install needs no network.
  await installTarballs(scratch, 'fluxgate-slack-consumer', tarballs);
}, SLOW);

afterAll(() => {
  if (scratch) rmSync(scratch.work, { recursive: true, force: true });
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

const CONSUMERS = runtimeConsumers(
  `assert.deepEqual(Object.keys(slack).sort(), ['SlackDeliveryError', 'SlackListener', 'escapeMrkdwn']);
${RUNTIME_CHECKS}`,
  {
    esm: `import assert from 'node:assert/strict';
import http from 'node:http';
import { inspect } from 'node:util';
import * as core from '@fluxgate/core';
import * as slack from '@fluxgate/slack';`,
    cjs: `const assert = require('node:assert/strict');
const http = require('node:http');
const { inspect } = require('node:util');
const core = require('@fluxgate/core');
const slack = require('@fluxgate/slack');`,
  },
);

describe('runtime, with node', () => {
  it.each(CONSUMERS)(
    '$format: posts threaded messages to a local server, and exits on its own',
    async (consumer) => expect(await runConsumer(app, consumer)).toBe('ok'),
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

const SETUPS: Record<string, TypeSetup> = {
  'module node16, an ESM (.mts) and a CommonJS (.cts) consumer, with @types/node':
    NODE16_WITH_NODE_TYPES,
  'module esnext, moduleResolution bundler, DOM lib (no Node types)': {
    options: { module: 'esnext', moduleResolution: 'bundler', lib: ['ES2022', 'DOM'], types: [] },
    files: ['consumer.ts'],
  },
};

describe.each(['typescript', 'typescript5'].map((name) => ({ name, ...compilerOf(name) })))(
  'types with $name ($version)',
  ({ name: compiler, tsc }) => {
    it.each(Object.entries(SETUPS))(
      '%s',
      (setupName, setup) =>
        typeCheckConsumer(app, { compiler, tsc }, setupName, setup, TS_CONSUMER),
      SLOW,
    );
  },
);
