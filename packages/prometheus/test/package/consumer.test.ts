/**
 * The published package as a user gets it: @fluxgate/core and @fluxgate/prometheus are built and
 * packed from a copy of the repository, and installed with npm (offline) into two fresh projects,
 * each with the prom-client the user brings as the peer dependency: 15, and 14, the oldest the
 * peer range allows. prom-client and its own dependencies are packed from the copies this
 * repository installed (14 as the `prom-client-14` alias), so the installs need no network. Each
 * project then uses the listener from ESM and CommonJS with plain `node`, and is type-checked
 * with TypeScript 6 and 5.9. Nothing here uses the sources or the jest module mapping.
 */
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import path from 'node:path';
import {
  ROOT,
  SLOW,
  buildAndPack,
  compilerOf,
  installTarballs,
  makeScratch,
  run,
  runConsumer,
  runtimeConsumers,
  stageWorkspace,
  tarballsIn,
  typeCheckConsumer,
  NODE16_WITH_NODE_TYPES,
  type Scratch,
  type TypeSetup,
} from '../../../../test-support/package-consumer';

/** The folder Node would load `name` from, looking up from `from` (a package's own folder). */
function packageDir(name: string, from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'node_modules', name);
    if (existsSync(path.join(candidate, 'package.json'))) return realpathSync(candidate);
    if (path.dirname(dir) === dir) throw new Error(`${name} is not installed above ${from}`);
  }
}

/** `dir`'s package and every package it depends on, each once, by name. */
function withDependencies(dir: string, found = new Map<string, string>()): Map<string, string> {
  const manifest = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as {
    name: string;
    dependencies?: Record<string, string>;
  };
  if (found.has(manifest.name)) return found;
  found.set(manifest.name, dir);
  for (const name of Object.keys(manifest.dependencies ?? {})) {
    withDependencies(packageDir(name, dir), found);
  }
  return found;
}

const PACKAGE = path.join(ROOT, 'packages/prometheus');
/** The prom-client versions a user may bring (the peer range is >=14), from the dev installs. */
const PROM_CLIENTS = {
  'prom-client 15': packageDir('prom-client', PACKAGE),
  'prom-client 14': packageDir('prom-client-14', PACKAGE),
} as const;
type PromClient = keyof typeof PROM_CLIENTS;

let scratch: Scratch | undefined;
/** A consumer project for each prom-client. */
const apps = {} as Record<PromClient, string>;

beforeAll(async () => {
  scratch = makeScratch('fluxgate-prometheus-consumer-');
  const { core, prometheus } = stageWorkspace(scratch.stage, ['core', 'prometheus']);
  // What `pnpm install` would link for the build: the built core, and prom-client for its types.
  mkdirSync(path.join(prometheus, 'node_modules/@fluxgate'), { recursive: true });
  symlinkSync(core, path.join(prometheus, 'node_modules/@fluxgate/core'), 'dir');
  symlinkSync(PROM_CLIENTS['prom-client 15'], path.join(prometheus, 'node_modules/prom-client'));

  await buildAndPack(core, scratch.pack);
  await buildAndPack(prometheus, scratch.pack);
  const ours = tarballsIn(scratch.pack);
  expect(ours).toEqual([
    expect.stringMatching(/^fluxgate-core-/),
    expect.stringMatching(/^fluxgate-prometheus-/),
  ]);
  for (const [label, promClient] of Object.entries(PROM_CLIENTS) as [PromClient, string][]) {
    const id = label.replace(/\W+/g, '-');
    const project = {
      ...scratch,
      app: path.join(scratch.work, id),
      pack: path.join(scratch.work, `pack-${id}`),
    };
    mkdirSync(project.app);
    mkdirSync(project.pack);
    for (const tarball of ours) {
      copyFileSync(path.join(scratch.pack, tarball), path.join(project.pack, tarball));
    }
    // The user's prom-client, and what it needs, as npm would fetch them.
    for (const dir of withDependencies(promClient).values()) {
      await run(
        'npm',
        ['pack', dir, '--pack-destination', project.pack, '--ignore-scripts', '--offline'],
        scratch.work,
      );
    }
    await installTarballs(project, `fluxgate-prometheus-consumer-${id}`, tarballsIn(project.pack));
    apps[label] = project.app;
  }
}, SLOW);

afterAll(() => {
  if (scratch) rmSync(scratch.work, { recursive: true, force: true });
});

describe('the packed package.json', () => {
  it('depends on @fluxgate/core by version, and on prom-client as a peer only', () => {
    const manifest = JSON.parse(
      readFileSync(
        path.join(apps['prom-client 15'], 'node_modules/@fluxgate/prometheus/package.json'),
        'utf8',
      ),
    ) as {
      dependencies?: Record<string, string>;
      peerDependencies?: Record<string, string>;
    };
    expect(manifest.dependencies).toEqual({ '@fluxgate/core': '^0.0.0' });
    expect(manifest.peerDependencies).toEqual({ 'prom-client': '>=14' });
  });

  it.each([
    ['prom-client 15', /^15\./],
    ['prom-client 14', /^14\./],
  ] as const)("leaves one prom-client in the project: the user's (%s)", (label, version) => {
    const app = apps[label];
    const installed = JSON.parse(
      readFileSync(path.join(app, 'node_modules/prom-client/package.json'), 'utf8'),
    ) as { version: string };
    expect(installed.version).toMatch(version);
    expect(
      existsSync(path.join(app, 'node_modules/@fluxgate/prometheus/node_modules/prom-client')),
    ).toBe(false);
  });
});

/**
 * Shared by the ESM and the CommonJS consumer: `core`, `prom`, `promClient`, `assert`, `readFileSync`,
 * `resolve` and `loadOther` (the package's build in the other module format) are in scope.
 */
const RUNTIME_CHECKS = `
const other = await loadOther();
assert.deepEqual(Object.keys(prom).sort(), ['DEFAULT_DURATION_BUCKETS', 'PrometheusListener']);
assert.notEqual(prom.PrometheusListener, other.PrometheusListener);
const line = (text, series) => text.split('\\n').find((l) => l.startsWith(series + ' '));

// The default registry is the user's own prom-client's: the listener found the peer.
const byDefault = new prom.PrometheusListener();
const first = new core.CircuitBreaker({ name: 'by_default', listeners: [byDefault] });
first.forceOpen();
const defaults = await promClient.register.metrics();
assert.equal(line(defaults, 'circuit_breaker_state{circuit_name="by_default",state="forced_open"}'), 'circuit_breaker_state{circuit_name="by_default",state="forced_open"} 1');
byDefault.close();
assert.equal((await promClient.register.metrics()).includes('circuit_breaker'), false);

// A registry of its own, with call metrics; a listener of the other build shares its series.
const registry = new promClient.Registry();
const listener = new prom.PrometheusListener({ registry, calls: true });
const twin = new other.PrometheusListener({ registry, calls: true });
let now = 1_700_000_000_000;
const breaker = new core.CircuitBreaker({ name: 'payment_api', listeners: [listener, twin], clock: { now: () => now } });
breaker.call(() => (now += 250));
breaker.forceOpen();
const text = await registry.metrics();
for (const [series, value] of [
  ['circuit_breaker_state{circuit_name="payment_api",state="forced_open"}', 1],
  ['circuit_breaker_state{circuit_name="payment_api",state="closed"}', 0],
  ['circuit_breaker_state_transition_total{circuit_name="payment_api",old_state="closed",new_state="forced_open"}', 1],
  ['circuit_breaker_state_transition_total{circuit_name="payment_api",old_state="closed",new_state="open"}', 0],
  ['circuit_breaker_calls_total{circuit_name="payment_api",outcome="success"}', 1],
  ['circuit_breaker_call_duration_seconds_sum{circuit_name="payment_api",outcome="success"}', 0.25],
  ['circuit_breaker_call_duration_seconds_count{circuit_name="payment_api",outcome="success"}', 1],
]) {
  assert.equal(line(text, series), series + ' ' + value);
}
assert.deepEqual(prom.DEFAULT_DURATION_BUCKETS, other.DEFAULT_DURATION_BUCKETS);
listener.close();
twin.close();
assert.equal(await registry.metrics(), '\\n');

// The dashboard and the alert rules ship with the package.
const dashboard = JSON.parse(readFileSync(resolve('@fluxgate/prometheus/grafana/dashboard.json'), 'utf8'));
assert.ok(dashboard.panels.length > 0);
assert.match(readFileSync(resolve('@fluxgate/prometheus/alerts/rules.yml'), 'utf8'), /circuit_breaker_state/);
`;

const CONSUMERS = runtimeConsumers(RUNTIME_CHECKS, {
  esm: `import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import promClient from 'prom-client';
import * as core from '@fluxgate/core';
import * as prom from '@fluxgate/prometheus';
const require = createRequire(import.meta.url);
const resolve = (name) => require.resolve(name);
const loadOther = async () => require('@fluxgate/prometheus');`,
  cjs: `const assert = require('node:assert/strict');
const { readFileSync } = require('node:fs');
const promClient = require('prom-client');
const core = require('@fluxgate/core');
const prom = require('@fluxgate/prometheus');
const resolve = (name) => require.resolve(name);
const loadOther = () => import('@fluxgate/prometheus');`,
});

describe.each(Object.keys(PROM_CLIENTS) as PromClient[])('runtime, with node and %s', (label) => {
  it.each(CONSUMERS)(
    "$format: exports to the user's prom-client, shares a registry with the other build, and exits",
    async (consumer) => expect(await runConsumer(apps[label], consumer)).toBe('ok'),
    SLOW,
  );
});

/** A TypeScript consumer of every public name, as a user would write it. */
const TS_CONSUMER = `import { CircuitBreaker } from '@fluxgate/core';
import {
  DEFAULT_DURATION_BUCKETS,
  PrometheusListener,
  type CallMetricsOptions,
  type MetricsRegistry,
  type PrometheusListenerOptions,
} from '@fluxgate/prometheus';
import { Registry, register } from 'prom-client';

const registry: MetricsRegistry = new Registry();
const calls: CallMetricsOptions = { buckets: [...DEFAULT_DURATION_BUCKETS, 60] };
const options: PrometheusListenerOptions[] = [{}, { registry: register }, { registry, calls }, { calls: true }];
const listeners = options.map((o) => new PrometheusListener(o));
const breaker = new CircuitBreaker({ name: 'payment_api', listeners });
const closed: boolean = listeners[0]!.closed;
for (const listener of listeners) listener.close();
// @ts-expect-error: calls takes true, false or { buckets }
const wrong: PrometheusListenerOptions = { calls: 'yes' };
export const used = [breaker, closed, wrong];
`;

const SETUPS: Record<string, TypeSetup> = {
  'module node16, an ESM (.mts) and a CommonJS (.cts) consumer, with @types/node':
    NODE16_WITH_NODE_TYPES,
  'module esnext, moduleResolution bundler, with @types/node': {
    options: { ...NODE16_WITH_NODE_TYPES.options, module: 'esnext', moduleResolution: 'bundler' },
    files: ['consumer.ts'],
  },
};

describe.each(
  (['typescript', 'typescript5'] as const).flatMap((name) =>
    (Object.keys(PROM_CLIENTS) as PromClient[]).map((promClient) => ({
      name,
      promClient,
      ...compilerOf(name),
    })),
  ),
)('types with $name ($version) and $promClient', ({ name: compiler, promClient, tsc }) => {
  it.each(Object.entries(SETUPS))(
    '%s',
    (setupName, setup) =>
      typeCheckConsumer(apps[promClient], { compiler, tsc }, setupName, setup, TS_CONSUMER),
    SLOW,
  );
});
