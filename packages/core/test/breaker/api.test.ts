import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import type * as core from '@fluxgate/core';
import {
  AsyncCircuitBreaker,
  CallNotPermittedError,
  CircuitBreaker,
  type AsyncCircuitBreakerOptions,
  type CircuitBreakerInfo,
} from '@fluxgate/core';
import { All as AllowAll, Random } from '@fluxgate/core/permits';
import { Cooldown, Never } from '@fluxgate/core/retries';
import { FailureStreak } from '@fluxgate/core/trippers';
import { settle } from '../support/deferred';
import { FakeClock } from '../support/fake-clock';
import { sequenceRandom } from '../support/sequence-random';

const T0 = 1_000_000;
const boom = new Error('boom');
function fail(): never {
  throw boom;
}
function rejectWithBoom(): Promise<never> {
  return Promise.reject(boom);
}

/** Opens on the first failure, waits 1 s, lets every half-open call run. */
function options(
  clock: FakeClock,
  extra: Partial<AsyncCircuitBreakerOptions> = {},
): AsyncCircuitBreakerOptions {
  return {
    name: 'payment_api',
    tripper: new FailureStreak(1),
    retry: new Cooldown(1_000),
    permit: new AllowAll(),
    clock,
    ...extra,
  };
}

/** What `fn` threw (failing the test when it does not throw). */
function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('call', () => {
  it('CircuitBreaker runs fn with the arguments and returns its result', () => {
    const breaker = new CircuitBreaker(options(new FakeClock()));
    expect(
      breaker.call((a: number, b: string, c?: boolean) => `${a}${b}${String(c)}`, 1, 'x', true),
    ).toBe('1xtrue');
    expect(breaker.call(() => 'no args')).toBe('no args');
  });

  it('AsyncCircuitBreaker runs fn with the arguments and resolves to its result (a plain value too)', async () => {
    const breaker = new AsyncCircuitBreaker(options(new FakeClock()));
    await expect(breaker.call(async (a: number, b: number) => a * b, 6, 7)).resolves.toBe(42);
    await expect(breaker.call((a: string) => a.toUpperCase(), 'plain')).resolves.toBe('PLAIN');
  });

  it('passes errors through untouched', async () => {
    const sync = new CircuitBreaker(options(new FakeClock(), { tripper: new FailureStreak(9) }));
    const asyncBreaker = new AsyncCircuitBreaker(
      options(new FakeClock(), { tripper: new FailureStreak(9) }),
    );
    expect(thrownBy(() => sync.call(fail))).toBe(boom);
    await expect(asyncBreaker.call(rejectWithBoom)).rejects.toBe(boom);
    await expect(asyncBreaker.call(fail)).rejects.toBe(boom);
  });
});

describe('callWithFallback', () => {
  it('CircuitBreaker returns fallback(error) for a failing call', () => {
    const breaker = new CircuitBreaker(options(new FakeClock()));
    const fallback = jest.fn((error: unknown) => `fallback after ${(error as Error).message}`);
    expect(breaker.callWithFallback(fail, fallback)).toBe('fallback after boom');
    expect(fallback).toHaveBeenCalledTimes(1);
    expect(fallback.mock.calls[0]![0]).toBe(boom);
  });

  it('CircuitBreaker passes the arguments and does not call the fallback on success', () => {
    const breaker = new CircuitBreaker(options(new FakeClock()));
    const fallback = jest.fn(() => -1);
    expect(breaker.callWithFallback((a: number, b: number) => a + b, fallback, 2, 3)).toBe(5);
    expect(fallback).not.toHaveBeenCalled();
  });

  it('AsyncCircuitBreaker awaits the fallback', async () => {
    const breaker = new AsyncCircuitBreaker(
      options(new FakeClock(), { tripper: new FailureStreak(9) }),
    );
    const result = breaker.callWithFallback(
      (id: string) => Promise.reject(new Error(`no ${id}`)),
      async (error) => {
        await settle();
        return `cached, after ${(error as Error).message}`;
      },
      'price',
    );
    await expect(result).resolves.toBe('cached, after no price');
    await expect(
      breaker.callWithFallback(
        async (a: number) => a + 1,
        () => 0,
        41,
      ),
    ).resolves.toBe(42);
  });

  it('CircuitBreaker: the fallback receives a CallNotPermittedError when open', () => {
    const breaker = new CircuitBreaker(options(new FakeClock()));
    breaker.forceOpen();
    const seen: unknown[] = [];
    const ran = jest.fn(() => 'ran');
    expect(breaker.callWithFallback(ran, (error) => (seen.push(error), 'fallback'))).toBe(
      'fallback',
    );
    expect(ran).not.toHaveBeenCalled();
    expect(seen).toHaveLength(1);
    expect(CallNotPermittedError.is(seen[0])).toBe(true);
    expect(seen[0]).toMatchObject({ circuitName: 'payment_api', state: 'forced_open' });
  });

  it('AsyncCircuitBreaker: the fallback receives a CallNotPermittedError when open', async () => {
    const clock = new FakeClock();
    const breaker = new AsyncCircuitBreaker(options(clock));
    await expect(breaker.call(rejectWithBoom)).rejects.toBe(boom);
    clock.advance(250);
    const seen: unknown[] = [];
    await expect(
      breaker.callWithFallback(
        () => Promise.resolve('ran'),
        (error) => (seen.push(error), 'fallback'),
      ),
    ).resolves.toBe('fallback');
    expect(seen[0]).toBeInstanceOf(CallNotPermittedError);
    expect(seen[0]).toMatchObject({ circuitName: 'payment_api', state: 'open', retryAfter: 750 });
  });

  it('CircuitBreaker: a fallback that rethrows throws to the caller', () => {
    const breaker = new CircuitBreaker(options(new FakeClock()));
    const wrapped = new Error('wrapped');
    expect(
      thrownBy(() =>
        breaker.callWithFallback(fail, (error) => {
          throw error === boom ? wrapped : error;
        }),
      ),
    ).toBe(wrapped);
  });

  it('AsyncCircuitBreaker: a fallback that rethrows or rejects rejects the call', async () => {
    const breaker = new AsyncCircuitBreaker(
      options(new FakeClock(), { tripper: new FailureStreak(9) }),
    );
    const wrapped = new Error('wrapped');
    await expect(
      breaker.callWithFallback(rejectWithBoom, (error) => {
        throw error === boom ? wrapped : error;
      }),
    ).rejects.toBe(wrapped);
    await expect(
      breaker.callWithFallback(rejectWithBoom, () => Promise.reject(wrapped)),
    ).rejects.toBe(wrapped);
  });
});

describe('wrap', () => {
  class Client {
    constructor(readonly base: string) {}
    get(path: string, attempt: number): string {
      if (path === '/down') throw boom;
      return `${this.base}${path}#${attempt}`;
    }
    async fetch(path: string): Promise<string> {
      if (path === '/down') throw boom;
      return `${this.base}${path}`;
    }
  }

  it('CircuitBreaker: keeps `this` and the parameters', () => {
    const breaker = new CircuitBreaker(options(new FakeClock()));
    const client = new Client('https://prices');
    const get = breaker.wrap(Client.prototype.get);
    expect(get.call(client, '/eur', 2)).toBe('https://prices/eur#2');
    const bound = { base: 'https://other', get };
    expect(bound.get('/usd', 3)).toBe('https://other/usd#3');
    expect(thrownBy(() => get.call(client, '/down', 1))).toBe(boom);
    expect(breaker.state).toBe('open');
    expect(thrownBy(() => get.call(client, '/eur', 4))).toBeInstanceOf(CallNotPermittedError);
  });

  it('CircuitBreaker: with a fallback, keeps `this` and returns fallback(error) on failure', () => {
    const breaker = new CircuitBreaker(options(new FakeClock()));
    const client = new Client('https://prices');
    const errors: unknown[] = [];
    const get = breaker.wrap(Client.prototype.get, {
      fallback: (error) => (errors.push(error), 'stale'),
    });
    expect(get.call(client, '/eur', 1)).toBe('https://prices/eur#1');
    expect(get.call(client, '/down', 2)).toBe('stale');
    expect(get.call(client, '/eur', 3)).toBe('stale');
    expect(errors[0]).toBe(boom);
    expect(errors[1]).toBeInstanceOf(CallNotPermittedError);
  });

  it.each([
    [
      'CircuitBreaker',
      (): CircuitBreaker | AsyncCircuitBreaker => new CircuitBreaker({ name: 'n' }),
    ],
    ['AsyncCircuitBreaker', () => new AsyncCircuitBreaker({ name: 'n' })],
  ])('%s: call and wrap pass exactly the arguments given, none included', async (_, make) => {
    const breaker = make();
    const seen: unknown[][] = [];
    function record(this: unknown, ...args: unknown[]): number {
      seen.push([this, ...args]);
      return args.length;
    }
    const guarded = breaker.wrap(record) as (this: unknown, ...args: unknown[]) => unknown;
    const self = { id: 1 };
    expect(await breaker.call(record)).toBe(0);
    expect(await breaker.call(record, undefined)).toBe(1);
    expect(await breaker.call(record, 'a', 2)).toBe(2);
    expect(await guarded.call(self)).toBe(0);
    expect(await guarded.call(self, undefined, null)).toBe(2);
    expect(seen).toEqual([
      [undefined],
      [undefined, undefined],
      [undefined, 'a', 2],
      [self],
      [self, undefined, null],
    ]);
  });

  it('AsyncCircuitBreaker: keeps `this` and the parameters', async () => {
    const breaker = new AsyncCircuitBreaker(options(new FakeClock()));
    const client = new Client('https://prices');
    const fetch = breaker.wrap(Client.prototype.fetch);
    await expect(fetch.call(client, '/eur')).resolves.toBe('https://prices/eur');
    const holder = { base: 'https://other', fetch };
    await expect(holder.fetch('/usd')).resolves.toBe('https://other/usd');
    await expect(fetch.call(client, '/down')).rejects.toBe(boom);
    await expect(fetch.call(client, '/eur')).rejects.toBeInstanceOf(CallNotPermittedError);
  });

  it('AsyncCircuitBreaker: with a fallback, keeps `this` and resolves to the awaited fallback', async () => {
    const breaker = new AsyncCircuitBreaker(options(new FakeClock()));
    const client = new Client('https://prices');
    const errors: unknown[] = [];
    const fetch = breaker.wrap(Client.prototype.fetch, {
      fallback: async (error) => (errors.push(error), 'stale'),
    });
    await expect(fetch.call(client, '/eur')).resolves.toBe('https://prices/eur');
    await expect(fetch.call(client, '/down')).resolves.toBe('stale');
    await expect(fetch.call(client, '/eur')).resolves.toBe('stale');
    expect(errors[0]).toBe(boom);
    expect(CallNotPermittedError.is(errors[1])).toBe(true);
  });
});

describe('info()', () => {
  const KEYS = [
    'changedAt',
    'consecutiveFailures',
    'metrics',
    'name',
    'reopens',
    'retryAt',
    'state',
  ];

  /** `info()` with `metrics` replaced by its counts, after checking the exact key set. */
  function snapshot(info: CircuitBreakerInfo): Omit<CircuitBreakerInfo, 'metrics'> & {
    metrics: { totalCount: number; failureCount: number; totalDuration: number };
  } {
    expect(Object.keys(info).sort()).toEqual(KEYS);
    const { totalCount, failureCount, totalDuration } = info.metrics;
    return { ...info, metrics: { totalCount, failureCount, totalDuration } };
  }
  const empty = { totalCount: 0, failureCount: 0, totalDuration: 0 };

  it('closed, as constructed', () => {
    const breaker = new CircuitBreaker(options(new FakeClock(T0)));
    expect(snapshot(breaker.info())).toEqual({
      name: 'payment_api',
      state: 'closed',
      changedAt: T0,
      retryAt: undefined,
      reopens: 0,
      consecutiveFailures: 0,
      metrics: empty,
    });
  });

  it('closed, after calls: the window and the failure streak', () => {
    const clock = new FakeClock(T0);
    const breaker = new CircuitBreaker(options(clock, { tripper: new FailureStreak(3) }));
    breaker.call(() => clock.advance(10));
    thrownBy(() => breaker.call(() => (clock.advance(20), fail())));
    thrownBy(() => breaker.call(() => (clock.advance(30), fail())));
    expect(snapshot(breaker.info())).toEqual({
      name: 'payment_api',
      state: 'closed',
      changedAt: T0,
      retryAt: undefined,
      reopens: 0,
      consecutiveFailures: 2,
      metrics: { totalCount: 3, failureCount: 2, totalDuration: 60 },
    });
  });

  it('open: retryAt is changedAt plus the retry delay', () => {
    const clock = new FakeClock(T0);
    const breaker = new CircuitBreaker(options(clock));
    clock.advance(100);
    thrownBy(() => breaker.call(fail));
    clock.advance(300);
    expect(snapshot(breaker.info())).toEqual({
      name: 'payment_api',
      state: 'open',
      changedAt: T0 + 100,
      retryAt: T0 + 1_100,
      reopens: 0,
      consecutiveFailures: 1,
      metrics: empty,
    });
  });

  it('half_open, then open again with one reopen', () => {
    const clock = new FakeClock(T0);
    const breaker = new CircuitBreaker(options(clock, { closeAfter: 2 }));
    thrownBy(() => breaker.call(fail));
    clock.advance(1_000);
    breaker.call(() => clock.advance(5));
    expect(snapshot(breaker.info())).toEqual({
      name: 'payment_api',
      state: 'half_open',
      changedAt: T0 + 1_000,
      retryAt: undefined,
      reopens: 0,
      consecutiveFailures: 0,
      metrics: { totalCount: 1, failureCount: 0, totalDuration: 5 },
    });
    thrownBy(() => breaker.call(fail));
    expect(snapshot(breaker.info())).toEqual({
      name: 'payment_api',
      state: 'open',
      changedAt: T0 + 1_005,
      retryAt: T0 + 2_005,
      reopens: 1,
      consecutiveFailures: 1,
      metrics: empty,
    });
  });

  it.each<['metricsOnly' | 'disable' | 'forceOpen', string]>([
    ['metricsOnly', 'metrics_only'],
    ['disable', 'disabled'],
    ['forceOpen', 'forced_open'],
  ])('%s() → %s', (method, state) => {
    const clock = new FakeClock(T0);
    const breaker = new AsyncCircuitBreaker(options(clock));
    clock.advance(42);
    expect(breaker[method]()).toBeUndefined();
    expect(snapshot(breaker.info())).toEqual({
      name: 'payment_api',
      state,
      changedAt: T0 + 42,
      retryAt: undefined,
      reopens: 0,
      consecutiveFailures: 0,
      metrics: empty,
    });
  });

  it('reset() → closed, with the counters at 0', () => {
    const clock = new FakeClock(T0);
    const breaker = new CircuitBreaker(options(clock));
    thrownBy(() => breaker.call(fail));
    clock.advance(1_000);
    thrownBy(() => breaker.call(fail));
    expect(breaker.info()).toMatchObject({ state: 'open', reopens: 1, consecutiveFailures: 1 });
    clock.advance(7);
    expect(breaker.reset()).toBeUndefined();
    expect(snapshot(breaker.info())).toEqual({
      name: 'payment_api',
      state: 'closed',
      changedAt: T0 + 1_007,
      retryAt: undefined,
      reopens: 0,
      consecutiveFailures: 0,
      metrics: empty,
    });
  });

  it('open under Never: retryAt is Infinity', async () => {
    const clock = new FakeClock(T0);
    const breaker = new AsyncCircuitBreaker(options(clock, { retry: new Never() }));
    await expect(breaker.call(rejectWithBoom)).rejects.toBe(boom);
    expect(snapshot(breaker.info())).toEqual({
      name: 'payment_api',
      state: 'open',
      changedAt: T0,
      retryAt: Infinity,
      reopens: 0,
      consecutiveFailures: 1,
      metrics: empty,
    });
  });

  it('name and state match info()', () => {
    const breaker = new CircuitBreaker(options(new FakeClock()));
    breaker.forceOpen();
    expect(breaker.name).toBe('payment_api');
    expect(breaker.state).toBe('forced_open');
  });
});

describe('CallNotPermittedError', () => {
  it('while open: name, circuitName, state, retryAfter (the exact time left to retryAt) and message', () => {
    const clock = new FakeClock(T0);
    const breaker = new CircuitBreaker(options(clock));
    thrownBy(() => breaker.call(fail));
    clock.advance(400);
    const error = thrownBy(() => breaker.call(() => 'never runs')) as CallNotPermittedError;
    expect(error).toBeInstanceOf(Error);
    expect(error).toBeInstanceOf(CallNotPermittedError);
    expect(error.name).toBe('CallNotPermittedError');
    expect(error.circuitName).toBe('payment_api');
    expect(error.state).toBe('open');
    expect(error.retryAfter).toBe(600);
    expect(error.message).toBe(
      "Circuit breaker 'payment_api' is open; call not permitted, retry after 600 ms",
    );
    clock.advance(599);
    expect(thrownBy(() => breaker.call(() => 'never runs'))).toMatchObject({ retryAfter: 1 });
  });

  it('while open, from AsyncCircuitBreaker', async () => {
    const clock = new FakeClock(T0);
    const breaker = new AsyncCircuitBreaker(options(clock, { retry: new Cooldown(30_000) }));
    await expect(breaker.call(rejectWithBoom)).rejects.toBe(boom);
    clock.advance(12_345);
    const error = await breaker
      .call(() => 'never runs')
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(CallNotPermittedError.is(error)).toBe(true);
    expect(error).toMatchObject({
      name: 'CallNotPermittedError',
      circuitName: 'payment_api',
      state: 'open',
      retryAfter: 17_655,
      message: "Circuit breaker 'payment_api' is open; call not permitted, retry after 17655 ms",
    });
  });

  it('when forced_open: retryAfter is undefined', () => {
    const breaker = new CircuitBreaker(options(new FakeClock()));
    breaker.forceOpen();
    const error = thrownBy(() => breaker.call(() => 1)) as CallNotPermittedError;
    expect(error.state).toBe('forced_open');
    expect(error.retryAfter).toBeUndefined();
    expect(error.message).toBe("Circuit breaker 'payment_api' is forced_open; call not permitted");
  });

  it('when half_open: retryAfter is undefined', () => {
    const clock = new FakeClock();
    const breaker = new CircuitBreaker(
      options(clock, { closeAfter: 2, permit: new Random(0.5, { random: sequenceRandom(0.75) }) }),
    );
    thrownBy(() => breaker.call(fail));
    clock.advance(1_000);
    breaker.call(() => 'first probe');
    const error = thrownBy(() =>
      breaker.call(() => 'refused by the permit'),
    ) as CallNotPermittedError;
    expect(CallNotPermittedError.is(error)).toBe(true);
    expect(error.state).toBe('half_open');
    expect(error.retryAfter).toBeUndefined();
    expect(error.message).toBe("Circuit breaker 'payment_api' is half_open; call not permitted");
  });

  it('under Never: retryAfter is Infinity', () => {
    const clock = new FakeClock();
    const breaker = new CircuitBreaker(options(clock, { retry: new Never() }));
    thrownBy(() => breaker.call(fail));
    clock.advance(1e12);
    const error = thrownBy(() => breaker.call(() => 1)) as CallNotPermittedError;
    expect(error.state).toBe('open');
    expect(error.retryAfter).toBe(Infinity);
    expect(error.message).toBe(
      "Circuit breaker 'payment_api' is open; call not permitted until a manual reset",
    );
  });

  it('can be constructed by hand', () => {
    const error = new CallNotPermittedError('payment_api', 'open', 1_500);
    expect(error).toMatchObject({
      name: 'CallNotPermittedError',
      circuitName: 'payment_api',
      state: 'open',
    });
    expect(error.retryAfter).toBe(1_500);
    expect(CallNotPermittedError.is(error)).toBe(true);
  });

  it.each<[string, unknown]>([
    ['an Error', new Error('boom')],
    ['a TypeError', new TypeError('bad')],
    [
      'an Error named CallNotPermittedError',
      Object.assign(new Error('x'), { name: 'CallNotPermittedError' }),
    ],
    [
      'a look-alike object',
      { name: 'CallNotPermittedError', circuitName: 'payment_api', state: 'open' },
    ],
    ['null', null],
    ['undefined', undefined],
    ['a string', 'CallNotPermittedError'],
    ['a number', 42],
  ])('is() and instanceof are false for %s', (_label, value) => {
    expect(CallNotPermittedError.is(value)).toBe(false);
    expect(value instanceof CallNotPermittedError).toBe(false);
  });

  it('is() and instanceof recognise an error from another copy of the package, both ways', async () => {
    let copy: typeof core | undefined;
    await jest.isolateModulesAsync(async () => {
      copy = await import('@fluxgate/core');
    });
    const Other = copy!.CallNotPermittedError;
    expect(Other).not.toBe(CallNotPermittedError);

    const breaker = new CircuitBreaker(options(new FakeClock()));
    breaker.forceOpen();
    const fromA = thrownBy(() => breaker.call(() => 1));
    const otherBreaker = new copy!.CircuitBreaker({ name: 'inventory_api' });
    otherBreaker.forceOpen();
    let fromB: unknown;
    try {
      otherBreaker.call(() => 1);
    } catch (error) {
      fromB = error;
    }

    expect(Object.getPrototypeOf(fromA)).not.toBe(Object.getPrototypeOf(fromB));
    expect(Other.is(fromA)).toBe(true);
    expect(fromA instanceof Other).toBe(true);
    expect(CallNotPermittedError.is(fromB)).toBe(true);
    expect(fromB instanceof CallNotPermittedError).toBe(true);
    expect(Other.is(new Error('x'))).toBe(false);
  });
});

describe('CircuitBreaker given a promise-returning function', () => {
  it('throws a TypeError that names AsyncCircuitBreaker and records nothing', () => {
    const breaker = new CircuitBreaker(options(new FakeClock()));
    const error = thrownBy(() => breaker.call(() => Promise.resolve('ok')));
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toContain('AsyncCircuitBreaker');
    expect(breaker.state).toBe('closed');
    expect(breaker.info().metrics.totalCount).toBe(0);
  });

  it('counts a value whose then getter throws as a failure, and throws what the getter threw', () => {
    const breaker = new CircuitBreaker(options(new FakeClock()));
    const boom = new Error('then getter');
    const value = {
      get then(): never {
        throw boom;
      },
    };
    expect(thrownBy(() => breaker.call(() => value))).toBe(boom);
    // FailureStreak(1): the failure recorded opens the breaker.
    expect(breaker.state).toBe('open');
  });

  it('leaves no unhandled rejection behind (jest fails the test that leaves one)', async () => {
    const breaker = new CircuitBreaker(options(new FakeClock()));
    const error = thrownBy(() => breaker.call(rejectWithBoom));
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toContain('AsyncCircuitBreaker');
    await settle();
    await settle();
  });

  // Jest 30 routes unhandled rejections to its own handler on the real `process`, which a test's
  // sandboxed `process` never reaches: run the scenario in a plain Node process, with a real
  // 'unhandledRejection' listener, and a control run that leaves a rejection on purpose.
  const script = `
    const Module = require('node:module');
    const fs = require('node:fs');
    const ts = require(process.env.FLUXGATE_TS);
    const resolveFilename = Module._resolveFilename;
    Module._resolveFilename = function (request, parent, ...rest) {
      if (request === '@fluxgate/core') request = process.env.FLUXGATE_CORE;
      else if (parent && parent.filename.endsWith('.ts') && request.startsWith('.') && request.endsWith('.js')) {
        request = request.slice(0, -3) + '.ts';
      }
      return resolveFilename.call(this, request, parent, ...rest);
    };
    Module._extensions['.ts'] = (module, filename) => {
      const { outputText } = ts.transpileModule(fs.readFileSync(filename, 'utf8'), {
        fileName: filename,
        compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
      });
      module._compile(outputText, filename);
    };
    const seen = [];
    process.on('unhandledRejection', (reason) => seen.push(String(reason)));
    const { CircuitBreaker } = require('@fluxgate/core');
    const breaker = new CircuitBreaker({ name: 'payment_api' });
    let message;
    try {
      breaker.call(() => Promise.reject(new Error('lost')));
    } catch (error) {
      message = error.constructor.name + ': ' + error.message;
    }
    if (process.argv.includes('--control')) void Promise.reject(new Error('control'));
    setImmediate(() => setImmediate(() => process.stdout.write(JSON.stringify({ message, seen }))));
  `;

  function run(...args: string[]): { message: string; seen: string[] } {
    const result = spawnSync(process.execPath, ['-e', script, '--', ...args], {
      encoding: 'utf8',
      env: {
        ...process.env,
        FLUXGATE_TS: require.resolve('typescript'),
        FLUXGATE_CORE: path.resolve(__dirname, '../../src/index.ts'),
      },
    });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    return JSON.parse(result.stdout) as { message: string; seen: string[] };
  }

  it('leaves no unhandled rejection behind, seen by a process listener in plain Node', () => {
    const { message, seen } = run();
    expect(message).toMatch(/^TypeError: .*AsyncCircuitBreaker/);
    expect(seen).toEqual([]);
  }, 30_000);

  it('(control) the process listener does see a rejection left unhandled', () => {
    const { seen } = run('--control');
    expect(seen).toEqual(['Error: control']);
  }, 30_000);
});
