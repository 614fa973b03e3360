/**
 * The published package as a user gets it: @fluxgate/core is built (in a copy of the package, so
 * the working tree's dist and concurrent builds are left alone), packed with pnpm, installed with
 * npm into a fresh project outside the repository, then imported from ESM and CommonJS with plain
 * `node`, and type-checked by a TypeScript consumer under node16, bundler and node10 resolution
 * with TypeScript 6 and 5.9. Nothing here uses the sources or the jest module mapping.
 */
import { readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
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
  typeCheck,
  type Scratch,
} from '../../../../test-support/package-consumer';

/** The SPEC's entry-point table: the runtime names of each subpath. */
const ENTRY_POINTS: Record<string, readonly string[]> = {
  '@fluxgate/core': ['CircuitBreaker', 'AsyncCircuitBreaker', 'CallNotPermittedError', 'State'],
  '@fluxgate/core/windows': ['Window', 'CountWindow', 'TimeWindow'],
  '@fluxgate/core/trackers': ['Tracker', 'All', 'TypeOf', 'Custom'],
  '@fluxgate/core/trippers': [
    'Tripper',
    'Closed',
    'HalfOpened',
    'MinRequests',
    'FailureRate',
    'AvgLatency',
    'SlowRate',
    'FailureStreak',
  ],
  '@fluxgate/core/retries': ['Retry', 'Always', 'Never', 'Cooldown', 'Backoff'],
  '@fluxgate/core/permits': ['Permit', 'All', 'Random', 'RampUp'],
  '@fluxgate/core/listeners': ['LogListener'],
};

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath, entry.name));
}

function readJson(file: string): Record<string, unknown> {
  return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
}

let scratch: Scratch | undefined;
let app: string;
let installed: string;

beforeAll(async () => {
  scratch = makeScratch('fluxgate-consumer-');
  app = scratch.app;
  const { core } = stageWorkspace(scratch.stage, ['core']);
  await buildAndPack(core, scratch.pack);
  const tarballs = tarballsIn(scratch.pack);
  if (tarballs.length !== 1) throw new Error(`expected one tarball, found ${tarballs.join(', ')}`);
  // @fluxgate/core has no dependency, so the install needs no network.
  await installTarballs(scratch, 'fluxgate-consumer', tarballs);
  installed = path.join(app, 'node_modules/@fluxgate/core');
}, SLOW);

afterAll(() => {
  if (scratch) rmSync(scratch.work, { recursive: true, force: true });
});

describe('the packed package.json', () => {
  it('declares no runtime dependency', () => {
    const manifest = readJson(path.join(installed, 'package.json'));
    for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies']) {
      expect({ [field]: Object.keys((manifest[field] as object | undefined) ?? {}) }).toEqual({
        [field]: [],
      });
    }
  });

  it('declares sideEffects: false', () => {
    expect(readJson(path.join(installed, 'package.json')).sideEffects).toBe(false);
  });
});

describe('the packed dist JavaScript', () => {
  /** Every module specifier, timer name and `node:` string in one file, comments excluded. */
  function scan(file: string): { specifiers: string[]; findings: string[] } {
    const text = readFileSync(file, 'utf8');
    const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.JS);
    const specifiers: string[] = [];
    const findings: string[] = [];
    const where = (node: ts.Node): string => {
      const { line } = source.getLineAndCharacterOfPosition(node.getStart(source));
      return `${path.relative(installed, file)}:${line + 1}`;
    };
    const visit = (node: ts.Node): void => {
      if (
        (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) &&
        node.moduleSpecifier &&
        ts.isStringLiteral(node.moduleSpecifier)
      ) {
        specifiers.push(node.moduleSpecifier.text);
      } else if (
        ts.isCallExpression(node) &&
        (node.expression.kind === ts.SyntaxKind.ImportKeyword ||
          (ts.isIdentifier(node.expression) && node.expression.text === 'require'))
      ) {
        const [argument] = node.arguments;
        if (argument && ts.isStringLiteralLike(argument)) specifiers.push(argument.text);
        else findings.push(`${where(node)}: a computed import or require`);
      } else if (ts.isIdentifier(node) && /^(setTimeout|setInterval)$/.test(node.text)) {
        findings.push(`${where(node)}: ${node.text}`);
      } else if (
        ts.isStringLiteralLike(node) &&
        /^(node:|setTimeout$|setInterval$)/.test(node.text)
      ) {
        findings.push(`${where(node)}: '${node.text}'`);
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
    return { specifiers, findings };
  }

  it('has ESM and CommonJS builds', () => {
    const js = filesUnder(path.join(installed, 'dist')).map((file) =>
      path.relative(installed, file),
    );
    expect(js).toEqual(expect.arrayContaining(['dist/esm/index.js', 'dist/cjs/index.js']));
    expect(readJson(path.join(installed, 'dist/cjs/package.json'))).toEqual({ type: 'commonjs' });
  });

  it('imports only its own files, no node: module, and names no setTimeout/setInterval', () => {
    const files = filesUnder(path.join(installed, 'dist')).filter((file) =>
      /\.[cm]?js$/.test(file),
    );
    expect(files.length).toBeGreaterThan(0);
    const problems: string[] = [];
    for (const file of files) {
      const { specifiers, findings } = scan(file);
      problems.push(...findings);
      for (const specifier of specifiers) {
        if (!/^\.\.?\//.test(specifier)) {
          problems.push(`${path.relative(installed, file)}: imports '${specifier}'`);
        }
      }
    }
    expect(problems).toEqual([]);
  });
});

/**
 * The body shared by the ESM and the CommonJS consumer: `mods` maps each entry point to its
 * module, `assert` is node:assert/strict. Plain JavaScript, run by node.
 */
const RUNTIME_CHECKS = `
const expected = ${JSON.stringify(ENTRY_POINTS)};
for (const [specifier, names] of Object.entries(expected)) {
  for (const name of names) {
    const kind = name === 'State' ? 'object' : 'function';
    assert.equal(typeof mods[specifier][name], kind, specifier + ' exports ' + name);
  }
}
assert.deepEqual(
  Object.keys(mods['@fluxgate/core']).sort(),
  [...expected['@fluxgate/core']].sort(),
  'the root entry point exports exactly the SPEC names',
);

const { CircuitBreaker, AsyncCircuitBreaker, CallNotPermittedError, State } = mods['@fluxgate/core'];
const windows = mods['@fluxgate/core/windows'];
const trackers = mods['@fluxgate/core/trackers'];
const trippers = mods['@fluxgate/core/trippers'];
const retries = mods['@fluxgate/core/retries'];
const permits = mods['@fluxgate/core/permits'];
const { LogListener } = mods['@fluxgate/core/listeners'];

assert.equal(State.OPEN, 'open');
assert.deepEqual([...State.ALL], ['closed', 'open', 'half_open', 'metrics_only', 'disabled', 'forced_open']);

const window = new windows.CountWindow(3);
assert.ok(window instanceof windows.Window);
window.record({ success: false, duration: 5, timestamp: 0, slowAt: [] });
assert.equal(window.metric(0).totalCount, 1);
assert.equal(window.metric(0).failureRate, 1);
assert.ok(new windows.TimeWindow(10000, { bucket: 1000 }) instanceof windows.Window);

assert.ok(new trackers.All() instanceof trackers.Tracker);
assert.equal(new trackers.TypeOf(TypeError).isFailure(new TypeError('x')), true);
assert.equal(new trackers.Custom(() => true).not().isFailure(new Error('x')), false);

const tripper = new trippers.FailureStreak(5).or(
  new trippers.MinRequests(20).and(
    new trippers.FailureRate(0.5).or(new trippers.SlowRate(0.3, { threshold: 1000 })),
  ),
);
assert.ok(tripper instanceof trippers.Tripper);
assert.deepEqual([...tripper.slowThresholds()], [1000]);
for (const t of [new trippers.Closed(), new trippers.HalfOpened(), new trippers.AvgLatency(100)]) {
  assert.ok(t instanceof trippers.Tripper);
}

assert.equal(new retries.Always().delay({ reopens: 0 }), 0);
assert.equal(new retries.Never().delay({ reopens: 0 }), Infinity);
assert.equal(new retries.Cooldown(1000).delay({ reopens: 3 }), 1000);
assert.equal(new retries.Backoff({ initial: 100 }).delay({ reopens: 2 }), 400);
assert.ok(new retries.Never() instanceof retries.Retry);

assert.equal(new permits.All().allows({ changedAt: 0, now: 0 }), true);
assert.ok(new permits.Random(0.5, { random: () => 0 }) instanceof permits.Permit);
assert.ok(new permits.RampUp({ initial: 0.1, final: 1, duration: 1000 }) instanceof permits.Permit);

const lines = [];
const log = (line) => lines.push(line);
const breaker = new CircuitBreaker({
  name: 'consumer',
  window: new windows.CountWindow(10),
  tracker: new trackers.TypeOf(TypeError),
  tripper,
  retry: new retries.Cooldown(60000),
  permit: new permits.All(),
  listeners: [new LogListener({ logger: { debug: log, info: log, warn: log, error: log } })],
});
assert.equal(breaker.name, 'consumer');
assert.equal(breaker.call((a, b) => a + b, 1, 2), 3);
assert.equal(breaker.state, State.CLOSED);
breaker.forceOpen();
assert.deepEqual(lines, ["Circuit breaker 'consumer' transitioned from closed to forced_open"]);
assert.throws(
  () => breaker.call(() => 1),
  (error) =>
    error instanceof CallNotPermittedError &&
    CallNotPermittedError.is(error) &&
    error.name === 'CallNotPermittedError' &&
    error.circuitName === 'consumer' &&
    error.state === State.FORCED_OPEN,
);
breaker.reset();
assert.equal(breaker.state, State.CLOSED);

const asyncBreaker = new AsyncCircuitBreaker({ name: 'consumer_async' });
assert.equal(await asyncBreaker.call(async (x) => x * 2, 21), 42);
await asyncBreaker.flush();
`;

const CONSUMERS = runtimeConsumers(RUNTIME_CHECKS, {
  esm: `import assert from 'node:assert/strict';
${Object.keys(ENTRY_POINTS)
  .map((specifier, i) => `import * as m${i} from '${specifier}';`)
  .join('\n')}
const mods = { ${Object.keys(ENTRY_POINTS)
    .map((specifier, i) => `'${specifier}': m${i}`)
    .join(', ')} };`,
  cjs: `const assert = require('node:assert/strict');
const mods = { ${Object.keys(ENTRY_POINTS)
    .map((specifier) => `'${specifier}': require('${specifier}')`)
    .join(', ')} };`,
});

/** Two copies of the package in one process: ESM and CommonJS recognise each other's errors. */
const DUAL_CONSUMER = `import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import * as esm from '@fluxgate/core';
const cjs = createRequire(import.meta.url)('@fluxgate/core');
assert.notEqual(esm.CallNotPermittedError, cjs.CallNotPermittedError, 'two copies are loaded');
for (const [from, to] of [[esm, cjs], [cjs, esm]]) {
  const breaker = new from.CircuitBreaker({ name: 'dual' });
  breaker.forceOpen();
  let caught;
  try {
    breaker.call(() => 1);
  } catch (error) {
    caught = error;
  }
  assert.equal(to.CallNotPermittedError.is(caught), true);
  assert.equal(to.CallNotPermittedError.is(new Error('other')), false);
}
console.log('ok');
`;

describe('runtime, with node', () => {
  it.each([
    ...CONSUMERS,
    { format: 'ESM and CommonJS together', file: 'dual.mjs', text: DUAL_CONSUMER },
  ])(
    '$format: every entry point loads, exports its names and works',
    async (consumer) => expect(await runConsumer(app, consumer)).toBe('ok'),
    SLOW,
  );
});

/** A TypeScript consumer of every public type and class, as a user would write it. */
const TS_CONSUMER = `import {
  AsyncCircuitBreaker,
  CallNotPermittedError,
  CircuitBreaker,
  State,
  type AsyncCircuitBreakerOptions,
  type CallEvent,
  type CallRecord,
  type CircuitBreakerInfo,
  type CircuitBreakerOptions,
  type Clock,
  type Listener,
  type Metric,
  type Signal,
} from '@fluxgate/core';
import { CountWindow, TimeWindow, Window } from '@fluxgate/core/windows';
import { All as AllErrors, Custom, Tracker, TypeOf } from '@fluxgate/core/trackers';
import {
  AvgLatency,
  Closed,
  FailureRate,
  FailureStreak,
  HalfOpened,
  MinRequests,
  SlowRate,
  Tripper,
  type TripContext,
} from '@fluxgate/core/trippers';
import { Always, Backoff, Cooldown, Never, Retry } from '@fluxgate/core/retries';
import { All as AllCalls, Permit, Random, RampUp } from '@fluxgate/core/permits';
import { LogListener } from '@fluxgate/core/listeners';

class LastCallWindow extends Window {
  private last: CallRecord | undefined;
  record(record: CallRecord): void {
    this.last = record;
  }
  metric(now: number): Metric {
    const window = new CountWindow(1);
    if (this.last) window.record(this.last);
    return window.metric(now);
  }
  reset(): void {
    this.last = undefined;
  }
}

class ServerErrors extends Tracker {
  isFailure(error: unknown): boolean {
    return error instanceof Error && error.message.startsWith('5');
  }
}

class LongStreak extends Tripper {
  shouldTrip(ctx: TripContext): boolean {
    const state: State = ctx.state;
    const metric: Metric = ctx.metric;
    return state === State.CLOSED && metric.totalCount > 0 && ctx.consecutiveFailures >= 10;
  }
}

class Linear extends Retry {
  delay({ reopens }: { readonly reopens: number }): number {
    return 1_000 * (reopens + 1);
  }
}

class EveryOtherMillisecond extends Permit {
  allows({ changedAt, now }: { readonly changedAt: number; readonly now: number }): boolean {
    return (now - changedAt) % 2 === 0;
  }
}

const clock: Clock = { now: () => Date.now() };
const signals: Signal[] = [];
const outcomes: CallEvent['outcome'][] = [];
const listener: Listener = {
  onTransition(signal: Signal): void {
    const from: State = signal.oldState;
    const to: State = signal.newState;
    const at: number = signal.timestamp;
    const failures: number = signal.metric.failureCount;
    if (from !== to && at >= 0 && failures >= 0) signals.push(signal);
  },
  onCall(event: CallEvent): void {
    const duration: number = event.duration;
    if (event.circuitName && duration >= 0) outcomes.push(event.outcome);
  },
};

const windows: Window[] = [
  new CountWindow(100),
  new TimeWindow(60_000, { bucket: 1_000 }),
  new LastCallWindow(),
];
const trackers: Tracker[] = [
  new AllErrors(),
  new TypeOf(TypeError, RangeError),
  new Custom((error: unknown) => error instanceof SyntaxError).not(),
  new ServerErrors().or(new TypeOf(TypeError)).and(new AllErrors()),
];
const trippers: Tripper[] = [
  new Closed(),
  new HalfOpened().and(new FailureStreak(1)),
  new AvgLatency(500),
  new LongStreak(),
];
const retries: Retry[] = [
  new Always(),
  new Never(),
  new Cooldown(60_000, { jitterRatio: 0.1, random: Math.random }),
  new Backoff({ initial: 10_000, multiplier: 2, maxDuration: 600_000, jitterRatio: 0.2 }),
  new Linear(),
];
const permits: Permit[] = [
  new AllCalls(),
  new Random(0.5, { random: () => 0.3 }),
  new RampUp({ initial: 0.1, final: 1, duration: 60_000 }),
  new EveryOtherMillisecond(),
];

const options: CircuitBreakerOptions = {
  name: 'payment_api',
  window: windows[0],
  tracker: trackers[1],
  tripper: new FailureStreak(5).or(
    new MinRequests(20).and(new FailureRate(0.5).or(new SlowRate(0.3, { threshold: 1_000 }))),
  ),
  retry: retries[3],
  permit: permits[2],
  closeAfter: 1,
  listeners: [listener, new LogListener(), (signal: Signal) => void signals.push(signal)],
  onListenerError: (error: unknown) => void error,
  clock,
};
const asyncOptions: AsyncCircuitBreakerOptions = {
  ...options,
  name: 'payment_api_async',
  maxHalfOpenCalls: 10,
  halfOpenTimeout: 60_000,
};

const breaker = new CircuitBreaker(options);
const sum: number = breaker.call((a: number, b: number) => a + b, 1, 2);
const safe: number = breaker.callWithFallback(
  (): number => {
    throw new TypeError('down');
  },
  () => 0,
);
const length = breaker.wrap((id: string): number => id.length);
const lengthOfAbc: number = length('abc');
// @ts-expect-error: wrap keeps the parameters of the function it guards
length(42);

const asyncBreaker = new AsyncCircuitBreaker(asyncOptions);
const fetched: Promise<string> = asyncBreaker.call(async (url: string) => url, 'https://x.test');
const withFallback: Promise<string> = asyncBreaker.callWithFallback(
  async (): Promise<string> => 'ok',
  (error: unknown) => String(error),
);
const findUser = asyncBreaker.wrap(async (id: number) => ({ id }), {
  fallback: () => ({ id: -1 }),
});
const user: Promise<{ id: number }> = findUser(7);

class PaymentService {
  @breaker.protect()
  charge(amount: number): number {
    return amount;
  }
}
const charged: number = new PaymentService().charge(5);

const info: CircuitBreakerInfo = breaker.info();
const name: string = info.name;
const state: State = info.state;
const changedAt: number = info.changedAt;
const retryAt: number | undefined = info.retryAt;
const reopens: number = info.reopens + info.consecutiveFailures;
const metric: Metric = info.metrics;
const failureRate: number | undefined = metric.failureRate;
const avgDuration: number | undefined = metric.avgDuration;
const slowRate: number | undefined = metric.slowRate(1_000);
const slowCounts: ReadonlyMap<number, number> = metric.slowCounts;
const totals: number = metric.totalCount + metric.failureCount + metric.totalDuration;
const current: State = breaker.state;
const circuit: string = breaker.name + asyncBreaker.name;

const detach: () => void = breaker.addListener(listener);
detach();
breaker.disable();
breaker.metricsOnly();
breaker.forceOpen();
breaker.reset();
const flushed: Promise<unknown> = asyncBreaker.flush();

try {
  breaker.call(() => 1);
} catch (error) {
  if (CallNotPermittedError.is(error)) {
    const rejected: Error = error;
    const by: string = error.circuitName;
    const rejectedIn: State = error.state;
    const retryAfter: number | undefined = error.retryAfter;
    void [rejected, by, rejectedIn, retryAfter];
  }
}
const allStates: readonly State[] = State.ALL;

export const used = [
  sum, safe, lengthOfAbc, fetched, withFallback, user, charged, name, state, changedAt, retryAt,
  reopens, failureRate, avgDuration, slowRate, slowCounts, totals, current, circuit, flushed,
  allStates, outcomes, trippers,
];
`;

const COMPILER_OPTIONS = {
  strict: true,
  noEmit: true,
  target: 'ES2022',
  lib: ['ES2022'],
  types: [],
  // Check the packed declaration files too, not only the consumer.
  skipLibCheck: false,
};

/** Type-checking setups: tsconfig compiler options and the consumer files each one checks. */
const SETUPS: Record<string, { options: object; files: string[] }> = {
  'module node16, an ESM (.mts) and a CommonJS (.cts) consumer': {
    options: { module: 'node16', moduleResolution: 'node16' },
    files: ['consumer.mts', 'consumer.cts'],
  },
  'module esnext, moduleResolution bundler': {
    options: { module: 'esnext', moduleResolution: 'bundler' },
    files: ['consumer.ts'],
  },
  // node10 ignores `exports`: the subpaths resolve through package.json's `typesVersions`.
  'module commonjs, moduleResolution node10': {
    options: { module: 'commonjs', moduleResolution: 'node10' },
    files: ['consumer.ts'],
  },
};

describe.each(['typescript', 'typescript5'].map((name) => ({ name, ...compilerOf(name) })))(
  'types with $name ($version)',
  ({ name: compiler, version, tsc }) => {
    const major = Number(version.split('.')[0]);
    it.each(Object.entries(SETUPS))(
      '%s',
      async (setup, { options, files }) => {
        for (const file of ['consumer.mts', 'consumer.cts', 'consumer.ts']) {
          writeFileSync(path.join(app, file), TS_CONSUMER);
        }
        const slug = `${compiler}-${setup.split(',')[0]!.replace(/\W+/g, '-')}`;
        const tsconfig = `tsconfig.${slug}.json`;
        // TypeScript 6 deprecates node10; its users silence the deprecation to keep using it.
        const silence =
          major >= 6 && /node10/.test(setup) ? { ignoreDeprecations: `${major}.0` } : {};
        await typeCheck(app, tsc, tsconfig, {
          compilerOptions: { ...COMPILER_OPTIONS, ...silence, ...options },
          files,
        });
      },
      SLOW,
    );
  },
);
