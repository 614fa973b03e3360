/**
 * Fuzzed inputs: every public constructor and every option, given values of every JavaScript type
 * (NaN, ±Infinity, -0, huge and tiny numbers, strings, objects, arrays, symbols, functions,
 * classes, null, undefined, BigInt, Object.create(null), boxed primitives, proxies, revoked
 * proxies) mixed with valid values. The oracle, written from SPEC.md, says which arguments are
 * valid. Each construction must either
 *
 * - throw a RangeError (a number out of range) or a TypeError (anything else) whose message starts
 *   with the name of an invalid parameter, as SPEC.md spells it, and shows the value; or
 * - with valid arguments only, give a component that then works: it is exercised with
 *   well-behaved inputs and compared with a reference (no later crash, no silently wrong value).
 *
 * Callbacks (`random`, `predicate`, `isFailureResult`, `onListenerError`, `clock.now`) are checked
 * to be functions at construction; what a user's callback returns is the user's business, so the
 * working components are exercised with well-behaved callbacks.
 *
 * Circuit names with any Unicode, quotes, newlines, lone surrogates and very long strings must
 * survive exactly into CallNotPermittedError messages, signals and `info()`, and into LogListener
 * lines in the escaped form it documents, read back exactly (more in name-fuzz.test.ts).
 *
 * Replay: fast-check prints the seed and path of a failure; FC_SEED=<seed> FC_PATH=<path>.
 */
import fc from 'fast-check';
import {
  AsyncCircuitBreaker,
  CallNotPermittedError,
  CircuitBreaker,
  State,
  type Signal,
} from '@fluxgate/core';
import { LogListener, type LogLevel } from '@fluxgate/core/listeners';
import { All as AllPermit, Random, RampUp } from '@fluxgate/core/permits';
import { Always, Backoff, Cooldown, Never } from '@fluxgate/core/retries';
import { All, Custom, TypeOf } from '@fluxgate/core/trackers';
import {
  AvgLatency,
  Closed,
  FailureRate,
  FailureStreak,
  HalfOpened,
  MinRequests,
  SlowRate,
  type TripContext,
} from '@fluxgate/core/trippers';
import { CountWindow, TimeWindow, type Window } from '@fluxgate/core/windows';
import { FakeClock } from '../support/fake-clock';
import { DEFAULT_LEVELS, loggedName, parseLogLine } from './support/log-line';

const RUNS = Number(process.env.FC_NUM_RUNS ?? 300);
const replay = (): { seed?: number; path?: string } => {
  const seed = Number(process.env.FC_SEED);
  return {
    ...(Number.isInteger(seed) ? { seed } : {}),
    ...(process.env.FC_PATH ? { path: process.env.FC_PATH } : {}),
  };
};
const params = { numRuns: RUNS, ...replay() };

// ---------------------------------------------------------------------------------------------
// Values of every type
// ---------------------------------------------------------------------------------------------

const revoked = Proxy.revocable({}, {});
revoked.revoke();
const revokedFunction = Proxy.revocable(function target() {}, {});
revokedFunction.revoke();

/**
 * Values of every JavaScript type; none is a valid component, options bag or listener. Revoked
 * proxies are tried separately (fast-check itself cannot handle them as values).
 */
const ODD: readonly unknown[] = [
  NaN,
  Infinity,
  -Infinity,
  -0,
  0,
  -1,
  -0.5,
  0.5,
  1.5,
  1e-300,
  Number.MIN_VALUE,
  Number.MAX_SAFE_INTEGER,
  2 ** 53,
  1e21,
  Number.MAX_VALUE,
  -Number.MAX_VALUE,
  '',
  '1',
  '0.5',
  'abc',
  'x'.repeat(10_000),
  {},
  [],
  [1],
  Object.create(null),
  new Number(1),
  new String('a'),
  { valueOf: () => 1 },
  { toString: () => '1' },
  {
    toString() {
      throw new Error('toString');
    },
  },
  new Date(0),
  /re/,
  new Map(),
  Symbol('s'),
  Symbol.iterator,
  () => {},
  function named() {},
  class Klass {},
  async () => {},
  Math.max,
  null,
  undefined,
  true,
  false,
  10n,
  0n,
  new Proxy({}, {}),
  new Proxy(function proxied() {}, {}),
];

const odd = fc.constantFrom(...ODD);
/** Mostly odd values, sometimes a valid one. */
const mix = <T>(valid: fc.Arbitrary<T>): fc.Arbitrary<unknown> =>
  fc.oneof({ weight: 3, arbitrary: odd }, { weight: 2, arbitrary: valid });

/** Mostly valid values, sometimes an odd one: for options bags with many keys. */
const mostly = <T>(valid: fc.Arbitrary<T>, weight = 5): fc.Arbitrary<unknown> =>
  fc.oneof({ weight: 1, arbitrary: odd }, { weight, arbitrary: valid });

const isNumber = (v: unknown): v is number => typeof v === 'number' && !Number.isNaN(v);
const integerAtLeast =
  (min: number) =>
  (v: unknown): boolean =>
    isNumber(v) && Number.isInteger(v) && v >= min;
const finitePositive = (v: unknown): boolean => isNumber(v) && Number.isFinite(v) && v > 0;
const finiteAtLeast =
  (min: number) =>
  (v: unknown): boolean =>
    isNumber(v) && Number.isFinite(v) && v >= min;
const inRange =
  (min: number, max: number, { minOpen = false, maxOpen = false } = {}) =>
  (v: unknown): boolean =>
    isNumber(v) && (minOpen ? v > min : v >= min) && (maxOpen ? v < max : v <= max);
const isFunction = (v: unknown): boolean => typeof v === 'function';
/** An options bag: `undefined` stands for `{}`. */
const isBag = (v: unknown): boolean => v === undefined || (typeof v === 'object' && v !== null);

/** Stands for "no argument at all". */
const NONE = Symbol('none');

/** What `show()` writes for a value: `String(value)`, strings quoted, -0 as "-0". */
function shown(value: unknown): string | undefined {
  if (value === NONE) return undefined;
  if (typeof value === 'string') return `"${value}"`;
  if (Object.is(value, -0)) return '-0';
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean')
    return String(value);
  if (value === null || value === undefined || typeof value === 'symbol') return String(value);
  return undefined; // objects and functions: whatever String() gives, if anything
}

/** A parameter the oracle found invalid: its name, value, and the error class it calls for. */
interface Invalid {
  readonly name: string;
  readonly value: unknown;
  readonly kind?: 'range' | 'type';
}

const invalid = (name: string, value: unknown, kind?: 'range' | 'type'): Invalid => ({
  name,
  value,
  ...(kind ? { kind } : {}),
});

const REVOKED: readonly unknown[] = [revoked.proxy, revokedFunction.proxy];
const isRevoked = (v: unknown): boolean => REVOKED.includes(v);

/**
 * `instanceof`, by name as well: the engine's own errors (from a typed array constructor, say)
 * come from another realm than jest's sandbox.
 */
const isA = (error: unknown, E: typeof RangeError | typeof TypeError): error is Error =>
  error instanceof E || (error instanceof Object && (error as Error).constructor?.name === E.name);

/**
 * Builds with the given arguments: with invalid ones it must throw the right error for one of
 * them, with none it must build (or throw one of `refusals`, when given) and pass `exercise`.
 */
function check<T>(
  invalids: readonly Invalid[],
  build: () => T,
  exercise: (built: T) => void,
  refusals: readonly Invalid[] = [],
): void {
  let built: T;
  try {
    built = build();
  } catch (error) {
    tally.refused++;
    const expected = invalids.length > 0 ? invalids : refusals;
    if (expected.length === 0) {
      throw new Error(`valid arguments were rejected: ${String(error)}`, { cause: error });
    }
    if (!(isA(error, RangeError) || isA(error, TypeError))) {
      throw new Error(`expected a RangeError or TypeError, got ${String(error)}`, {
        cause: error,
      });
    }
    const named = expected.find((p) => error.message.startsWith(p.name));
    if (named === undefined) {
      throw new Error(
        `the message does not start with an invalid parameter (${expected.map((p) => p.name).join(', ')}): ${error.message.slice(0, 200)}`,
        { cause: error },
      );
    }
    const kind = named.kind ?? (typeof named.value === 'number' ? 'range' : 'type');
    const Expected = kind === 'range' ? RangeError : TypeError;
    if (!isA(error, Expected)) {
      throw new Error(`${named.name}: expected a ${Expected.name}, got ${String(error)}`, {
        cause: error,
      });
    }
    const text = shown(named.value);
    if (text !== undefined && !error.message.includes(text)) {
      throw new Error(`${named.name}: the message does not show ${text}: ${error.message}`, {
        cause: error,
      });
    }
    return;
  }
  if (invalids.length > 0) {
    throw new Error(
      `invalid ${invalids.map((p) => `${p.name}=${fc.stringify(p.value)}`).join(', ')} accepted`,
    );
  }
  tally.built++;
  exercise(built);
}

/** How many checks built a component and how many refused, since the last `expectBoth()`. */
const tally = { built: 0, refused: 0 };

/** Both outcomes happened often enough: the property is not vacuous on either side. */
function expectBoth(share = 0.05): void {
  const { built, refused } = tally;
  if (process.env.FLUXGATE_REPORT)
    console.log(`${expect.getState().currentTestName}: ${JSON.stringify(tally)}`);
  tally.built = 0;
  tally.refused = 0;
  expect({ built: built >= RUNS * share, refused: refused >= RUNS * share }).toEqual({
    built: true,
    refused: true,
  });
}

// ---------------------------------------------------------------------------------------------
// Windows
// ---------------------------------------------------------------------------------------------

interface Rec {
  success: boolean;
  duration: number;
  timestamp: number;
  slowAt: number[];
}

/** Integer durations, so every sum is exact. */
const records = fc.array(
  fc.record({
    success: fc.boolean(),
    duration: fc.integer({ min: 0, max: 10_000 }),
    gap: fc.integer({ min: 0, max: 3_000 }),
  }),
  { maxLength: 40 },
);

function expectTotals(window: Window, now: number, kept: readonly Rec[]): void {
  const m = window.metric(now);
  expect(m.totalCount).toBe(kept.length);
  expect(m.failureCount).toBe(kept.filter((r) => !r.success).length);
  expect(m.totalDuration).toBe(kept.reduce((s, r) => s + r.duration, 0));
  if (kept.length === 0) {
    expect(m.failureRate).toBeUndefined();
    expect(m.avgDuration).toBeUndefined();
  } else {
    expect(m.failureRate).toBe(m.failureCount / m.totalCount);
  }
}

describe('fuzzed constructor arguments', () => {
  it('CountWindow(size)', () => {
    fc.assert(
      fc.property(mix(fc.integer({ min: 1, max: 300 })), records, (size, recs) => {
        check(
          integerAtLeast(1)(size) ? [] : [invalid('size', size)],
          () => new CountWindow(size as number),
          (window) => {
            expect(window.size).toBe(size);
            const all: Rec[] = [];
            let t = 1_000_000;
            for (const r of recs) {
              t += r.gap;
              const rec = { success: r.success, duration: r.duration, timestamp: t, slowAt: [] };
              window.record(rec);
              all.push(rec);
            }
            expectTotals(window, t, all.slice(-(size as number)));
            window.reset();
            expectTotals(window, t, []);
          },
          // Valid, but more than can be allocated: refused, naming `size`.
          isNumber(size) && size > 1e7 ? [invalid('size', size, 'range')] : [],
        );
      }),
      params,
    );
    expectBoth();
  });

  it('TimeWindow(size, { bucket })', () => {
    const valid = fc
      .record({
        bucket: fc.constantFrom(1, 10, 100, 250, 1_000, 0.5),
        n: fc.integer({ min: 1, max: 50 }),
      })
      .map(({ bucket, n }) => ({ size: bucket * n, bucket }));
    const bag = fc.oneof(
      odd.map((options) => ({ options, bucket: undefined as unknown })),
      mix(fc.constantFrom(1, 10, 1_000, 0.5)).map((bucket) => ({ options: { bucket }, bucket })),
    );
    fc.assert(
      fc.property(
        fc.oneof(
          valid.map((v) => ({
            size: v.size as unknown,
            arg: { options: { bucket: v.bucket } as unknown, bucket: v.bucket as unknown },
          })),
          fc.record({ size: mix(fc.integer({ min: 1, max: 50_000 })), arg: bag }),
        ),
        records,
        ({ size, arg }, recs) => {
          const { options } = arg;
          const bucket = isBag(options)
            ? // A destructuring default: only undefined stands for 1_000, null does not.
              (((options as { bucket?: unknown } | undefined)?.bucket === undefined
                ? 1_000
                : (options as { bucket?: unknown }).bucket) as unknown)
            : undefined;
          const invalids: Invalid[] = [];
          if (!finitePositive(size)) invalids.push(invalid('size', size));
          if (!isBag(options)) invalids.push(invalid('options', options, 'type'));
          else if (!finitePositive(bucket)) invalids.push(invalid('bucket', bucket));
          // Both valid numbers: size must be a multiple of bucket, checked by the window itself,
          // up to the rounding of decimal widths (a relative 4 epsilon, as documented), which
          // also lets 2^53 - 1 count as one bucket of 2^53.
          const n = invalids.length === 0 ? Math.round((size as number) / (bucket as number)) : 0;
          const multiple =
            n >= 1 &&
            Math.abs(n * (bucket as number) - (size as number)) <=
              4 * Number.EPSILON * (size as number);
          check(
            invalids,
            () => new TimeWindow(size as number, options as { bucket?: number }),
            (window) => {
              expect(multiple).toBe(true);
              expect(window.size).toBe(size);
              expect(window.bucket).toBe(bucket);
              const w = size as number;
              const b = bucket as number;
              const all: Rec[] = [];
              let t = 1_700_000_000_000;
              for (const r of recs) {
                t += r.gap;
                const rec = { success: r.success, duration: r.duration, timestamp: t, slowAt: [] };
                window.record(rec);
                all.push(rec);
              }
              const head = Math.floor(t / b);
              if (!Number.isSafeInteger(head)) {
                // A bucket so small that millisecond timestamps cannot be told apart
                // (docs/reliability.md): the window must not crash, its totals stay numbers.
                expect(typeof window.metric(t).totalCount).toBe('number');
                return;
              }
              expectTotals(
                window,
                t,
                all.filter((r) => Math.floor(r.timestamp / b) > head - n),
              );
              // However long it sat idle, nothing older than `size` counts.
              expectTotals(window, t + w, []);
            },
            // Valid numbers that are not multiples, or more buckets than can be allocated:
            // refused, naming `size`.
            !multiple || (size as number) / (bucket as number) > 1e7
              ? [invalid('size', size, 'range')]
              : [],
          );
        },
      ),
      params,
    );
    expectBoth();
  });
});

// ---------------------------------------------------------------------------------------------
// Trackers
// ---------------------------------------------------------------------------------------------

class MyError extends Error {}
const errorClass = fc.constantFrom<unknown>(Error, TypeError, RangeError, MyError);
/** Usable on the right of `instanceof`: what SPEC.md calls an error class. */
function isClass(v: unknown): boolean {
  if (typeof v !== 'function') return false;
  try {
    void ({} instanceof (v as new () => unknown));
    return true;
  } catch {
    return false;
  }
}
const thrown: readonly unknown[] = [
  new Error('e'),
  new TypeError('t'),
  new RangeError('r'),
  new MyError('m'),
  'a string',
  undefined,
  null,
  42,
  { message: 'like an error' },
  Object.create(null),
];

describe('fuzzed constructor arguments: trackers', () => {
  it('TypeOf(...errorTypes)', () => {
    fc.assert(
      fc.property(fc.array(mix(errorClass), { maxLength: 4 }), (types) => {
        const invalids =
          types.length === 0
            ? [invalid('errorTypes', NONE, 'type')]
            : types.flatMap((t, i) => (isClass(t) ? [] : [invalid(`errorTypes[${i}]`, t, 'type')]));
        check(
          invalids,
          () => new TypeOf(...(types as [typeof Error])),
          (tracker) => {
            expect(tracker.errorTypes).toEqual(types);
            for (const e of thrown) {
              const expected = (types as (new () => unknown)[]).some((t) => e instanceof t);
              expect(tracker.isFailure(e)).toBe(expected);
              expect(tracker.not().isFailure(e)).toBe(!expected);
              expect(tracker.or(new All()).isFailure(e)).toBe(true);
              expect(tracker.and(new All()).isFailure(e)).toBe(expected);
            }
          },
        );
      }),
      params,
    );
    expectBoth();
  });

  it('Custom(predicate)', () => {
    const predicate = (e: unknown): boolean => e instanceof TypeError;
    fc.assert(
      fc.property(mix(fc.constant(predicate)), (p) => {
        check(
          isFunction(p) ? [] : [invalid('predicate', p, 'type')],
          () => new Custom(p as (e: unknown) => boolean),
          (tracker) => {
            if (p !== predicate) return; // a user's own callback
            for (const e of thrown) expect(tracker.isFailure(e)).toBe(e instanceof TypeError);
          },
        );
      }),
      params,
    );
    expectBoth();
  });

  it('All() ignores whatever it is given', () => {
    fc.assert(
      fc.property(fc.array(odd, { maxLength: 3 }), (args) => {
        const tracker = new (All as unknown as new (...a: unknown[]) => All)(...args);
        for (const e of thrown) expect(tracker.isFailure(e)).toBe(true);
      }),
      params,
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Trippers
// ---------------------------------------------------------------------------------------------

/** A trip context from counts, with the metric computed the way SPEC.md defines it. */
const contexts = fc
  .record({
    total: fc.integer({ min: 0, max: 200 }),
    failures: fc.nat(),
    slow: fc.nat(),
    avg: fc.integer({ min: 0, max: 5_000 }),
    streak: fc.integer({ min: 0, max: 20 }),
    state: fc.constantFrom(...State.ALL),
    threshold: fc.constantFrom(100, 500, 1_000),
  })
  .map(({ total, failures, slow, avg, streak, state, threshold }) => {
    const f = total === 0 ? 0 : failures % (total + 1);
    const s = total === 0 ? 0 : slow % (total + 1);
    const ctx: TripContext = {
      metric: {
        totalCount: total,
        failureCount: f,
        totalDuration: avg * total,
        slowCounts: new Map([[threshold, s]]),
        failureRate: total === 0 ? undefined : f / total,
        avgDuration: total === 0 ? undefined : avg,
        slowRate: (t: number) => (total === 0 ? undefined : t === threshold ? s / total : 0),
      },
      state,
      consecutiveFailures: streak,
    };
    return ctx;
  });

describe('fuzzed constructor arguments: trippers', () => {
  it.each([
    ['MinRequests', MinRequests, (n: number, c: TripContext) => c.metric.totalCount >= n],
    ['FailureStreak', FailureStreak, (n: number, c: TripContext) => c.consecutiveFailures >= n],
  ] as const)('%s(count)', (_name, Ctor, trips) => {
    fc.assert(
      fc.property(mix(fc.integer({ min: 1, max: 100 })), fc.array(contexts), (count, ctxs) => {
        check(
          integerAtLeast(1)(count) ? [] : [invalid('count', count)],
          () => new Ctor(count as number),
          (tripper) => {
            expect(tripper.count).toBe(count);
            expect(tripper.slowThresholds()).toEqual([]);
            for (const c of ctxs) expect(tripper.shouldTrip(c)).toBe(trips(count as number, c));
          },
        );
      }),
      params,
    );
    expectBoth();
  });

  it('FailureRate(ratio)', () => {
    fc.assert(
      fc.property(
        mix(fc.double({ min: 0, max: 1, noNaN: true })),
        fc.array(contexts),
        (ratio, ctxs) => {
          check(
            inRange(0, 1, { minOpen: true })(ratio) ? [] : [invalid('ratio', ratio)],
            () => new FailureRate(ratio as number),
            (tripper) => {
              for (const c of ctxs) {
                const rate = c.metric.failureRate;
                expect(tripper.shouldTrip(c)).toBe(rate !== undefined && rate >= (ratio as number));
              }
            },
          );
        },
      ),
      params,
    );
    expectBoth();
  });

  it('AvgLatency(threshold)', () => {
    fc.assert(
      fc.property(
        mix(fc.integer({ min: 1, max: 5_000 })),
        fc.array(contexts),
        (threshold, ctxs) => {
          check(
            finitePositive(threshold) ? [] : [invalid('threshold', threshold)],
            () => new AvgLatency(threshold as number),
            (tripper) => {
              for (const c of ctxs) {
                const avg = c.metric.avgDuration;
                expect(tripper.shouldTrip(c)).toBe(
                  avg !== undefined && avg >= (threshold as number),
                );
              }
            },
          );
        },
      ),
      params,
    );
    expectBoth();
  });

  it('SlowRate(ratio, { threshold })', () => {
    const bag = fc.oneof(
      odd,
      mix(fc.constantFrom(100, 500, 1_000)).map((threshold) => ({ threshold })),
    );
    fc.assert(
      fc.property(
        mix(fc.double({ min: 0, max: 1, noNaN: true })),
        bag,
        fc.array(contexts),
        (ratio, opts, ctxs) => {
          const threshold = isBag(opts)
            ? (opts as { threshold?: unknown } | undefined)?.threshold
            : 0;
          const invalids: Invalid[] = [];
          if (!inRange(0, 1, { minOpen: true })(ratio)) invalids.push(invalid('ratio', ratio));
          if (!isBag(opts)) invalids.push(invalid('options', opts, 'type'));
          else if (!finitePositive(threshold)) invalids.push(invalid('threshold', threshold));
          check(
            invalids,
            () => new SlowRate(ratio as number, opts as { threshold: number }),
            (tripper) => {
              expect(tripper.slowThresholds()).toEqual([threshold]);
              for (const c of ctxs) {
                const rate = c.metric.slowRate(threshold as number);
                expect(tripper.shouldTrip(c)).toBe(rate !== undefined && rate >= (ratio as number));
              }
            },
          );
        },
      ),
      params,
    );
    expectBoth();
  });

  it('Closed() and HalfOpened() ignore whatever they are given', () => {
    fc.assert(
      fc.property(fc.array(odd, { maxLength: 3 }), fc.array(contexts), (args, ctxs) => {
        type Ctor = new (...a: unknown[]) => Closed;
        const closed = new (Closed as unknown as Ctor)(...args);
        const halfOpened = new (HalfOpened as unknown as Ctor)(...args);
        for (const c of ctxs) {
          expect(closed.shouldTrip(c)).toBe(c.state === 'closed');
          expect(halfOpened.shouldTrip(c)).toBe(c.state === 'half_open');
        }
      }),
      params,
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Retries
// ---------------------------------------------------------------------------------------------

/** The callbacks this test wrote: the others (from the odd values) are a user's own. */
const WELL_BEHAVED = new WeakSet<object>();
/** A well-behaved random source, returning the given values in turn. */
const cycle = (values: readonly number[]): (() => number) => {
  let i = 0;
  const random = (): number => values[i++ % values.length]!;
  WELL_BEHAVED.add(random);
  return random;
};
/** Whether a callback option is absent or one of ours, so the component may be exercised with it. */
const ours = (callback: unknown): boolean =>
  callback === undefined || WELL_BEHAVED.has(callback as object);
const draws = fc.array(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), {
  minLength: 1,
  maxLength: 5,
});
const REOPENS = [0, 1, 2, 5, 30, 1_100, 1e6];

describe('fuzzed constructor arguments: retries', () => {
  it('Cooldown(duration, { jitterRatio, random })', () => {
    fc.assert(
      fc.property(
        mix(fc.integer({ min: 1, max: 600_000 })),
        fc.oneof(
          odd,
          fc.record(
            {
              jitterRatio: mostly(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true })),
              random: mostly(draws.map(cycle)),
            },
            { requiredKeys: [] },
          ),
        ),
        (duration, opts) => {
          const o = (isBag(opts) ? (opts ?? {}) : {}) as {
            jitterRatio?: unknown;
            random?: unknown;
          };
          const jitterRatio = o.jitterRatio === undefined ? 0 : o.jitterRatio;
          const invalids: Invalid[] = [];
          if (!finitePositive(duration)) invalids.push(invalid('duration', duration));
          if (!isBag(opts)) invalids.push(invalid('options', opts, 'type'));
          else {
            if (!inRange(0, 1, { maxOpen: true })(jitterRatio))
              invalids.push(invalid('jitterRatio', jitterRatio));
            if (o.random !== undefined && !isFunction(o.random))
              invalids.push(invalid('random', o.random, 'type'));
          }
          check(
            invalids,
            () => new Cooldown(duration as number, opts as { jitterRatio?: number }),
            (retry) => {
              expect(retry.duration).toBe(duration);
              expect(retry.jitterRatio).toBe(jitterRatio);
              const j = jitterRatio as number;
              if (j > 0 && !ours(o.random)) return; // a user's own random
              for (const reopens of REOPENS) {
                const d = retry.delay({ reopens });
                expect(d).toBeGreaterThanOrEqual((duration as number) * (1 - j));
                expect(d).toBeLessThanOrEqual((duration as number) * (1 + j));
              }
            },
          );
        },
      ),
      params,
    );
    expectBoth();
  });
});

describe('fuzzed constructor arguments: more retries', () => {
  it('Backoff({ initial, multiplier, maxDuration, jitterRatio, random })', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          { weight: 1, arbitrary: odd },
          {
            weight: 4,
            arbitrary: fc.record(
              {
                initial: mostly(fc.integer({ min: 1, max: 100_000 })),
                multiplier: mostly(fc.constantFrom(1, 1.5, 2, 3, 10)),
                maxDuration: mostly(fc.integer({ min: 1, max: 1_000_000 })),
                jitterRatio: mostly(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true })),
                random: mostly(draws.map(cycle)),
              },
              { requiredKeys: [] },
            ),
          },
        ),
        (opts) => {
          const o = (isBag(opts) ? (opts ?? {}) : {}) as Record<string, unknown>;
          const { initial, multiplier = 2, maxDuration, jitterRatio = 0, random } = o;
          const invalids: Invalid[] = [];
          if (!isBag(opts)) invalids.push(invalid('options', opts, 'type'));
          else {
            if (!finitePositive(initial)) invalids.push(invalid('initial', initial));
            if (!finiteAtLeast(1)(multiplier)) invalids.push(invalid('multiplier', multiplier));
            if (finitePositive(initial)) {
              if (maxDuration === undefined) {
                if ((initial as number) > 300_000)
                  invalids.push(invalid('maxDuration', 300_000, 'range'));
              } else if (!finiteAtLeast(initial as number)(maxDuration)) {
                invalids.push(invalid('maxDuration', maxDuration));
              }
            } else if (maxDuration !== undefined && !finitePositive(maxDuration)) {
              invalids.push(invalid('maxDuration', maxDuration));
            }
            if (!inRange(0, 1, { maxOpen: true })(jitterRatio))
              invalids.push(invalid('jitterRatio', jitterRatio));
            if (random !== undefined && !isFunction(random))
              invalids.push(invalid('random', random, 'type'));
          }
          check(
            invalids,
            () => new Backoff(opts as { initial: number }),
            (retry) => {
              const max = (maxDuration ?? 300_000) as number;
              expect([retry.initial, retry.multiplier, retry.maxDuration]).toEqual([
                initial,
                multiplier,
                max,
              ]);
              const j = jitterRatio as number;
              if (j > 0 && !ours(random)) return; // a user's own random
              for (const reopens of REOPENS) {
                const wait = Math.min((initial as number) * (multiplier as number) ** reopens, max);
                const d = retry.delay({ reopens });
                expect(Number.isFinite(d)).toBe(true);
                expect(d).toBeGreaterThanOrEqual(wait * (1 - j));
                expect(d).toBeLessThanOrEqual(wait * (1 + j));
              }
            },
          );
        },
      ),
      params,
    );
    expectBoth();
  });

  it('Always() and Never() ignore whatever they are given', () => {
    fc.assert(
      fc.property(fc.array(odd, { maxLength: 3 }), (args) => {
        type Ctor = new (...a: unknown[]) => Always;
        for (const reopens of REOPENS) {
          expect(new (Always as unknown as Ctor)(...args).delay({ reopens })).toBe(0);
          expect(new (Never as unknown as Ctor)(...args).delay({ reopens })).toBe(Infinity);
        }
      }),
      params,
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Permits
// ---------------------------------------------------------------------------------------------

describe('fuzzed constructor arguments: permits', () => {
  it('Random(ratio, { random })', () => {
    fc.assert(
      fc.property(
        mix(fc.double({ min: 0, max: 1, noNaN: true })),
        fc.oneof(odd, fc.record({ random: mostly(draws.map(cycle)) }, { requiredKeys: [] })),
        draws,
        (ratio, opts, values) => {
          const random = isBag(opts)
            ? (opts as { random?: unknown } | undefined)?.random
            : undefined;
          const invalids: Invalid[] = [];
          if (!inRange(0, 1)(ratio)) invalids.push(invalid('ratio', ratio));
          if (!isBag(opts)) invalids.push(invalid('options', opts, 'type'));
          else if (random !== undefined && !isFunction(random))
            invalids.push(invalid('random', random, 'type'));
          check(
            invalids,
            () => new Random(ratio as number, opts as { random?: () => number }),
            (permit) => {
              expect(permit.ratio).toBe(ratio);
              if (!ours(random)) return;
              const p =
                random === undefined
                  ? permit
                  : new Random(ratio as number, { random: cycle(values) });
              const next = cycle(values);
              for (let i = 0; i < 10; i++) {
                const allowed = p.allows({ changedAt: 0, now: i });
                if (random === undefined) expect(typeof allowed).toBe('boolean');
                else expect(allowed).toBe(next() < (ratio as number));
              }
            },
          );
        },
      ),
      params,
    );
    expectBoth();
  });

  it('RampUp({ initial, final, duration, random })', () => {
    const share = fc.double({ min: 0, max: 1, noNaN: true });
    fc.assert(
      fc.property(
        fc.oneof(
          { weight: 1, arbitrary: odd },
          {
            weight: 4,
            arbitrary: fc.record(
              {
                initial: mostly(share),
                final: mostly(share),
                duration: mostly(fc.integer({ min: 1, max: 100_000 })),
                random: mostly(draws.map(cycle)),
              },
              { requiredKeys: ['initial', 'final', 'duration'] },
            ),
          },
        ),
        fc.array(fc.integer({ min: -1_000, max: 200_000 }), { maxLength: 10 }),
        (opts, nows) => {
          const o = (isBag(opts) ? (opts ?? {}) : {}) as Record<string, unknown>;
          const { initial, final, duration, random } = o;
          const invalids: Invalid[] = [];
          if (!isBag(opts)) invalids.push(invalid('options', opts, 'type'));
          else {
            const initialOk = inRange(0, 1, { minOpen: true })(initial);
            if (!initialOk) invalids.push(invalid('initial', initial));
            if (!inRange(initialOk ? (initial as number) : 0, 1)(final))
              invalids.push(invalid('final', final));
            if (!finitePositive(duration)) invalids.push(invalid('duration', duration));
            if (random !== undefined && !isFunction(random))
              invalids.push(invalid('random', random, 'type'));
          }
          check(
            invalids,
            () => new RampUp(opts as { initial: number; final: number; duration: number }),
            (permit) => {
              let previous = -Infinity;
              for (const now of [...nows].sort((a, b) => a - b)) {
                const r = permit.ratioAt({ changedAt: 0, now });
                expect(r).toBeGreaterThanOrEqual(initial as number);
                expect(r).toBeLessThanOrEqual(final as number);
                expect(r).toBeGreaterThanOrEqual(previous);
                previous = r;
                if (ours(random))
                  expect(typeof permit.allows({ changedAt: 0, now })).toBe('boolean');
              }
            },
          );
        },
      ),
      params,
    );
    expectBoth();
  });

  it('All() ignores whatever it is given', () => {
    fc.assert(
      fc.property(fc.array(odd, { maxLength: 3 }), (args) => {
        const permit = new (AllPermit as unknown as new (...a: unknown[]) => AllPermit)(...args);
        expect(permit.allows({ changedAt: 0, now: 1 })).toBe(true);
      }),
      params,
    );
  });
});

// ---------------------------------------------------------------------------------------------
// The breakers
// ---------------------------------------------------------------------------------------------

const isComponent = (v: unknown, methods: readonly string[]): boolean =>
  typeof v === 'object' &&
  v !== null &&
  !isRevoked(v) &&
  methods.every((m) => typeof (v as Record<string, unknown>)[m] === 'function');
const isListener = (v: unknown): boolean =>
  typeof v === 'function' ||
  (typeof v === 'object' &&
    v !== null &&
    !isRevoked(v) &&
    typeof (v as { onTransition?: unknown }).onTransition === 'function');

const goodListener = fc.constantFrom<unknown>(
  () => undefined,
  { onTransition: () => undefined },
  { onTransition: () => Promise.resolve(), onCall: () => undefined },
);

/** Each option: mostly odd values, sometimes a valid one (a fresh component each time). */
const breakerOptions = fc.record(
  {
    name: mostly(fc.string({ minLength: 1, maxLength: 20 }), 9),
    window: mostly(
      fc.constant(null).map(() => new CountWindow(5)),
      9,
    ),
    tracker: mostly(
      fc.constant(null).map(() => new All()),
      9,
    ),
    tripper: mostly(
      fc.constant(null).map(() => new FailureStreak(2)),
      9,
    ),
    retry: mostly(
      fc.constant(null).map(() => new Cooldown(100)),
      9,
    ),
    permit: mostly(
      fc.constant(null).map(() => new AllPermit()),
      9,
    ),
    closeAfter: mostly(fc.integer({ min: 1, max: 3 }), 9),
    isFailureResult: mostly(
      fc.constant((r: unknown) => r === 'bad'),
      9,
    ),
    listeners: mostly(fc.array(mostly(goodListener), { maxLength: 3 }), 9),
    onListenerError: mostly(
      fc.constant(() => undefined),
      9,
    ),
    clock: mostly(
      fc.constant(null).map(() => new FakeClock()),
      9,
    ),
    maxHalfOpenCalls: mostly(fc.integer({ min: 1, max: 5 }), 9),
    halfOpenTimeout: mostly(fc.oneof(fc.integer({ min: 1, max: 1_000 }), fc.constant(Infinity)), 9),
  },
  { requiredKeys: [] },
);

function breakerInvalids(options: unknown, isAsync: boolean): Invalid[] {
  if (options === undefined) return [invalid('name', undefined, 'type')];
  if (typeof options !== 'object' || options === null) return [invalid('options', options, 'type')];
  if (isRevoked(options)) return [invalid('options', options, 'type')];
  const o = options as Record<string, unknown>;
  const out: Invalid[] = [];
  if (typeof o.name !== 'string') out.push(invalid('name', o.name, 'type'));
  else if (o.name === '') out.push(invalid('name', o.name, 'range'));
  const components: [string, readonly string[]][] = [
    ['window', ['record', 'metric', 'reset']],
    ['tracker', ['isFailure']],
    ['tripper', ['shouldTrip']],
    ['retry', ['delay']],
    ['permit', ['allows']],
    ['clock', ['now']],
  ];
  for (const [key, methods] of components) {
    if (o[key] !== undefined && !isComponent(o[key], methods))
      out.push(invalid(key, o[key], 'type'));
  }
  if (o.closeAfter !== undefined && !integerAtLeast(1)(o.closeAfter))
    out.push(invalid('closeAfter', o.closeAfter));
  for (const key of ['isFailureResult', 'onListenerError']) {
    if (o[key] !== undefined && !isFunction(o[key])) out.push(invalid(key, o[key], 'type'));
  }
  if (o.listeners !== undefined) {
    if (!Array.isArray(o.listeners) || isRevoked(o.listeners))
      out.push(invalid('listeners', o.listeners, 'type'));
    else
      (o.listeners as unknown[]).forEach((l, i) => {
        if (!isListener(l)) out.push(invalid(`listeners[${i}]`, l, 'type'));
      });
  }
  if (isAsync) {
    if (o.maxHalfOpenCalls !== undefined && !integerAtLeast(1)(o.maxHalfOpenCalls))
      out.push(invalid('maxHalfOpenCalls', o.maxHalfOpenCalls));
    if (o.halfOpenTimeout !== undefined && !(isNumber(o.halfOpenTimeout) && o.halfOpenTimeout > 0))
      out.push(invalid('halfOpenTimeout', o.halfOpenTimeout));
  }
  return out;
}

/** After some calls, the breaker is in a sane, consistent state. */
function expectSane(breaker: CircuitBreaker | AsyncCircuitBreaker, name: unknown): void {
  const info = breaker.info();
  expect(info.name).toBe(name);
  expect(State.ALL).toContain(info.state);
  expect(info.state).toBe(breaker.state);
  expect(Number.isNaN(info.changedAt)).toBe(false);
  expect(info.retryAt === undefined || !Number.isNaN(info.retryAt)).toBe(true);
  expect(Number.isInteger(info.metrics.totalCount) && info.metrics.totalCount >= 0).toBe(true);
  expect(Number.isInteger(info.reopens) && info.reopens >= 0).toBe(true);
}

/** A call's error is the guarded function's own, the breaker's refusal, or a user callback's. */
function expectKnown(error: unknown, own: unknown): void {
  if (error === own || CallNotPermittedError.is(error)) return;
  // A user's `isFailureResult` (a class, say) may throw: the call then fails with its error.
  expect(error).toBeInstanceOf(Error);
}

describe('fuzzed options: the breakers', () => {
  it('CircuitBreaker(options)', () => {
    fc.assert(
      fc.property(
        fc.oneof({ weight: 1, arbitrary: odd }, { weight: 6, arbitrary: breakerOptions }),
        (options) => {
          check(
            breakerInvalids(options, false),
            () => new CircuitBreaker(options as { name: string }),
            (breaker) => {
              const own = new Error('own');
              for (let i = 0; i < 12; i++) {
                try {
                  const value = breaker.call(() => {
                    if (i % 3 === 1) throw own;
                    return i % 4 === 0 ? 'bad' : 'good';
                  });
                  expect(['good', 'bad']).toContain(value);
                } catch (error) {
                  expectKnown(error, own);
                }
                if (i === 6) breaker.reset();
              }
              expectSane(breaker, (options as { name: unknown }).name);
            },
          );
        },
      ),
      params,
    );
    expectBoth();
  });

  it('AsyncCircuitBreaker(options)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof({ weight: 1, arbitrary: odd }, { weight: 6, arbitrary: breakerOptions }),
        async (options) => {
          let built: AsyncCircuitBreaker | undefined;
          check(
            breakerInvalids(options, true),
            () => new AsyncCircuitBreaker(options as { name: string }),
            (breaker) => void (built = breaker),
          );
          if (built === undefined) return;
          const breaker = built;
          const own = new Error('own');
          const calls = Array.from({ length: 12 }, (_, i) =>
            breaker
              .call(async () => {
                await Promise.resolve();
                if (i % 3 === 1) throw own;
                return i % 4 === 0 ? 'bad' : 'good';
              })
              .then(
                (value) => expect(['good', 'bad']).toContain(value),
                (error: unknown) => expectKnown(error, own),
              ),
          );
          await Promise.all(calls);
          breaker.forceOpen();
          await expect(breaker.call(() => 1)).rejects.toBeInstanceOf(CallNotPermittedError);
          breaker.reset();
          expectSane(breaker, (options as { name: unknown }).name);
          await breaker.flush();
        },
      ),
      params,
    );
    expectBoth();
  });
});

// ---------------------------------------------------------------------------------------------
// LogListener and CallNotPermittedError
// ---------------------------------------------------------------------------------------------

const LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];
function recordingLogger(): { lines: [LogLevel, string][] } & Record<
  LogLevel,
  (m: string) => void
> {
  const lines: [LogLevel, string][] = [];
  const logger = { lines } as { lines: [LogLevel, string][] } & Record<
    LogLevel,
    (m: string) => void
  >;
  for (const level of LEVELS) logger[level] = (m: string) => void lines.push([level, m]);
  return logger;
}

function signal(name: string, oldState: State, newState: State): Signal {
  return {
    circuitName: name,
    oldState,
    newState,
    timestamp: 0,
    metric: new CountWindow(1).metric(0),
  };
}

describe('fuzzed constructor arguments: LogListener and CallNotPermittedError', () => {
  it('LogListener({ logger, levels })', () => {
    const levels = fc.oneof(
      odd,
      fc.dictionary(
        fc.oneof(fc.constantFrom<string>(...State.ALL), fc.constantFrom('opened', '0', 'valueOf')),
        fc.oneof(fc.constantFrom<unknown>(...LEVELS, undefined), odd),
        { maxKeys: 4 },
      ),
    );
    fc.assert(
      fc.property(
        fc.oneof(
          { weight: 1, arbitrary: odd },
          {
            weight: 4,
            arbitrary: fc.record(
              { logger: mostly(fc.constant(null).map(recordingLogger)), levels },
              { requiredKeys: [] },
            ),
          },
        ),
        (options) => {
          const invalids: Invalid[] = [];
          const o = options as { logger?: unknown; levels?: unknown } | undefined;
          if (options !== undefined && (typeof options !== 'object' || options === null)) {
            invalids.push(invalid('options', options, 'type'));
          } else if (isRevoked(options)) {
            invalids.push(invalid('options', options, 'type'));
          } else {
            const logger = o?.logger;
            if (logger !== undefined && !isComponent(logger, LEVELS))
              invalids.push(invalid('logger', logger, 'type'));
            const lv = o?.levels;
            if (lv !== undefined && lv !== null) {
              if (typeof lv !== 'object' || isRevoked(lv))
                invalids.push(invalid('levels', lv, 'type'));
              else
                for (const [state, level] of Object.entries(lv)) {
                  if (!(State.ALL as readonly string[]).includes(state))
                    invalids.push(invalid('levels', state, 'range'));
                  else if (level !== undefined && !(LEVELS as readonly unknown[]).includes(level))
                    invalids.push(invalid(`levels.${state}`, level, 'type'));
                }
            }
          }
          check(
            invalids,
            () => new LogListener(options as { logger?: never }),
            (listener) => {
              const logger = o?.logger as ReturnType<typeof recordingLogger> | undefined;
              if (logger === undefined) return; // console: not exercised here
              const merged = { ...DEFAULT_LEVELS };
              for (const [state, level] of Object.entries((o?.levels ?? {}) as object)) {
                if (level !== undefined) merged[state as State] = level as LogLevel;
              }
              for (const to of State.ALL) {
                listener.onTransition(signal('fuzz', 'closed', to));
                expect(logger.lines.at(-1)).toEqual([
                  merged[to],
                  `Circuit breaker 'fuzz' transitioned from closed to ${to}`,
                ]);
              }
              expect(logger.lines).toHaveLength(State.ALL.length);
            },
          );
        },
      ),
      params,
    );
    expectBoth();
  });

  it('CallNotPermittedError(circuitName, state, retryAfter)', () => {
    fc.assert(
      fc.property(
        mix(fc.string({ maxLength: 30 })),
        mix(fc.constantFrom<unknown>(...State.ALL, 'opened')),
        fc.oneof(
          fc.constant(undefined),
          mix(fc.oneof(fc.double({ min: 0, max: 1e9, noNaN: true }), fc.constant(Infinity))),
        ),
        (circuitName, state, retryAfter) => {
          const invalids: Invalid[] = [];
          if (typeof circuitName !== 'string')
            invalids.push(invalid('circuitName', circuitName, 'type'));
          if (typeof state !== 'string') invalids.push(invalid('state', state, 'type'));
          else if (!(State.ALL as readonly string[]).includes(state))
            invalids.push(invalid('state', state, 'range'));
          if (retryAfter !== undefined && !(isNumber(retryAfter) && retryAfter >= 0))
            invalids.push(invalid('retryAfter', retryAfter));
          check(
            invalids,
            () =>
              new CallNotPermittedError(
                circuitName as string,
                state as State,
                retryAfter as number,
              ),
            (error) => {
              const base = `Circuit breaker '${circuitName as string}' is ${state as string}; call not permitted`;
              const r = retryAfter as number | undefined;
              expect(error.message).toBe(
                r === undefined
                  ? base
                  : r === Infinity
                    ? `${base} until a manual reset`
                    : `${base}, retry after ${Math.ceil(r)} ms`,
              );
              expect(error.name).toBe('CallNotPermittedError');
              expect(error.circuitName).toBe(circuitName);
              expect(error.state).toBe(state);
              expect(error.retryAfter).toBe(retryAfter);
              expect(CallNotPermittedError.is(error)).toBe(true);
              expect(error).toBeInstanceOf(Error);
            },
          );
        },
      ),
      params,
    );
    expectBoth();
  });
});

// ---------------------------------------------------------------------------------------------
// Circuit names
// ---------------------------------------------------------------------------------------------

const NAMES: readonly string[] = [
  "it's",
  '"double"',
  '`back`${x}',
  "'; DROP TABLE circuits; --",
  'line\nbreak',
  'crlf\r\nend',
  'tab\there',
  '\u0000nul',
  '\u2028\u2029',
  'emoji 💥🔥👩‍👩‍👧',
  'RTL \u202Eevil',
  'combining e\u0301\u0301',
  'lone \uD800 surrogate \uDFFF',
  '\\backslash\\',
  '%s %d %o',
  '{{template}}',
  '<script>alert(1)</script>',
  'x'.repeat(1_000_000),
  ' ',
];

describe('circuit names survive exactly', () => {
  async function names(name: string): Promise<void> {
    const logger = recordingLogger();
    const clock = new FakeClock();
    const seen: Signal[] = [];
    const breaker = new AsyncCircuitBreaker({
      name,
      clock,
      tripper: new FailureStreak(1),
      retry: new Cooldown(1_500),
      listeners: [new LogListener({ logger }), (s: Signal) => void seen.push(s)],
    });
    expect(breaker.name).toBe(name);
    expect(breaker.info().name).toBe(name);
    await expect(breaker.call(() => Promise.reject(new Error('down')))).rejects.toThrow('down');
    const open = await breaker.call(() => 1).catch((e: unknown) => e);
    expect(CallNotPermittedError.is(open)).toBe(true);
    expect((open as CallNotPermittedError).message).toBe(
      `Circuit breaker '${name}' is open; call not permitted, retry after 1500 ms`,
    );
    expect((open as CallNotPermittedError).circuitName).toBe(name);
    breaker.forceOpen();
    const forced = await breaker.call(() => 1).catch((e: unknown) => e);
    expect((forced as CallNotPermittedError).message).toBe(
      `Circuit breaker '${name}' is forced_open; call not permitted`,
    );
    // LogListener escapes what could break its line (support/log-line.ts); the rest is exact.
    expect(logger.lines).toEqual([
      ['warn', `Circuit breaker '${loggedName(name)}' transitioned from closed to open`],
      ['warn', `Circuit breaker '${loggedName(name)}' transitioned from open to forced_open`],
    ]);
    expect(logger.lines.map(([, line]) => parseLogLine(line).name)).toEqual([name, name]);
    expect(seen.map((s) => s.circuitName)).toEqual([name, name]);

    // The sync breaker and the default onListenerError line name it too.
    const errors = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const sync = new CircuitBreaker({
        name,
        listeners: [
          function failing() {
            throw new Error('boom');
          },
        ],
      });
      sync.forceOpen();
      expect(errors).toHaveBeenCalledTimes(1);
      expect(errors.mock.calls[0]![0]).toBe(
        `fluxgate: listener failing of circuit breaker '${loggedName(name)}' failed: Error: boom`,
      );
      const e = (() => {
        try {
          sync.call(() => 1);
        } catch (error) {
          return error as CallNotPermittedError;
        }
        throw new Error('not refused');
      })();
      expect(e.message).toBe(`Circuit breaker '${name}' is forced_open; call not permitted`);
    } finally {
      errors.mockRestore();
    }
  }

  it.each(
    NAMES.map((n) => [
      n.length > 40 ? `${n.slice(0, 20)}… (${n.length} chars)` : JSON.stringify(n),
      n,
    ]),
  )('%s', async (_label, name) => {
    await names(name);
  });

  it('any Unicode string', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'binary', minLength: 1, maxLength: 60 }), names),
      { numRuns: 100, ...replay() },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Revoked proxies
// ---------------------------------------------------------------------------------------------

/**
 * A revoked proxy throws a TypeError on every operation but `typeof`. Where fluxgate only checks a
 * value's type, the error must still name the parameter; where it has to look inside the value (an
 * options bag, a component, a logger, `levels`, the listeners array), the engine's own TypeError
 * ("Cannot perform 'get' on a proxy that has been revoked") is as clear, and accepted.
 */
describe('revoked proxies', () => {
  const R = revoked.proxy as never;
  const RF = revokedFunction.proxy as never;
  const named: [string, () => unknown][] = [
    ['size', () => new CountWindow(R)],
    ['size', () => new TimeWindow(R)],
    ['bucket', () => new TimeWindow(1_000, { bucket: R })],
    ['errorTypes[0]', () => new TypeOf(R)],
    ['errorTypes[1]', () => new TypeOf(Error, RF)],
    ['predicate', () => new Custom(R)],
    ['count', () => new MinRequests(R)],
    ['count', () => new FailureStreak(R)],
    ['ratio', () => new FailureRate(R)],
    ['threshold', () => new AvgLatency(R)],
    ['ratio', () => new SlowRate(R, { threshold: 1 })],
    ['threshold', () => new SlowRate(0.5, { threshold: R })],
    ['duration', () => new Cooldown(R)],
    ['jitterRatio', () => new Cooldown(1, { jitterRatio: R })],
    ['random', () => new Cooldown(1, { random: R })],
    ['initial', () => new Backoff({ initial: R })],
    ['multiplier', () => new Backoff({ initial: 1, multiplier: R })],
    ['maxDuration', () => new Backoff({ initial: 1, maxDuration: R })],
    ['jitterRatio', () => new Backoff({ initial: 1, jitterRatio: R })],
    ['random', () => new Backoff({ initial: 1, random: R })],
    ['ratio', () => new Random(R)],
    ['random', () => new Random(0.5, { random: R })],
    ['initial', () => new RampUp({ initial: R, final: 1, duration: 1 })],
    ['final', () => new RampUp({ initial: 0.5, final: R, duration: 1 })],
    ['duration', () => new RampUp({ initial: 0.5, final: 1, duration: R })],
    ['random', () => new RampUp({ initial: 0.5, final: 1, duration: 1, random: R })],
    ['name', () => new CircuitBreaker({ name: R })],
    ['closeAfter', () => new CircuitBreaker({ name: 'a', closeAfter: R })],
    ['isFailureResult', () => new CircuitBreaker({ name: 'a', isFailureResult: R })],
    ['onListenerError', () => new CircuitBreaker({ name: 'a', onListenerError: R })],
    ['maxHalfOpenCalls', () => new AsyncCircuitBreaker({ name: 'a', maxHalfOpenCalls: R })],
    ['halfOpenTimeout', () => new AsyncCircuitBreaker({ name: 'a', halfOpenTimeout: R })],
    ['circuitName', () => new CallNotPermittedError(R, 'open')],
    ['state', () => new CallNotPermittedError('a', R)],
    ['retryAfter', () => new CallNotPermittedError('a', 'open', R)],
  ];
  it.each(named)('as a value, a TypeError names %s', (name, build) => {
    expect(build).toThrow(TypeError);
    expect(build).toThrow(new RegExp(`^${name.replace(/[[\]]/g, '\\$&')} `));
  });

  const inside: [string, () => unknown][] = [
    ['TimeWindow options', () => new TimeWindow(1_000, R)],
    ['SlowRate options', () => new SlowRate(0.5, R)],
    ['Cooldown options', () => new Cooldown(1, R)],
    ['Backoff options', () => new Backoff(R)],
    ['Random options', () => new Random(0.5, R)],
    ['RampUp options', () => new RampUp(R)],
    ['CircuitBreaker options', () => new CircuitBreaker(R)],
    ['AsyncCircuitBreaker options', () => new AsyncCircuitBreaker(R)],
    ['window', () => new CircuitBreaker({ name: 'a', window: R })],
    ['tracker', () => new CircuitBreaker({ name: 'a', tracker: R })],
    ['tripper', () => new CircuitBreaker({ name: 'a', tripper: R })],
    ['retry', () => new CircuitBreaker({ name: 'a', retry: R })],
    ['permit', () => new CircuitBreaker({ name: 'a', permit: R })],
    ['clock', () => new CircuitBreaker({ name: 'a', clock: R })],
    ['listeners', () => new CircuitBreaker({ name: 'a', listeners: R })],
    ['listeners[0]', () => new CircuitBreaker({ name: 'a', listeners: [R] })],
    ['LogListener options', () => new LogListener(R)],
    ['logger', () => new LogListener({ logger: R })],
    ['levels', () => new LogListener({ levels: R })],
  ];
  it.each(inside)('inside %s, a TypeError', (_where, build) => {
    expect(build).toThrow(TypeError);
  });

  it('a revoked function is a function: accepted where a callback is, failing only when called', () => {
    const tracker = new Custom(RF);
    expect(() => tracker.isFailure(new Error('x'))).toThrow(TypeError);
    // A listener that fails when called never breaks a call.
    const errors: unknown[] = [];
    const breaker = new CircuitBreaker({
      name: 'a',
      listeners: [RF],
      onListenerError: (e) => void errors.push(e),
    });
    breaker.forceOpen();
    expect(errors).toHaveLength(1);
    expect(breaker.state).toBe('forced_open');
  });
});
