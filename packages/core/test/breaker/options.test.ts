import {
  AsyncCircuitBreaker,
  CircuitBreaker,
  type AsyncCircuitBreakerOptions,
  type CircuitBreakerOptions,
} from '@fluxgate/core';
import { All as AllowAll } from '@fluxgate/core/permits';
import { Cooldown } from '@fluxgate/core/retries';
import { All } from '@fluxgate/core/trackers';
import { FailureStreak } from '@fluxgate/core/trippers';
import { CountWindow } from '@fluxgate/core/windows';
import { FakeClock } from '../support/fake-clock';
import { RecordingListener } from '../support/recording-listener';

type ErrorClass = typeof RangeError | typeof TypeError;

interface Case {
  readonly option: string;
  readonly value: unknown;
  /** The options as given: `{ name: 'payment_api', [option]: value }` unless `options` says. */
  readonly options?: unknown;
  readonly error: ErrorClass;
  /** What the message names, when it is not `option`. */
  readonly names?: string;
}

function label(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'function') return 'a function';
  if (Array.isArray(value)) return `[${value.map(label).join(', ')}]`;
  if (typeof value === 'object' && value !== null) {
    const name = value.constructor?.name;
    return name === 'Object' || name === undefined ? JSON.stringify(value) : `a ${name}`;
  }
  return String(value);
}

function rows(option: string, error: ErrorClass, values: readonly unknown[]): Case[] {
  return values.map((value) => ({ option, value, error }));
}

/** What building the breaker threw (failing the test when it does not throw). */
function thrownBy(build: () => unknown): Error {
  try {
    build();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the constructor to throw');
}

const notAListener = 42;

/** Options both breakers take. */
const shared: readonly Case[] = [
  { option: 'name', value: undefined, options: {}, error: TypeError },
  ...rows('name', RangeError, ['']),
  ...rows('name', TypeError, [42, null, ['payment_api']]),
  ...rows('window', TypeError, [{}, new All(), 42, 'count', null, { record() {}, metric() {} }]),
  ...rows('tracker', TypeError, [{}, new CountWindow(5), { isFailure: true }, 42, null]),
  ...rows('tripper', TypeError, [{}, new All(), { shouldTrip: 'yes' }, 42]),
  ...rows('retry', TypeError, [{}, new FailureStreak(1), { delay: 5 }, 60_000]),
  ...rows('permit', TypeError, [{}, new Cooldown(5), { allows: null }, 0.5]),
  ...rows('clock', TypeError, [{}, { now: 5 }, 42, 'Date.now']),
  ...rows('closeAfter', RangeError, [0, -1, 1.5, NaN, Infinity]),
  ...rows('closeAfter', TypeError, ['1', null]),
  ...rows('isFailureResult', TypeError, ['status >= 500', {}, 42, null]),
  ...rows('onListenerError', TypeError, ['console.error', {}, true]),
  ...rows('listeners', TypeError, [{}, 'log', new RecordingListener(), () => {}]),
  {
    option: 'listeners',
    value: notAListener,
    options: { name: 'payment_api', listeners: [new RecordingListener(), notAListener] },
    error: TypeError,
    names: 'listener',
  },
  {
    option: 'listeners',
    value: null,
    options: { name: 'payment_api', listeners: [null] },
    error: TypeError,
    names: 'listener',
  },
  {
    option: 'listeners',
    value: { onTransition: 'log' },
    options: { name: 'payment_api', listeners: [{ onTransition: 'log' }] },
    error: TypeError,
    names: 'listener',
  },
];

/** Options only AsyncCircuitBreaker takes. */
const asyncOnly: readonly Case[] = [
  ...rows('maxHalfOpenCalls', RangeError, [0, -1, 2.5, NaN, Infinity]),
  ...rows('maxHalfOpenCalls', TypeError, ['10', null]),
  ...rows('halfOpenTimeout', RangeError, [0, -5, NaN, -Infinity]),
  ...rows('halfOpenTimeout', TypeError, ['60000', null]),
];

const breakers = [
  ['CircuitBreaker', (options: unknown) => new CircuitBreaker(options as CircuitBreakerOptions)],
  [
    'AsyncCircuitBreaker',
    (options: unknown) => new AsyncCircuitBreaker(options as AsyncCircuitBreakerOptions),
  ],
] as const;

function check(
  { option, value, options, error, names }: Case,
  build: (options: unknown) => unknown,
) {
  const thrown = thrownBy(() => build(options ?? { name: 'payment_api', [option]: value }));
  expect(thrown).toBeInstanceOf(error);
  expect(thrown.message).toContain(names ?? option);
  expect(thrown.message).toContain(String(value));
}

describe.each(breakers)('%s options', (_breaker, build) => {
  it.each(shared.map((c) => ({ ...c, title: `${c.option}: ${label(c.value)}` })))(
    '$title → $error.name naming the option and the value',
    (c) => check(c, build),
  );

  it.each<[string, unknown]>([
    ['null', null],
    ['a number', 42],
    ['a string', 'payment_api'],
    ['true', true],
  ])('options that are %s: a TypeError naming `options`', (_label, options) => {
    const thrown = thrownBy(() => build(options));
    expect(thrown).toBeInstanceOf(TypeError);
    expect(thrown.message).toContain('options');
    expect(thrown.message).toContain(String(options));
  });

  it('no options at all: a TypeError naming `name`', () => {
    const thrown = thrownBy(() => build(undefined));
    expect(thrown).toBeInstanceOf(TypeError);
    expect(thrown.message).toContain('name');
  });

  it('accepts every option at a valid edge', () => {
    const clock = new FakeClock();
    const breaker = build({
      name: 'x',
      window: new CountWindow(1),
      tracker: new All(),
      tripper: new FailureStreak(1),
      retry: new Cooldown(1),
      permit: new AllowAll(),
      closeAfter: 1,
      isFailureResult: () => false,
      listeners: [],
      onListenerError: () => {},
      clock,
    }) as CircuitBreaker | AsyncCircuitBreaker;
    expect(breaker.info()).toMatchObject({ name: 'x', state: 'closed', changedAt: clock.now() });
  });

  it('accepts components by shape, such as those of another copy of the package', () => {
    const breaker = build({
      name: 'payment_api',
      clock: { now: () => 42 },
      tracker: { isFailure: () => true },
      retry: { delay: () => 10 },
      permit: { allows: () => true },
      tripper: { shouldTrip: () => false },
      listeners: [{ onTransition() {} }, () => {}],
    }) as CircuitBreaker | AsyncCircuitBreaker;
    expect(breaker.info().changedAt).toBe(42);
  });
});

describe('AsyncCircuitBreaker-only options', () => {
  const build = (options: unknown) =>
    new AsyncCircuitBreaker(options as AsyncCircuitBreakerOptions);

  it.each(asyncOnly.map((c) => ({ ...c, title: `${c.option}: ${label(c.value)}` })))(
    '$title → $error.name naming the option and the value',
    (c) => check(c, build),
  );

  it.each<[string, Partial<AsyncCircuitBreakerOptions>]>([
    ['halfOpenTimeout: Infinity', { halfOpenTimeout: Infinity }],
    ['halfOpenTimeout: 1', { halfOpenTimeout: 1 }],
    ['halfOpenTimeout: 0.5', { halfOpenTimeout: 0.5 }],
    ['maxHalfOpenCalls: 1', { maxHalfOpenCalls: 1 }],
    ['maxHalfOpenCalls: 1000', { maxHalfOpenCalls: 1_000 }],
  ])('accepts %s', (_label, extra) => {
    expect(() => build({ name: 'payment_api', ...extra })).not.toThrow();
  });
});

describe('the default clock', () => {
  afterEach(() => jest.restoreAllMocks());

  it.each(breakers)(
    '%s reads Date.now() at each call, for durations and for the wait while open',
    async (_breaker, build) => {
      let now = 1_000;
      jest.spyOn(Date, 'now').mockImplementation(() => now);
      const breaker = build({
        name: 'x',
        tripper: new FailureStreak(2),
        retry: new Cooldown(500),
      }) as CircuitBreaker | AsyncCircuitBreaker;
      // Sync or async alike: a call that takes `ms` of the mocked clock, then returns or throws.
      const call = (ms: number, fail = false) =>
        Promise.resolve().then(() =>
          breaker.call(() => {
            now += ms;
            if (fail) throw new Error('down');
            return 'ok';
          }),
        );

      await expect(call(250)).resolves.toBe('ok');
      expect(breaker.info()).toMatchObject({ changedAt: 1_000, metrics: { totalDuration: 250 } });
      now = 2_000;
      await expect(call(40, true)).rejects.toThrow('down');
      await expect(call(10, true)).rejects.toThrow('down');
      expect(breaker.info()).toMatchObject({ state: 'open', changedAt: 2_050, retryAt: 2_550 });
      now = 2_300;
      await expect(call(1)).rejects.toMatchObject({ state: 'open', retryAfter: 250 });
    },
  );

  it('is not the clock of another breaker in the same process', () => {
    const clock = new FakeClock(5_000);
    const other = new CircuitBreaker({ name: 'other', clock });
    let now = 1_000;
    jest.spyOn(Date, 'now').mockImplementation(() => now);
    const breaker = new CircuitBreaker({ name: 'x' });
    other.call(() => clock.advance(7));
    breaker.call(() => (now += 3));
    expect(other.info().metrics.totalDuration).toBe(7);
    expect(breaker.info().metrics.totalDuration).toBe(3);
  });
});
