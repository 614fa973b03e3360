/**
 * Behaviours of the windows and trippers that a mutation run of @fluxgate/core left unchecked by
 * the tests it runs per mutant: each test pins one, grouped by the source file that implements
 * it. The breaker's fast paths hang on two internal predicates, `isPure` and `isBuiltIn`; a wrong
 * answer there only makes the breaker slower, so they are tested directly.
 */
import { CircuitBreaker, State, type Metric } from '@fluxgate/core';
import { All } from '@fluxgate/core/permits';
import { Always } from '@fluxgate/core/retries';
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
import { CountWindow, TimeWindow, Window } from '@fluxgate/core/windows';
import { isPure } from '../../src/trippers/tripper';
import { isBuiltIn } from '../../src/windows/totals';
import { FakeClock } from '../support/fake-clock';
import { thrownBy } from '../support/validation';

type CallRecord = Parameters<Window['record']>[0];

function call(duration: number, slowAt: readonly number[] = [], timestamp = 0): CallRecord {
  return { success: true, duration, timestamp, slowAt };
}

/** A tripper of the user's own: it may keep the context it is given. */
class Never extends Tripper {
  shouldTrip(_ctx: TripContext): boolean {
    return false;
  }
}

type TypedArrayName = 'Float64Array' | 'Uint8Array';

/** Runs `run` with the global typed array constructor `name` replaced by `make(real)`. */
function withTypedArray<N extends TypedArrayName>(
  name: N,
  make: (real: (typeof globalThis)[N]) => (typeof globalThis)[N],
  run: () => void,
): void {
  const real = globalThis[name];
  globalThis[name] = make(real);
  try {
    run();
  } finally {
    globalThis[name] = real;
  }
}

/** Counts the typed arrays of type `name` that `run` allocates. */
function allocations(name: TypedArrayName, run: () => void): number {
  let made = 0;
  withTypedArray(
    name,
    (Real) =>
      class extends Real {
        constructor(length: number) {
          super(length);
          made++;
        }
      } as typeof Real,
    run,
  );
  return made;
}

const builtIns: ReadonlyArray<[string, () => Tripper]> = [
  ['Closed', () => new Closed()],
  ['HalfOpened', () => new HalfOpened()],
  ['MinRequests', () => new MinRequests(5)],
  ['FailureRate', () => new FailureRate(0.5)],
  ['AvgLatency', () => new AvgLatency(100)],
  ['SlowRate', () => new SlowRate(0.5, { threshold: 100 })],
  ['FailureStreak', () => new FailureStreak(3)],
];

describe('trippers/tripper.ts', () => {
  describe('isPure', () => {
    it.each(builtIns)('is true for a %s', (_name, make) => {
      expect(isPure(make())).toBe(true);
    });

    it.each(['and', 'or'] as const)('is true for built-ins combined with %s', (combine) => {
      const tripper = new MinRequests(5)[combine](new FailureRate(0.5));
      expect(isPure(tripper)).toBe(true);
      expect(isPure(tripper[combine](new FailureStreak(3)))).toBe(true);
    });

    it.each(['and', 'or'] as const)(
      'is false when %s combines a custom tripper on either side',
      (combine) => {
        expect(isPure(new Never()[combine](new FailureRate(0.5)))).toBe(false);
        expect(isPure(new FailureRate(0.5)[combine](new Never()))).toBe(false);
        expect(isPure(new Never()[combine](new Never()))).toBe(false);
      },
    );

    it('is false for a custom tripper', () => {
      expect(isPure(new Never())).toBe(false);
    });

    it('is false for subclasses of the built-in trippers, which may keep their context', () => {
      class Remembering extends FailureRate {
        override shouldTrip(ctx: TripContext): boolean {
          return super.shouldTrip(ctx);
        }
      }
      class Plain extends Closed {}
      class Slow extends SlowRate {}
      expect(isPure(new Remembering(0.5))).toBe(false);
      expect(isPure(new Plain())).toBe(false);
      expect(isPure(new Slow(0.5, { threshold: 100 }))).toBe(false);
      expect(isPure(new MinRequests(5).and(new Plain()))).toBe(false);
      expect(isPure(new Plain().or(new MinRequests(5)))).toBe(false);
    });
  });

  describe('slowThresholds of a composite', () => {
    it('hands back the left list itself when neither side counts slow calls', () => {
      const none: readonly number[] = Object.freeze([]);
      class NoThresholds extends Never {
        override slowThresholds(): readonly number[] {
          return none;
        }
      }
      expect(new NoThresholds().and(new NoThresholds()).slowThresholds()).toBe(none);
      expect(new NoThresholds().or(new MinRequests(5)).slowThresholds()).toBe(none);
    });
  });
});

describe('windows/totals.ts', () => {
  describe('isBuiltIn', () => {
    it('is true for a CountWindow and a TimeWindow', () => {
      expect(isBuiltIn(new CountWindow(3))).toBe(true);
      expect(isBuiltIn(new TimeWindow(10_000))).toBe(true);
    });

    it('is false for their subclasses and for a window of your own', () => {
      class Counting extends CountWindow {}
      class Timed extends TimeWindow {}
      class Empty extends Window {
        record(): void {}
        metric(): Metric {
          return new CountWindow(1).metric(0);
        }
        reset(): void {}
      }
      expect(isBuiltIn(new Counting(3))).toBe(false);
      expect(isBuiltIn(new Timed(10_000))).toBe(false);
      expect(isBuiltIn(new Empty())).toBe(false);
    });
  });

  describe('compensated duration sum', () => {
    // Whole durations below 2^20 are summed apart, exactly (see Totals): these tests use
    // fractional ones, which go through the compensated sum.
    it('keeps what a large duration after a small one rounds away: 0.5, 1e16, then zeros total 0', () => {
      const window = new CountWindow(2);
      for (const duration of [0.5, 1e16, 0, 0]) window.record(call(duration));
      expect(window.metric(0).totalDuration).toBe(0);
    });

    // A call replacing another moves its share between the exact whole sum and the compensated
    // one: a difference taken in plain arithmetic would round.
    it.each([
      ['a whole duration replaces a long one: 1e16, then 3', 1, [1e16, 3], 3],
      ['a long duration replaces a whole one: 1, then 2^53 + 2', 1, [1, 2 ** 53 + 2], 2 ** 53 + 2],
      [
        'fractions replace fractions next to a long one: 0.5, 1e16, 0.25, 0.25',
        2,
        [0.5, 1e16, 0.25, 0.25],
        0.5,
      ],
    ])('%s totals exactly', (_, size, durations, total) => {
      const window = new CountWindow(size);
      for (const duration of durations) window.record(call(duration));
      expect(window.metric(0).totalDuration).toBe(total);
    });

    it('an expired bucket leaves from the part of the sum it went into: 1, then 2^53 + 2 totals exactly', () => {
      const window = new TimeWindow(1_000, { bucket: 1_000 });
      window.record({ success: true, duration: 1, timestamp: 0, slowAt: [] });
      window.record({ success: true, duration: 2 ** 53 + 2, timestamp: 1_000, slowAt: [] });
      expect(window.metric(1_000).totalDuration).toBe(2 ** 53 + 2);
    });

    it('the live average a breaker hands AvgLatency is compensated: 2^52, 0.5, 0.5 average (2^52 + 1) / 3', () => {
      // (2^52 + 1) / 3 rounds to 1501199875790165.75; without the compensation of the two 0.5s
      // the average would be (2^52 - 1) / 3 or 2^52 / 3, below the threshold.
      const threshold = 1_501_199_875_790_165.5;
      expect((2 ** 52 + 1) / 3).toBeGreaterThan(threshold);
      expect(2 ** 52 / 3).toBeLessThan(threshold);
      const clock = new FakeClock(0);
      const window = new CountWindow(3);
      const breaker = new CircuitBreaker({
        name: 'average',
        clock,
        window,
        tripper: new MinRequests(3).and(new AvgLatency(threshold)),
        retry: new Always(),
        permit: new All(),
      });
      for (const duration of [2 ** 52, 0.5, 0.5]) {
        // Each call starts at 0: near 2^52 the clock itself could not tell 0.5 ms apart.
        clock.set(0);
        breaker.call(() => clock.advance(duration));
      }
      expect(breaker.info().state).toBe(State.OPEN);
    });
  });
});

describe('windows/metric-snapshot.ts', () => {
  const message = 'Metric.slowCounts is read-only: it is a snapshot of the window';

  it.each(['set', 'delete', 'clear'] as const)(
    'slowCounts.%s throws a TypeError saying the map is a read-only snapshot',
    (method) => {
      const empty = new CountWindow(2).metric(0).slowCounts as Map<number, number>;
      const window = new CountWindow(2);
      window.record(call(150, [100]));
      const learned = window.metric(0).slowCounts as Map<number, number>;
      for (const map of [empty, learned]) {
        expect(() => map[method](100, 1)).toThrow(new TypeError(message));
        expect(() => map[method](100, 1)).toThrow(TypeError);
      }
      expect([...learned]).toEqual([[100, 1]]);
    },
  );

  it('windows that learned no threshold share one empty slowCounts map', () => {
    const count = new CountWindow(2);
    count.record(call(10));
    const first = count.metric(0).slowCounts;
    expect(count.metric(0).slowCounts).toBe(first);
    expect(new TimeWindow(10_000).metric(0).slowCounts).toBe(first);
  });
});

describe('windows/count-window.ts', () => {
  it('an evicted slow call stops counting for every threshold, so a new slow call counts again', () => {
    const window = new CountWindow(1);
    window.record(call(250, [100, 200]));
    window.record(call(250, [100, 200]));
    expect([...window.metric(0).slowCounts]).toEqual([
      [100, 1],
      [200, 1],
    ]);
  });

  /** A window of 2 whose slots both held a call slow for 100 and 200, then reset. */
  function resetAfterSlowCalls(): CountWindow {
    const window = new CountWindow(2);
    window.record(call(250, [100, 200]));
    window.record(call(250, [100, 200]));
    window.reset();
    return window;
  }

  it('after a reset, the slow flags of the calls before it are not subtracted again', () => {
    const window = resetAfterSlowCalls();
    for (let i = 0; i < 4; i++) window.record(call(10));
    expect([...window.metric(0).slowCounts]).toEqual([
      [100, 0],
      [200, 0],
    ]);
  });

  it('after a reset, a slow call in a slot that held one before counts', () => {
    const window = resetAfterSlowCalls();
    window.record(call(10));
    window.record(call(250, [100, 200]));
    expect([...window.metric(0).slowCounts]).toEqual([
      [100, 1],
      [200, 1],
    ]);
  });

  it('grows its flag table by doubling: learning 16 thresholds allocates it 3 times', () => {
    const window = new CountWindow(10);
    const made = allocations('Uint8Array', () => {
      for (let t = 1; t <= 16; t++) window.record(call(20, [t]));
    });
    expect(made).toBe(3);
    expect(window.metric(0).slowCounts.size).toBe(16);
  });
});

describe('windows/time-window.ts', () => {
  it('accepts a size that is a multiple of bucket up to decimal rounding: 3.3 ms in 0.1 ms buckets', () => {
    expect(new TimeWindow(3.3, { bucket: 0.1 }).size).toBe(3.3);
  });

  it('accepts a rounding error of exactly 4 × EPSILON × size', () => {
    // n = 1 and n × bucket - size = 2^-49 = 4 × EPSILON × 2, exactly.
    expect(new TimeWindow(2, { bucket: 2 + 2 ** -49 }).bucket).toBe(2 + 2 ** -49);
  });

  it.each([
    ['failures', 3],
    ['durations', 4],
    ['epochs', 5],
  ])('names size when its %s buckets cannot be allocated (typed array #%d)', (_column, failing) => {
    let made = 0;
    withTypedArray(
      'Float64Array',
      (Real) =>
        class extends Real {
          constructor(length: number) {
            if (++made === failing) throw new RangeError('Array buffer allocation failed');
            super(length);
          }
        } as typeof Real,
      () => {
        const thrown = thrownBy(() => new TimeWindow(5_000, { bucket: 1_000 }));
        expect(thrown).toBeInstanceOf(RangeError);
        expect((thrown as Error).message).toBe('size is too large to allocate, got 5000');
      },
    );
    expect(made).toBe(failing);
  });

  it('a window emptied bucket by bucket starts its duration sum afresh', () => {
    const window = new TimeWindow(3_000, { bucket: 1_000 });
    // 1.5, not a whole number, goes into the compensated sum with 1e16 and leaves a residue there.
    window.record(call(1e16, [], 0));
    window.record(call(1.5, [], 1_000));
    expect(window.metric(3_000).totalCount).toBe(1);
    window.record(call(0.1, [], 4_000));
    const metric = window.metric(4_000);
    expect(metric.totalCount).toBe(1);
    expect(metric.totalDuration).toBe(0.1);
  });

  it('grows its slow-count table by doubling: learning 16 thresholds allocates it 3 times', () => {
    const window = new TimeWindow(10_000, { bucket: 1_000 });
    const made = allocations('Float64Array', () => {
      for (let t = 1; t <= 16; t++) window.record(call(20, [t]));
    });
    expect(made).toBe(3);
    expect(window.metric(0).slowCounts.size).toBe(16);
  });
});
