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

type Metric = TripContext['metric'];

/** A fake window read, consistent with itself: rates are derived from the counts. */
function metric({
  total = 0,
  failures = 0,
  duration = 0,
  slow = {},
}: {
  total?: number;
  failures?: number;
  duration?: number;
  slow?: Record<number, number>;
} = {}): Metric {
  const slowCounts: ReadonlyMap<number, number> = new Map(
    Object.entries(slow).map(([threshold, count]) => [Number(threshold), count]),
  );
  return {
    totalCount: total,
    failureCount: failures,
    totalDuration: duration,
    slowCounts,
    failureRate: total === 0 ? undefined : failures / total,
    avgDuration: total === 0 ? undefined : duration / total,
    slowRate: (threshold) => (total === 0 ? undefined : (slowCounts.get(threshold) ?? 0) / total),
  };
}

type CtxFields = Parameters<typeof metric>[0] & {
  state?: TripContext['state'];
  consecutiveFailures?: number;
};

function ctx({
  state = 'closed',
  consecutiveFailures = 0,
  ...fields
}: CtxFields = {}): TripContext {
  return { metric: metric(fields), state, consecutiveFailures };
}

interface Row {
  name: string;
  tripper: Tripper;
  ctx: TripContext;
  expected: boolean;
}

describe('the built-in trippers (every comparison is >=)', () => {
  it.each<Row>([
    // Closed / HalfOpened look at the state only.
    {
      name: 'Closed in closed',
      tripper: new Closed(),
      ctx: ctx({ state: 'closed' }),
      expected: true,
    },
    {
      name: 'Closed in half_open',
      tripper: new Closed(),
      ctx: ctx({ state: 'half_open' }),
      expected: false,
    },
    { name: 'Closed in open', tripper: new Closed(), ctx: ctx({ state: 'open' }), expected: false },
    {
      name: 'Closed in metrics_only',
      tripper: new Closed(),
      ctx: ctx({ state: 'metrics_only' }),
      expected: false,
    },
    {
      name: 'HalfOpened in half_open',
      tripper: new HalfOpened(),
      ctx: ctx({ state: 'half_open' }),
      expected: true,
    },
    {
      name: 'HalfOpened in closed',
      tripper: new HalfOpened(),
      ctx: ctx({ state: 'closed' }),
      expected: false,
    },
    {
      name: 'HalfOpened in open',
      tripper: new HalfOpened(),
      ctx: ctx({ state: 'open' }),
      expected: false,
    },
    {
      name: 'Closed ignores a full failing window',
      tripper: new Closed(),
      ctx: ctx({ state: 'half_open', total: 10, failures: 10, consecutiveFailures: 10 }),
      expected: false,
    },

    // MinRequests: totalCount >= count.
    {
      name: 'MinRequests(10) at 10 calls',
      tripper: new MinRequests(10),
      ctx: ctx({ total: 10 }),
      expected: true,
    },
    {
      name: 'MinRequests(10) at 9 calls',
      tripper: new MinRequests(10),
      ctx: ctx({ total: 9 }),
      expected: false,
    },
    {
      name: 'MinRequests(10) at 11 calls',
      tripper: new MinRequests(10),
      ctx: ctx({ total: 11 }),
      expected: true,
    },
    {
      name: 'MinRequests(10) on an empty window',
      tripper: new MinRequests(10),
      ctx: ctx(),
      expected: false,
    },
    {
      name: 'MinRequests(1) at 1 call',
      tripper: new MinRequests(1),
      ctx: ctx({ total: 1 }),
      expected: true,
    },
    {
      name: 'MinRequests(1) on an empty window',
      tripper: new MinRequests(1),
      ctx: ctx(),
      expected: false,
    },

    // FailureRate: failureRate >= ratio, false when empty.
    {
      name: 'FailureRate(0.5) at 5/10',
      tripper: new FailureRate(0.5),
      ctx: ctx({ total: 10, failures: 5 }),
      expected: true,
    },
    {
      name: 'FailureRate(0.5) at 4/10',
      tripper: new FailureRate(0.5),
      ctx: ctx({ total: 10, failures: 4 }),
      expected: false,
    },
    {
      name: 'FailureRate(0.5) at 49/100',
      tripper: new FailureRate(0.5),
      ctx: ctx({ total: 100, failures: 49 }),
      expected: false,
    },
    {
      name: 'FailureRate(0.5) at 10/10',
      tripper: new FailureRate(0.5),
      ctx: ctx({ total: 10, failures: 10 }),
      expected: true,
    },
    {
      name: 'FailureRate(0.5) on an empty window',
      tripper: new FailureRate(0.5),
      ctx: ctx(),
      expected: false,
    },
    {
      name: 'FailureRate(0.3) at 3/10',
      tripper: new FailureRate(0.3),
      ctx: ctx({ total: 10, failures: 3 }),
      expected: true,
    },
    {
      name: 'FailureRate(0.3) at 29/100',
      tripper: new FailureRate(0.3),
      ctx: ctx({ total: 100, failures: 29 }),
      expected: false,
    },
    {
      name: 'FailureRate(1) at 10/10',
      tripper: new FailureRate(1),
      ctx: ctx({ total: 10, failures: 10 }),
      expected: true,
    },
    {
      name: 'FailureRate(1) at 99/100',
      tripper: new FailureRate(1),
      ctx: ctx({ total: 100, failures: 99 }),
      expected: false,
    },
    {
      name: 'FailureRate(0.01) at 0/10',
      tripper: new FailureRate(0.01),
      ctx: ctx({ total: 10, failures: 0 }),
      expected: false,
    },

    // AvgLatency: avgDuration >= threshold (ms), false when empty.
    {
      name: 'AvgLatency(1000) at 4000 ms / 4',
      tripper: new AvgLatency(1_000),
      ctx: ctx({ total: 4, duration: 4_000 }),
      expected: true,
    },
    {
      name: 'AvgLatency(1000) at 3999 ms / 4',
      tripper: new AvgLatency(1_000),
      ctx: ctx({ total: 4, duration: 3_999 }),
      expected: false,
    },
    {
      name: 'AvgLatency(1000) at 5000 ms / 4',
      tripper: new AvgLatency(1_000),
      ctx: ctx({ total: 4, duration: 5_000 }),
      expected: true,
    },
    {
      name: 'AvgLatency(1000) on an empty window',
      tripper: new AvgLatency(1_000),
      ctx: ctx(),
      expected: false,
    },
    {
      name: 'AvgLatency(0.5) at 1 ms / 2',
      tripper: new AvgLatency(0.5),
      ctx: ctx({ total: 2, duration: 1 }),
      expected: true,
    },

    // SlowRate: slowRate(threshold) >= ratio, false when empty.
    {
      name: 'SlowRate(0.5, 300) at 5/10 slow',
      tripper: new SlowRate(0.5, { threshold: 300 }),
      ctx: ctx({ total: 10, slow: { 300: 5 } }),
      expected: true,
    },
    {
      name: 'SlowRate(0.5, 300) at 4/10 slow',
      tripper: new SlowRate(0.5, { threshold: 300 }),
      ctx: ctx({ total: 10, slow: { 300: 4 } }),
      expected: false,
    },
    {
      name: 'SlowRate(0.5, 300) at 10/10 slow',
      tripper: new SlowRate(0.5, { threshold: 300 }),
      ctx: ctx({ total: 10, slow: { 300: 10 } }),
      expected: true,
    },
    {
      name: 'SlowRate(0.5, 300) with only another threshold met',
      tripper: new SlowRate(0.5, { threshold: 300 }),
      ctx: ctx({ total: 10, slow: { 100: 10 } }),
      expected: false,
    },
    {
      name: 'SlowRate(0.5, 300) on an empty window',
      tripper: new SlowRate(0.5, { threshold: 300 }),
      ctx: ctx(),
      expected: false,
    },
    {
      name: 'SlowRate(1, 300) at 10/10 slow',
      tripper: new SlowRate(1, { threshold: 300 }),
      ctx: ctx({ total: 10, slow: { 300: 10 } }),
      expected: true,
    },
    {
      name: 'SlowRate(1, 300) at 9/10 slow',
      tripper: new SlowRate(1, { threshold: 300 }),
      ctx: ctx({ total: 10, slow: { 300: 9 } }),
      expected: false,
    },

    // FailureStreak: consecutiveFailures >= count, whatever the window holds.
    {
      name: 'FailureStreak(3) at 3 in a row',
      tripper: new FailureStreak(3),
      ctx: ctx({ consecutiveFailures: 3 }),
      expected: true,
    },
    {
      name: 'FailureStreak(3) at 2 in a row',
      tripper: new FailureStreak(3),
      ctx: ctx({ consecutiveFailures: 2 }),
      expected: false,
    },
    {
      name: 'FailureStreak(3) at 10 in a row',
      tripper: new FailureStreak(3),
      ctx: ctx({ consecutiveFailures: 10 }),
      expected: true,
    },
    {
      name: 'FailureStreak(3) at 0 on an empty window',
      tripper: new FailureStreak(3),
      ctx: ctx(),
      expected: false,
    },
    {
      name: 'FailureStreak(3) at 2 in a row with a failing window',
      tripper: new FailureStreak(3),
      ctx: ctx({ total: 100, failures: 100, consecutiveFailures: 2 }),
      expected: false,
    },
    {
      name: 'FailureStreak(1) at 1 in a row',
      tripper: new FailureStreak(1),
      ctx: ctx({ consecutiveFailures: 1 }),
      expected: true,
    },
    {
      name: 'FailureStreak(1) at 0',
      tripper: new FailureStreak(1),
      ctx: ctx({ total: 5, failures: 4 }),
      expected: false,
    },
  ])('$name → $expected', ({ tripper, ctx: context, expected }) => {
    expect(tripper.shouldTrip(context)).toBe(expected);
  });

  it('exposes the values it was built with', () => {
    expect(new MinRequests(20).count).toBe(20);
    expect(new FailureRate(0.25).ratio).toBe(0.25);
    expect(new AvgLatency(1_500).threshold).toBe(1_500);
    const slowRate = new SlowRate(0.3, { threshold: 1_000 });
    expect([slowRate.ratio, slowRate.threshold]).toEqual([0.3, 1_000]);
    expect(new FailureStreak(5).count).toBe(5);
  });
});

/** A tripper with a fixed answer. */
class Fixed extends Tripper {
  constructor(private readonly answer: boolean) {
    super();
  }
  shouldTrip(_ctx: TripContext): boolean {
    return this.answer;
  }
}

describe('and / or', () => {
  const yes = new Fixed(true);
  const no = new Fixed(false);

  it.each<[string, Tripper, boolean]>([
    ['yes.and(yes)', yes.and(yes), true],
    ['yes.and(no)', yes.and(no), false],
    ['no.and(yes)', no.and(yes), false],
    ['no.and(no)', no.and(no), false],
    ['yes.or(yes)', yes.or(yes), true],
    ['yes.or(no)', yes.or(no), true],
    ['no.or(yes)', no.or(yes), true],
    ['no.or(no)', no.or(no), false],
    ['yes.or(no).and(no)', yes.or(no).and(no), false],
    ['yes.or(no.and(no))', yes.or(no.and(no)), true],
    ['no.and(yes).or(yes)', no.and(yes).or(yes), true],
  ])('%s is %p', (_label, tripper, expected) => {
    expect(tripper.shouldTrip(ctx())).toBe(expected);
  });

  it('passes the same context to both sides', () => {
    const seen: TripContext[] = [];
    class Spy extends Tripper {
      shouldTrip(context: TripContext): boolean {
        seen.push(context);
        return true;
      }
    }
    const context = ctx({ total: 3 });
    new Spy().and(new Spy()).shouldTrip(context);
    expect(seen).toEqual([context, context]);
    expect(seen[0]).toBe(context);
  });

  // The SPEC's default tripper, and its example.
  const defaultTripper = new MinRequests(100)
    .and(new FailureRate(0.5))
    .or(new HalfOpened().and(new FailureStreak(1)));
  const exampleTripper = new FailureStreak(5).or(
    new MinRequests(20).and(new FailureRate(0.5).or(new SlowRate(0.3, { threshold: 1_000 }))),
  );

  it.each<Row>([
    {
      name: 'default: half of 100 calls failed',
      tripper: defaultTripper,
      ctx: ctx({ total: 100, failures: 50 }),
      expected: true,
    },
    {
      name: 'default: half of 99 calls failed',
      tripper: defaultTripper,
      ctx: ctx({ total: 99, failures: 50 }),
      expected: false,
    },
    {
      name: 'default: 49 of 100 failed',
      tripper: defaultTripper,
      ctx: ctx({ total: 100, failures: 49 }),
      expected: false,
    },
    {
      name: 'default: a failed probe in half_open',
      tripper: defaultTripper,
      ctx: ctx({ state: 'half_open', total: 1, failures: 1, consecutiveFailures: 1 }),
      expected: true,
    },
    {
      name: 'default: a failure in closed with a small window',
      tripper: defaultTripper,
      ctx: ctx({ state: 'closed', total: 1, failures: 1, consecutiveFailures: 1 }),
      expected: false,
    },
    {
      name: 'example: five failures in a row',
      tripper: exampleTripper,
      ctx: ctx({ total: 5, failures: 5, consecutiveFailures: 5 }),
      expected: true,
    },
    {
      name: 'example: 30 % of 20 calls slow',
      tripper: exampleTripper,
      ctx: ctx({ total: 20, slow: { 1000: 6 } }),
      expected: true,
    },
    {
      name: 'example: 25 % of 20 calls slow',
      tripper: exampleTripper,
      ctx: ctx({ total: 20, slow: { 1000: 5 } }),
      expected: false,
    },
    {
      name: 'example: 10 of 20 calls failed',
      tripper: exampleTripper,
      ctx: ctx({ total: 20, failures: 10, consecutiveFailures: 4 }),
      expected: true,
    },
    {
      name: 'example: 10 of 19 calls failed',
      tripper: exampleTripper,
      ctx: ctx({ total: 19, failures: 10, consecutiveFailures: 4 }),
      expected: false,
    },
  ])('$name → $expected', ({ tripper, ctx: context, expected }) => {
    expect(tripper.shouldTrip(context)).toBe(expected);
  });
});

describe('slowThresholds', () => {
  const slow = (threshold: number): SlowRate => new SlowRate(0.5, { threshold });

  it.each<[string, Tripper, readonly number[]]>([
    ['Closed', new Closed(), []],
    ['HalfOpened', new HalfOpened(), []],
    ['MinRequests', new MinRequests(10), []],
    ['FailureRate', new FailureRate(0.5), []],
    ['AvgLatency', new AvgLatency(1_000), []],
    ['FailureStreak', new FailureStreak(3), []],
    ['SlowRate 300', slow(300), [300]],
    ['SlowRate 300 or SlowRate 100', slow(300).or(slow(100)), [100, 300]],
    ['SlowRate 100 and SlowRate 300', slow(100).and(slow(300)), [100, 300]],
    ['SlowRate 300 and SlowRate 300', slow(300).and(slow(300)), [300]],
    [
      '(SlowRate 100 and SlowRate 300) or SlowRate 300',
      slow(100).and(slow(300)).or(slow(300)),
      [100, 300],
    ],
    ['MinRequests and SlowRate 300', new MinRequests(10).and(slow(300)), [300]],
    ['SlowRate 300 and MinRequests', slow(300).and(new MinRequests(10)), [300]],
    ['Closed and FailureRate', new Closed().and(new FailureRate(0.5)), []],
    [
      '(SlowRate 500 or SlowRate 100) and (MinRequests and (SlowRate 300 or SlowRate 100))',
      slow(500)
        .or(slow(100))
        .and(new MinRequests(1).and(slow(300).or(slow(100)))),
      [100, 300, 500],
    ],
    ['SlowRate 0.5 or SlowRate 2000', slow(0.5).or(slow(2_000)), [0.5, 2_000]],
    [
      'SlowRate 1000 or SlowRate 200 (numeric, not string, order)',
      slow(1_000).or(slow(200)),
      [200, 1_000],
    ],
  ])('%s → %p', (_label, tripper, expected) => {
    expect(tripper.slowThresholds()).toEqual(expected);
  });

  it("returns a list the caller cannot change under the tripper's feet", () => {
    const tripper = slow(300);
    expect(Object.isFrozen(tripper.slowThresholds())).toBe(true);
    expect(tripper.slowThresholds()).toEqual([300]);
  });

  it('sorts and de-duplicates what a custom tripper returns once it is composed', () => {
    class Unsorted extends Fixed {
      override slowThresholds(): readonly number[] {
        return [300, 100, 300];
      }
    }
    expect(new Unsorted(true).or(new MinRequests(1)).slowThresholds()).toEqual([100, 300]);
    expect(new MinRequests(1).and(new Unsorted(true)).slowThresholds()).toEqual([100, 300]);
  });
});

describe('a custom subclass', () => {
  /** Trips when the window holds at least `count` failures, whatever their share. */
  class FailureCount extends Tripper {
    constructor(private readonly count: number) {
      super();
    }
    shouldTrip(context: TripContext): boolean {
      return context.metric.failureCount >= this.count;
    }
  }

  /** Applies a tripper in closed only; it wraps another, so it forwards slowThresholds. */
  class OnlyWhenClosed extends Tripper {
    constructor(private readonly inner: Tripper) {
      super();
    }
    shouldTrip(context: TripContext): boolean {
      return context.state === 'closed' && this.inner.shouldTrip(context);
    }
    override slowThresholds(): readonly number[] {
      return this.inner.slowThresholds();
    }
  }

  it.each<Row>([
    {
      name: 'FailureCount(3) at 3 failures',
      tripper: new FailureCount(3),
      ctx: ctx({ total: 100, failures: 3 }),
      expected: true,
    },
    {
      name: 'FailureCount(3) at 2 failures',
      tripper: new FailureCount(3),
      ctx: ctx({ total: 2, failures: 2 }),
      expected: false,
    },
    {
      name: 'FailureCount(3) and MinRequests(10) at 3 of 9',
      tripper: new FailureCount(3).and(new MinRequests(10)),
      ctx: ctx({ total: 9, failures: 3 }),
      expected: false,
    },
    {
      name: 'OnlyWhenClosed(SlowRate) in closed',
      tripper: new OnlyWhenClosed(new SlowRate(0.5, { threshold: 200 })),
      ctx: ctx({ total: 2, slow: { 200: 1 } }),
      expected: true,
    },
    {
      name: 'OnlyWhenClosed(SlowRate) in half_open',
      tripper: new OnlyWhenClosed(new SlowRate(0.5, { threshold: 200 })),
      ctx: ctx({ state: 'half_open', total: 2, slow: { 200: 1 } }),
      expected: false,
    },
  ])('$name → $expected', ({ tripper, ctx: context, expected }) => {
    expect(tripper.shouldTrip(context)).toBe(expected);
  });

  it('has no thresholds by default, and a wrapper that forwards them joins the union', () => {
    expect(new FailureCount(1).slowThresholds()).toEqual([]);
    const wrapper = new OnlyWhenClosed(new SlowRate(0.5, { threshold: 200 }));
    expect(wrapper.slowThresholds()).toEqual([200]);
    expect(wrapper.or(new SlowRate(0.5, { threshold: 50 })).slowThresholds()).toEqual([50, 200]);
  });
});
