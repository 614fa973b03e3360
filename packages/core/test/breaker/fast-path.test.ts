import fc from 'fast-check';
import { CircuitBreaker, type Metric } from '@fluxgate/core';
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
import { CountWindow, TimeWindow, type Window } from '@fluxgate/core/windows';
import { IN_CLOSED } from '../../src/trippers/tripper';
import { Totals } from '../../src/windows/totals';
import { FakeClock } from '../support/fake-clock';
import { RecordingListener } from '../support/recording-listener';

// A breaker whose window is a built-in one and whose tripper is built from the built-in trippers
// alone records through the window's internal entry point and hands the tripper one reused
// context over the window's live totals (see BreakerCore.record). Everything else takes the
// general path: a CallRecord, an immutable snapshot and a fresh context per call. These tests
// pin the two paths to the same behaviour, and the general path to the cases that need it.

const NUM_RUNS = Number(process.env.FC_NUM_RUNS ?? 200);

/** The same tripper behind a subclass: the breaker cannot know that it keeps nothing. */
class Delegating extends Tripper {
  constructor(private readonly inner: Tripper) {
    super();
  }
  shouldTrip(ctx: TripContext): boolean {
    return this.inner.shouldTrip(ctx);
  }
  override slowThresholds(): readonly number[] {
    return this.inner.slowThresholds();
  }
}

const TRIPPERS: [string, () => Tripper][] = [
  [
    'the default',
    () =>
      new MinRequests(4).and(new FailureRate(0.5)).or(new HalfOpened().and(new FailureStreak(1))),
  ],
  ['AvgLatency', () => new AvgLatency(40).or(new HalfOpened().and(new FailureStreak(2)))],
  [
    'SlowRate',
    () =>
      new MinRequests(3).and(
        new SlowRate(0.5, { threshold: 30 }).or(new SlowRate(0.8, { threshold: 10 })),
      ),
  ],
  ['Closed and a streak', () => new Closed().and(new FailureStreak(3)).or(new HalfOpened())],
];

const WINDOWS: [string, () => Window][] = [
  ['CountWindow(5)', () => new CountWindow(5)],
  ['TimeWindow(100, bucket 10)', () => new TimeWindow(100, { bucket: 10 })],
];

type Step = { fail: boolean; duration: number; gap: number };
const step = fc.record({
  fail: fc.boolean(),
  duration: fc.integer({ min: 0, max: 60 }),
  gap: fc.integer({ min: 0, max: 40 }),
});

/** Runs the steps through a breaker and returns everything it showed. */
function run(window: Window, tripper: Tripper, steps: readonly Step[]) {
  const clock = new FakeClock(0);
  const listener = new RecordingListener();
  const breaker = new CircuitBreaker({
    name: 'fast',
    clock,
    window,
    tripper,
    retry: new Always(),
    // Deterministic: the default permit draws random numbers.
    permit: new All(),
    listeners: [listener],
  });
  const seen: unknown[] = [];
  for (const s of steps) {
    clock.advance(s.gap);
    try {
      breaker.call(() => {
        clock.advance(s.duration);
        if (s.fail) throw new Error('down');
      });
      seen.push('ok');
    } catch (error) {
      seen.push((error as Error).name);
    }
    const { changedAt, state, reopens, consecutiveFailures, metrics } = breaker.info();
    seen.push({ changedAt, state, reopens, consecutiveFailures, ...summary(metrics) });
  }
  return { seen, signals: listener.signals.map((s) => ({ ...s, metric: summary(s.metric) })) };
}

function summary(metric: Metric) {
  return {
    totalCount: metric.totalCount,
    failureCount: metric.failureCount,
    totalDuration: metric.totalDuration,
    failureRate: metric.failureRate,
    avgDuration: metric.avgDuration,
    slowCounts: [...metric.slowCounts],
    slowRates: [10, 30, 99].map((t) => metric.slowRate(t)),
  };
}

describe.each(WINDOWS)('%s', (_, makeWindow) => {
  it.each(TRIPPERS)(
    '%s: the built-in path and the general path behave alike, call by call',
    (_name, makeTripper) => {
      fc.assert(
        fc.property(fc.array(step, { maxLength: 60 }), (steps) => {
          const fast = run(makeWindow(), makeTripper(), steps);
          const general = run(makeWindow(), new Delegating(makeTripper()), steps);
          expect(fast).toEqual(general);
        }),
        { seed: 1127, numRuns: NUM_RUNS },
      );
    },
  );
});

describe('the reused context', () => {
  it('is handed to the tripper as closed again once half-open has closed the breaker', () => {
    // The default tripper trips on a failure in half-open (HalfOpened and FailureStreak(1)): a
    // context still saying half_open would trip the closed breaker on its first failure.
    const clock = new FakeClock(0);
    const breaker = new CircuitBreaker({ name: 'reused', clock, retry: new Always() });
    breaker.forceOpen();
    breaker.reset();
    const fail = () => {
      throw new Error('down');
    };
    for (let i = 0; i < 100; i++) expect(() => breaker.call(fail)).toThrow('down');
    expect(breaker.state).toBe('open');
    expect(breaker.call(() => 1)).toBe(1); // the probe, in half_open, closes it
    expect(breaker.state).toBe('closed');
    expect(() => breaker.call(fail)).toThrow('down');
    expect(breaker.info()).toMatchObject({ state: 'closed', consecutiveFailures: 1 });
  });
});

describe('what a pure tripper comes to in the closed state (IN_CLOSED)', () => {
  const streak = new FailureStreak(2);
  const rate = new FailureRate(0.5);
  const inClosed = (tripper: Tripper) => tripper[IN_CLOSED]();

  it.each([
    ['HalfOpened: never trips', new HalfOpened(), false],
    ['Closed: always trips', new Closed(), true],
    ['a rule that reads no state: itself', streak, streak],
    ['HalfOpened and x: never', new HalfOpened().and(streak), false],
    ['x and HalfOpened: never', streak.and(new HalfOpened()), false],
    ['Closed and x: x', new Closed().and(streak), streak],
    ['x and Closed: x', streak.and(new Closed()), streak],
    ['HalfOpened or x: x', new HalfOpened().or(streak), streak],
    ['x or HalfOpened: x', streak.or(new HalfOpened()), streak],
    ['Closed or x: always', new Closed().or(streak), true],
    ['x or Closed: always', streak.or(new Closed()), true],
  ] as [string, Tripper, Tripper | boolean][])('%s', (_, tripper, expected) => {
    expect(inClosed(tripper)).toBe(expected);
  });

  it('keeps a combination whose parts all stay as they are, itself', () => {
    const and = streak.and(rate);
    const or = streak.or(rate);
    expect(inClosed(and)).toBe(and);
    expect(inClosed(or)).toBe(or);
  });

  it('reduces the default tripper to its closed-state rule, the same object (nothing is built)', () => {
    const closedRule = new MinRequests(100).and(new FailureRate(0.5));
    expect(inClosed(closedRule.or(new HalfOpened().and(new FailureStreak(1))))).toBe(closedRule);
  });

  it('rebuilds a combination whose part changed, deciding as the whole does in closed', () => {
    const context = (consecutiveFailures: number): TripContext => ({
      metric: new CountWindow(1).metric(0),
      state: 'closed',
      consecutiveFailures,
    });
    for (const tripper of [
      streak.and(new Closed().and(new FailureStreak(3))),
      new Closed().and(new FailureStreak(3)).and(streak),
      streak.or(new HalfOpened().or(new FailureStreak(3))),
      new HalfOpened().or(new FailureStreak(3)).or(streak),
    ]) {
      const reduced = inClosed(tripper) as Tripper;
      expect(reduced).toBeInstanceOf(Tripper);
      expect(reduced).not.toBe(tripper);
      expect([1, 2, 3].map((n) => reduced.shouldTrip(context(n)))).toEqual(
        [1, 2, 3].map((n) => tripper.shouldTrip(context(n))),
      );
    }
  });

  it('a breaker whose tripper cannot trip in closed stays closed through any failures', () => {
    const breaker = new CircuitBreaker({ name: 'never', tripper: new HalfOpened() });
    const fail = () => {
      throw new Error('down');
    };
    for (let i = 0; i < 200; i++) expect(() => breaker.call(fail)).toThrow('down');
    expect(breaker.info()).toMatchObject({ state: 'closed', consecutiveFailures: 200 });
  });

  it('a breaker whose tripper always trips in closed opens on its first call', () => {
    const breaker = new CircuitBreaker({ name: 'always', tripper: new Closed() });
    expect(breaker.call(() => 1)).toBe(1);
    expect(breaker.state).toBe('open');
  });
});

describe('which breakers take the general path', () => {
  /** Keeps every metric it is given, as a tripper computing a trend might. */
  class Keeping extends FailureRate {
    readonly kept: Metric[] = [];
    override shouldTrip(ctx: TripContext): boolean {
      this.kept.push(ctx.metric);
      return super.shouldTrip(ctx);
    }
  }

  it('a subclass of a built-in tripper gets its own immutable snapshot on every call', () => {
    const tripper = new Keeping(0.9);
    const breaker = new CircuitBreaker({ name: 'keep', tripper });
    breaker.call(() => 1);
    expect(() =>
      breaker.call(() => {
        throw new Error('down');
      }),
    ).toThrow('down');
    breaker.call(() => 3);
    expect(tripper.kept.map((m) => [m.totalCount, m.failureCount])).toEqual([
      [1, 0],
      [2, 1],
      [3, 1],
    ]);
  });

  it('a built-in tripper combined with a custom one: the combination gets snapshots too', () => {
    const inner = new Keeping(0.9);
    const breaker = new CircuitBreaker({ name: 'keep', tripper: new FailureStreak(9).or(inner) });
    breaker.call(() => 1);
    breaker.call(() => 2);
    expect(inner.kept.map((m) => m.totalCount)).toEqual([1, 2]);
    expect(inner.kept[0]).not.toBe(inner.kept[1]);
  });

  it("a subclass of a built-in window that overrides record is called with each call's record", () => {
    const records: unknown[] = [];
    class Logged extends CountWindow {
      override record(record: Parameters<Window['record']>[0]): void {
        records.push({ ...record });
        super.record(record);
      }
    }
    const clock = new FakeClock(500);
    const breaker = new CircuitBreaker({ name: 'logged', clock, window: new Logged(10) });
    breaker.call(() => clock.advance(7));
    expect(records).toEqual([{ success: true, duration: 7, timestamp: 507, slowAt: [] }]);
    expect(breaker.info().metrics.totalCount).toBe(1);
  });
});

describe('Totals, the live view', () => {
  it('reads as the snapshot taken at the same moment, empty or not', () => {
    const totals = new Totals();
    const same = (): void => {
      const snapshot = totals.snapshot();
      expect(summary(totals)).toEqual(summary(snapshot));
    };
    same();
    expect([totals.failureRate, totals.avgDuration, totals.slowRate(10)]).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
    totals.count = 4;
    totals.failures = 1;
    totals.addDuration(30);
    totals.addDuration(12.5);
    const at10 = totals.learn(10);
    const at30 = totals.learn(30);
    totals.slow[at10] = 3;
    totals.slow[at30] = 1;
    same();
    expect(summary(totals)).toEqual({
      totalCount: 4,
      failureCount: 1,
      totalDuration: 42.5,
      failureRate: 0.25,
      avgDuration: 10.625,
      slowCounts: [
        [10, 3],
        [30, 1],
      ],
      slowRates: [0.75, 0.25, 0],
    });
    totals.clear();
    same();
    expect(totals.totalDuration).toBe(0);
    expect([...totals.slowCounts]).toEqual([
      [10, 0],
      [30, 0],
    ]);
  });
});
