import { CountWindow, Window } from '@fluxgate/core/windows';

type CallRecord = Parameters<Window['record']>[0];

function call(
  success: boolean,
  duration: number,
  slowAt: readonly number[] = [],
  timestamp = 0,
): CallRecord {
  return { success, duration, timestamp, slowAt };
}

function filled(size: number, records: readonly CallRecord[]): CountWindow {
  const window = new CountWindow(size);
  for (const record of records) window.record(record);
  return window;
}

describe('CountWindow', () => {
  it('is a Window and exposes its size', () => {
    const window = new CountWindow(7);
    expect(window).toBeInstanceOf(Window);
    expect(window.size).toBe(7);
  });

  describe('an empty window', () => {
    it('has zero counts, no rates and no average', () => {
      const metric = new CountWindow(10).metric(0);
      expect(metric.totalCount).toBe(0);
      expect(metric.failureCount).toBe(0);
      expect(metric.totalDuration).toBe(0);
      expect(metric.failureRate).toBeUndefined();
      expect(metric.avgDuration).toBeUndefined();
      expect(metric.slowRate(100)).toBeUndefined();
      expect(metric.slowCounts).toEqual(new Map());
      expect(metric.slowCounts.size).toBe(0);
    });

    it('equals a plain object of its fields (no private state leaks into equality)', () => {
      expect(new CountWindow(3).metric(0)).toEqual({
        totalCount: 0,
        failureCount: 0,
        totalDuration: 0,
        failureRate: undefined,
        avgDuration: undefined,
      });
    });
  });

  it('sums counts, failures and durations exactly', () => {
    const window = filled(10, [call(true, 10), call(false, 20), call(true, 30), call(false, 41)]);
    const metric = window.metric(0);
    expect(metric.totalCount).toBe(4);
    expect(metric.failureCount).toBe(2);
    expect(metric.totalDuration).toBe(101);
    expect(metric.failureRate).toBe(0.5);
    expect(metric.avgDuration).toBe(25.25);
  });

  it('keeps only the last size calls, pushing out the oldest first', () => {
    const window = new CountWindow(3);
    // Durations are powers of two, so each sum names exactly the calls in the window.
    const expected = [
      { duration: 1, failures: 0, total: 1, sum: 1 },
      { duration: 2, failures: 1, total: 2, sum: 3 },
      { duration: 4, failures: 1, total: 3, sum: 7 },
      { duration: 8, failures: 2, total: 3, sum: 14 }, // 1 out
      { duration: 16, failures: 1, total: 3, sum: 28 }, // 2 (a failure) out
      { duration: 32, failures: 1, total: 3, sum: 56 }, // 4 out
      { duration: 64, failures: 0, total: 3, sum: 112 }, // 8 (a failure) out
    ];
    const failing = new Set([2, 8]);
    for (const { duration, failures, total, sum } of expected) {
      window.record(call(!failing.has(duration), duration));
      const metric = window.metric(0);
      expect([metric.totalCount, metric.failureCount, metric.totalDuration]).toEqual([
        total,
        failures,
        sum,
      ]);
    }
  });

  it('ignores now: a count window does not age its calls', () => {
    const window = filled(2, [call(false, 5, [], 0)]);
    expect(window.metric(0).totalCount).toBe(1);
    expect(window.metric(1e12).totalCount).toBe(1);
    expect(window.metric(-1).totalCount).toBe(1);
  });

  describe('slow calls', () => {
    it('counts each threshold and reports the slowCounts map in ascending order', () => {
      const window = filled(10, [
        call(true, 600, [500, 100]),
        call(true, 150, [100]),
        call(true, 10),
        call(false, 2_000, [100, 500, 1_000]),
      ]);
      const metric = window.metric(0);
      expect([...metric.slowCounts]).toEqual([
        [100, 3],
        [500, 2],
        [1_000, 1],
      ]);
      expect(metric.slowRate(100)).toBe(0.75);
      expect(metric.slowRate(500)).toBe(0.5);
      expect(metric.slowRate(1_000)).toBe(0.25);
    });

    it('gives 0 for a threshold no call met', () => {
      const metric = filled(10, [call(true, 1, [100])]).metric(0);
      expect(metric.slowRate(250)).toBe(0);
      expect(metric.slowCounts.has(250)).toBe(false);
    });

    it('subtracts evicted slow calls and keeps the threshold at 0', () => {
      const window = filled(2, [call(true, 200, [100]), call(true, 300, [100, 250])]);
      expect([...window.metric(0).slowCounts]).toEqual([
        [100, 2],
        [250, 1],
      ]);
      window.record(call(true, 5));
      expect([...window.metric(0).slowCounts]).toEqual([
        [100, 1],
        [250, 1],
      ]);
      window.record(call(true, 5));
      const metric = window.metric(0);
      expect([...metric.slowCounts]).toEqual([
        [100, 0],
        [250, 0],
      ]);
      expect(metric.slowRate(100)).toBe(0);
    });

    it('learns a threshold first seen after earlier calls, counting from there', () => {
      const window = filled(3, [call(true, 900), call(true, 900, [100])]);
      window.record(call(true, 900, [100, 800]));
      expect([...window.metric(0).slowCounts]).toEqual([
        [100, 2],
        [800, 1],
      ]);
      window.record(call(true, 1)); // pushes out the first call, which met no threshold
      expect([...window.metric(0).slowCounts]).toEqual([
        [100, 2],
        [800, 1],
      ]);
    });

    it('handles many thresholds', () => {
      const thresholds = Array.from({ length: 20 }, (_, i) => (i + 1) * 10);
      const window = new CountWindow(4);
      for (let i = 0; i < 6; i++) window.record(call(true, 1, thresholds.slice(0, i * 4)));
      // The window holds calls 2..5, which met 8, 12, 16 and 20 thresholds.
      const metric = window.metric(0);
      expect(metric.slowCounts.size).toBe(20);
      expect(metric.slowCounts.get(10)).toBe(4);
      expect(metric.slowCounts.get(90)).toBe(3);
      expect(metric.slowCounts.get(130)).toBe(2);
      expect(metric.slowCounts.get(170)).toBe(1);
      expect(metric.slowCounts.get(200)).toBe(1);
    });

    it('counts a threshold listed twice once and ignores NaN', () => {
      const window = filled(2, [call(true, 300, [100, 100, Number.NaN])]);
      expect([...window.metric(0).slowCounts]).toEqual([[100, 1]]);
      window.record(call(true, 1));
      window.record(call(true, 1));
      expect([...window.metric(0).slowCounts]).toEqual([[100, 0]]);
    });
  });

  describe('a metric is a snapshot', () => {
    it('does not change when later calls are recorded', () => {
      const window = filled(2, [call(true, 10, [5])]);
      const before = window.metric(0);
      window.record(call(false, 20, [5, 15]));
      window.record(call(false, 30));
      window.reset();
      window.record(call(false, 40, [5]));
      // slowCounts is built lazily: reading it only now must still show the old window.
      expect([...before.slowCounts]).toEqual([[5, 1]]);
      expect(before.totalCount).toBe(1);
      expect(before.failureCount).toBe(0);
      expect(before.totalDuration).toBe(10);
      expect(before.failureRate).toBe(0);
      expect(before.avgDuration).toBe(10);
      expect(before.slowRate(5)).toBe(1);
      expect(before.slowRate(15)).toBe(0);
    });

    it('returns the same slowCounts map on every read, and it cannot be changed', () => {
      const metric = filled(2, [call(true, 10, [5])]).metric(0);
      expect(metric.slowCounts).toBe(metric.slowCounts);
      const map = metric.slowCounts as Map<number, number>;
      expect(() => map.set(5, 99)).toThrow(TypeError);
      expect(() => map.delete(5)).toThrow(TypeError);
      expect(() => map.clear()).toThrow(TypeError);
      expect([...metric.slowCounts]).toEqual([[5, 1]]);
    });

    it('shares no mutable state between empty maps', () => {
      const empty = new CountWindow(1).metric(0).slowCounts as Map<number, number>;
      expect(() => empty.set(1, 1)).toThrow(TypeError);
      expect(new CountWindow(1).metric(0).slowCounts.size).toBe(0);
    });
  });

  describe('reset', () => {
    it('forgets every call and keeps learned thresholds at 0', () => {
      const window = filled(3, [call(false, 10, [5]), call(true, 20)]);
      window.reset();
      const metric = window.metric(0);
      expect(metric.totalCount).toBe(0);
      expect(metric.failureCount).toBe(0);
      expect(metric.totalDuration).toBe(0);
      expect(metric.failureRate).toBeUndefined();
      expect(metric.avgDuration).toBeUndefined();
      expect(metric.slowRate(5)).toBeUndefined();
      expect([...metric.slowCounts]).toEqual([[5, 0]]);
    });

    it('counts and evicts correctly after a reset of a full window', () => {
      const window = filled(2, [call(false, 10, [5]), call(false, 20, [5]), call(false, 30, [5])]);
      window.reset();
      // Stale slots from before the reset must not be subtracted when the ring wraps again.
      for (const duration of [1, 2, 4]) window.record(call(true, duration));
      const metric = window.metric(0);
      expect(metric.totalCount).toBe(2);
      expect(metric.failureCount).toBe(0);
      expect(metric.totalDuration).toBe(6);
      expect([...metric.slowCounts]).toEqual([[5, 0]]);
    });
  });

  it('works with size 1', () => {
    const window = new CountWindow(1);
    window.record(call(false, 7, [5]));
    let metric = window.metric(0);
    expect([metric.totalCount, metric.failureCount, metric.totalDuration]).toEqual([1, 1, 7]);
    expect(metric.failureRate).toBe(1);
    expect(metric.slowRate(5)).toBe(1);
    window.record(call(true, 3));
    metric = window.metric(0);
    expect([metric.totalCount, metric.failureCount, metric.totalDuration]).toEqual([1, 0, 3]);
    expect(metric.failureRate).toBe(0);
    expect(metric.avgDuration).toBe(3);
    expect(metric.slowRate(5)).toBe(0);
  });

  it('sums whole, fractional and long durations exactly as calls come and go', () => {
    // Whole durations below 2^20 ms and the rest are summed apart (see Totals): a call of one kind
    // replacing a call of the other must move its share between the two sums.
    const window = new CountWindow(2);
    const seen = [3, 0.25, 2 ** 20, 5.5, 7, 1, 2 ** 20 - 1].map((duration) => {
      window.record(call(true, duration));
      const metric = window.metric(0);
      return [metric.totalDuration, metric.avgDuration];
    });
    expect(seen).toEqual([
      [3, 3],
      [3.25, 1.625],
      [1_048_576.25, 524_288.125],
      [1_048_581.5, 524_290.75],
      [12.5, 6.25],
      [8, 4],
      [1_048_576, 524_288],
    ]);
    window.reset();
    window.record(call(true, 0.5));
    expect(window.metric(0).totalDuration).toBe(0.5);
  });

  it('does not drift when fractional durations of mixed sizes come and go', () => {
    const window = new CountWindow(4);
    const durations = [1e9 + 0.1, 0.3, 12.7, 0.01];
    for (let i = 0; i < 20_000; i++) window.record(call(true, durations[i % 4] as number));
    for (const duration of [0.1, 0.2, 0.3, 0.4]) window.record(call(true, duration));
    // A plain running sum is off by about 1e-8 here.
    expect(window.metric(0).totalDuration).toBeCloseTo(1, 12);
  });

  describe('validation', () => {
    it.each([
      [0, 'RangeError'],
      [-1, 'RangeError'],
      [1.5, 'RangeError'],
      [Number.NaN, 'RangeError'],
      [Infinity, 'RangeError'],
      [-Infinity, 'RangeError'],
      ['10', 'TypeError'],
      [null, 'TypeError'],
      [undefined, 'TypeError'],
      [{}, 'TypeError'],
    ] as const)('rejects size %p with a %s', (size, errorName) => {
      const make = () => new CountWindow(size as unknown as number);
      expect(make).toThrow({ RangeError, TypeError }[errorName]);
      expect(make).toThrow('size');
      expect(make).toThrow(String(size));
    });

    it.each([1, 2, 100, 10_000])('accepts size %p', (size) => {
      expect(new CountWindow(size).size).toBe(size);
    });
  });
});
