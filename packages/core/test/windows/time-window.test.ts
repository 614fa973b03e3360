import { TimeWindow, Window, type TimeWindowOptions } from '@fluxgate/core/windows';

type CallRecord = Parameters<Window['record']>[0];

function call(
  timestamp: number,
  duration = 1,
  success = true,
  slowAt: readonly number[] = [],
): CallRecord {
  return { success, duration, timestamp, slowAt };
}

/** totalCount, failureCount and totalDuration at `now`. */
function totals(window: Window, now: number): [number, number, number] {
  const metric = window.metric(now);
  return [metric.totalCount, metric.failureCount, metric.totalDuration];
}

// Most tests use a 5 s window of 1 s buckets: at `now` it holds buckets
// floor(now / 1000) - 4 .. floor(now / 1000).
const SIZE = 5_000;
const BUCKET = 1_000;

describe('TimeWindow', () => {
  it('is a Window and exposes its size and bucket', () => {
    const window = new TimeWindow(SIZE, { bucket: 500 });
    expect(window).toBeInstanceOf(Window);
    expect(window.size).toBe(SIZE);
    expect(window.bucket).toBe(500);
  });

  it.each([undefined, {}, { bucket: undefined }] as (TimeWindowOptions | undefined)[])(
    'uses buckets of 1000 ms by default (options %p)',
    (options) => {
      const window = new TimeWindow(SIZE, options);
      expect(window.bucket).toBe(1_000);
      window.record(call(999)); // bucket 0
      window.record(call(1_000)); // bucket 1
      expect(totals(window, 4_999)[0]).toBe(2);
      expect(totals(window, 5_000)[0]).toBe(1);
    },
  );

  it('has an empty metric before any call', () => {
    const metric = new TimeWindow(SIZE).metric(123_456);
    expect(metric.totalCount).toBe(0);
    expect(metric.failureCount).toBe(0);
    expect(metric.totalDuration).toBe(0);
    expect(metric.failureRate).toBeUndefined();
    expect(metric.avgDuration).toBeUndefined();
    expect(metric.slowRate(100)).toBeUndefined();
    expect(metric.slowCounts).toEqual(new Map());
  });

  it('sums whole, fractional and long durations exactly as buckets expire', () => {
    // One call per bucket: whole durations below 2^20 ms and the rest are summed apart (see
    // Totals), and an expiring bucket takes its share out of the right sum.
    const window = new TimeWindow(2_000, { bucket: BUCKET });
    const seen = [3, 0.25, 2 ** 20, 5.5, 7].map((duration, second) => {
      window.record(call(second * BUCKET, duration));
      return totals(window, second * BUCKET)[2];
    });
    expect(seen).toEqual([3, 3.25, 1_048_576.25, 1_048_581.5, 12.5]);
    expect(totals(window, 5 * BUCKET)).toEqual([1, 0, 7]);
    expect(totals(window, 6 * BUCKET)).toEqual([0, 0, 0]);
    window.record(call(6 * BUCKET, 0.5));
    expect(totals(window, 6 * BUCKET)).toEqual([1, 0, 0.5]);
  });

  it('sums counts, failures and durations exactly', () => {
    const window = new TimeWindow(SIZE);
    window.record(call(1_000, 10, true));
    window.record(call(2_500, 20, false));
    window.record(call(3_999, 30, true));
    window.record(call(4_000, 41, false));
    const metric = window.metric(4_000);
    expect([metric.totalCount, metric.failureCount, metric.totalDuration]).toEqual([4, 2, 101]);
    expect(metric.failureRate).toBe(0.5);
    expect(metric.avgDuration).toBe(25.25);
  });

  describe('bucket edges', () => {
    it('puts a timestamp on a boundary in the bucket that starts there', () => {
      const window = new TimeWindow(SIZE);
      window.record(call(0, 1)); // bucket 0
      window.record(call(999, 2)); // bucket 0
      window.record(call(1_000, 4)); // bucket 1
      expect(totals(window, 4_999)).toEqual([3, 0, 7]); // buckets 0..4
      expect(totals(window, 5_000)).toEqual([1, 0, 4]); // buckets 1..5
      expect(totals(window, 5_999)).toEqual([1, 0, 4]);
      expect(totals(window, 6_000)).toEqual([0, 0, 0]); // buckets 2..6
    });

    it('does not count a call at now - size: its bucket has just left', () => {
      const window = new TimeWindow(SIZE);
      window.record(call(5_000, 1)); // bucket 5
      window.record(call(5_999, 2)); // bucket 5
      window.record(call(6_000, 4)); // bucket 6
      expect(totals(window, 10_000)).toEqual([1, 0, 4]); // buckets 6..10
    });

    it('counts a call in the oldest bucket still inside, up to size - 1 ms old', () => {
      const window = new TimeWindow(SIZE);
      window.record(call(6_000, 1)); // bucket 6, 4_999 ms before the read
      expect(totals(window, 10_999)).toEqual([1, 0, 1]); // buckets 6..10
      expect(totals(window, 11_000)).toEqual([0, 0, 0]);
    });

    it('counts a call made at now', () => {
      const window = new TimeWindow(SIZE);
      window.record(call(7_000, 3));
      expect(totals(window, 7_000)).toEqual([1, 0, 3]);
    });
  });

  it('evicts one bucket at a time as time advances', () => {
    const window = new TimeWindow(SIZE);
    // Bucket b holds one call of 2^b ms, failing for odd b: each sum names the buckets held.
    for (let b = 0; b < 12; b++) {
      window.record(call(b * BUCKET + 500, 2 ** b, b % 2 === 0));
      const oldest = Math.max(0, b - 4);
      let sum = 0;
      let failures = 0;
      for (let k = oldest; k <= b; k++) {
        sum += 2 ** k;
        failures += k % 2;
      }
      expect(totals(window, b * BUCKET + 999)).toEqual([b - oldest + 1, failures, sum]);
    }
    // Then reading alone, one bucket later each time, drains it a bucket at a time.
    for (let step = 1; step <= 5; step++) {
      const [count] = totals(window, (11 + step) * BUCKET);
      expect(count).toBe(5 - step);
    }
  });

  describe('idle gaps', () => {
    function busyWindow(): TimeWindow {
      const window = new TimeWindow(SIZE);
      window.record(call(10_000, 1, false, [100]));
      window.record(call(11_000, 2, true, [100]));
      window.record(call(14_500, 4, false));
      return window;
    }

    it('keeps the newest bucket after a gap of size - bucket', () => {
      const window = busyWindow();
      expect(totals(window, 18_999)).toEqual([1, 1, 4]); // buckets 14..18
    });

    it('forgets everything after a gap of exactly size', () => {
      const window = busyWindow();
      expect(totals(window, 19_000)).toEqual([0, 0, 0]); // buckets 15..19
      expect(window.metric(19_000).slowRate(100)).toBeUndefined();
      expect([...window.metric(19_000).slowCounts]).toEqual([[100, 0]]);
    });

    it('forgets everything after many times size, and counts only new calls afterwards', () => {
      const window = busyWindow();
      const later = 10_000 + 1_000 * SIZE + 250; // far later, mid-bucket
      expect(totals(window, later)).toEqual([0, 0, 0]);
      window.record(call(later, 8, false, [100]));
      expect(totals(window, later)).toEqual([1, 1, 8]);
      // Stale buckets from before the gap share slots with the buckets ahead: advancing over
      // them must not subtract their old contents.
      for (let step = 1; step <= 4; step++) {
        window.record(call(later + step * BUCKET, 16));
        expect(totals(window, later + step * BUCKET)).toEqual([1 + step, 1, 8 + 16 * step]);
      }
      expect(totals(window, later + 5 * BUCKET)).toEqual([4, 0, 64]);
      expect([...window.metric(later + 5 * BUCKET).slowCounts]).toEqual([[100, 0]]);
    });

    it('forgets a window that sat idle without any read in between', () => {
      const window = busyWindow();
      window.record(call(100_000, 32));
      expect(totals(window, 100_000)).toEqual([1, 0, 32]);
    });
  });

  describe('a clock that goes back', () => {
    it('counts a late call in its older bucket while that bucket is inside the window', () => {
      const window = new TimeWindow(SIZE);
      window.record(call(10_000, 1)); // bucket 10: the window is buckets 6..10
      window.record(call(7_500, 2, false)); // bucket 7
      window.record(call(6_000, 4)); // bucket 6, the oldest inside
      expect(totals(window, 10_000)).toEqual([3, 1, 7]);
      expect(totals(window, 11_000)).toEqual([2, 1, 3]); // bucket 6 leaves
      expect(totals(window, 11_999)).toEqual([2, 1, 3]);
      expect(totals(window, 12_000)).toEqual([1, 0, 1]); // bucket 7 leaves
    });

    it('drops a call older than the window', () => {
      const window = new TimeWindow(SIZE);
      window.record(call(10_000, 1));
      window.record(call(5_999, 2)); // bucket 5: already out
      window.record(call(-1, 4));
      expect(totals(window, 10_000)).toEqual([1, 0, 1]);
      expect(totals(window, 9_000)).toEqual([1, 0, 1]);
    });

    it('evicts nothing on a read earlier than the newest bucket seen', () => {
      const window = new TimeWindow(SIZE);
      window.record(call(6_000, 1)); // bucket 6
      window.record(call(10_000, 2)); // bucket 10: the window is buckets 6..10
      expect(totals(window, 0)).toEqual([2, 0, 3]);
      expect(totals(window, 6_000)).toEqual([2, 0, 3]);
      window.record(call(5_000, 4)); // bucket 5: still out
      expect(totals(window, 10_500)).toEqual([2, 0, 3]);
      expect(totals(window, 11_000)).toEqual([1, 0, 2]);
    });

    it('lets a read move the window on, so later calls older than it are dropped', () => {
      const window = new TimeWindow(SIZE);
      expect(totals(window, 20_000)).toEqual([0, 0, 0]); // the window is now buckets 16..20
      window.record(call(15_999, 1));
      window.record(call(16_000, 2));
      expect(totals(window, 20_000)).toEqual([1, 0, 2]);
    });
  });

  describe('slow calls', () => {
    it('counts each threshold, subtracts on eviction and keeps learned thresholds at 0', () => {
      const window = new TimeWindow(SIZE);
      window.record(call(0, 600, true, [500, 100]));
      window.record(call(1_000, 150, true, [100]));
      window.record(call(2_000, 2_000, false, [1_000, 500, 100]));
      let metric = window.metric(4_000);
      expect([...metric.slowCounts]).toEqual([
        [100, 3],
        [500, 2],
        [1_000, 1],
      ]);
      expect(metric.slowRate(100)).toBe(1);
      expect(metric.slowRate(500)).toBe(2 / 3);
      expect(metric.slowRate(1_000)).toBe(1 / 3);
      expect(metric.slowRate(42)).toBe(0);

      metric = window.metric(5_000); // bucket 0 leaves
      expect([...metric.slowCounts]).toEqual([
        [100, 2],
        [500, 1],
        [1_000, 1],
      ]);
      expect(metric.slowRate(500)).toBe(0.5);

      metric = window.metric(6_000); // bucket 1 leaves
      expect([...metric.slowCounts]).toEqual([
        [100, 1],
        [500, 1],
        [1_000, 1],
      ]);

      metric = window.metric(7_000); // bucket 2 leaves
      expect([...metric.slowCounts]).toEqual([
        [100, 0],
        [500, 0],
        [1_000, 0],
      ]);
      expect(metric.slowRate(100)).toBeUndefined();
    });

    it('learns a threshold first seen while older buckets are held', () => {
      const window = new TimeWindow(SIZE);
      window.record(call(0, 900));
      window.record(call(1_000, 900, true, [100]));
      window.record(call(2_000, 900, true, [100, 800]));
      expect([...window.metric(2_000).slowCounts]).toEqual([
        [100, 2],
        [800, 1],
      ]);
      expect([...window.metric(6_000).slowCounts]).toEqual([
        [100, 1],
        [800, 1],
      ]);
    });

    it('handles many thresholds', () => {
      const thresholds = Array.from({ length: 11 }, (_, i) => (i + 1) * 100);
      const window = new TimeWindow(SIZE);
      for (let b = 0; b < 7; b++)
        window.record(call(b * BUCKET, 1, true, thresholds.slice(0, b * 2)));
      // Buckets 2..6 met 4, 6, 8, 10 and 11 thresholds.
      const metric = window.metric(6_000);
      expect(metric.slowCounts.size).toBe(11);
      expect(metric.slowCounts.get(100)).toBe(5);
      expect(metric.slowCounts.get(500)).toBe(4);
      expect(metric.slowCounts.get(700)).toBe(3);
      expect(metric.slowCounts.get(1_100)).toBe(1);
    });

    it('counts a threshold listed twice once and ignores NaN', () => {
      const window = new TimeWindow(SIZE);
      window.record(call(0, 300, true, [100, Number.NaN, 100]));
      expect([...window.metric(0).slowCounts]).toEqual([[100, 1]]);
    });
  });

  it('returns snapshots that later records and reads do not change', () => {
    const window = new TimeWindow(SIZE);
    window.record(call(0, 10, false, [5]));
    const before = window.metric(0);
    window.record(call(1_000, 20, true, [5, 7]));
    window.metric(100_000);
    window.reset();
    expect([...before.slowCounts]).toEqual([[5, 1]]);
    expect([before.totalCount, before.failureCount, before.totalDuration]).toEqual([1, 1, 10]);
    expect(before.failureRate).toBe(1);
    expect(before.avgDuration).toBe(10);
    expect(before.slowRate(7)).toBe(0);
  });

  describe('reset', () => {
    it('forgets every call and keeps learned thresholds at 0', () => {
      const window = new TimeWindow(SIZE);
      window.record(call(1_000, 10, false, [5]));
      window.record(call(2_000, 20));
      window.reset();
      const metric = window.metric(2_000);
      expect([metric.totalCount, metric.failureCount, metric.totalDuration]).toEqual([0, 0, 0]);
      expect(metric.failureRate).toBeUndefined();
      expect(metric.avgDuration).toBeUndefined();
      expect([...metric.slowCounts]).toEqual([[5, 0]]);
    });

    it('counts calls after a reset afresh, in the same buckets, and evicts them correctly', () => {
      const window = new TimeWindow(SIZE);
      window.record(call(1_000, 10, false, [5]));
      window.record(call(2_000, 20, false, [5]));
      window.reset();
      window.record(call(2_000, 1)); // the bucket that held a call before the reset
      window.record(call(3_000, 2, true, [5]));
      expect(totals(window, 3_000)).toEqual([2, 0, 3]);
      expect(totals(window, 6_000)).toEqual([2, 0, 3]); // bucket 1 leaves: it was reset
      expect(totals(window, 7_000)).toEqual([1, 0, 2]);
      expect([...window.metric(7_000).slowCounts]).toEqual([[5, 1]]);
      expect(totals(window, 8_000)).toEqual([0, 0, 0]);
    });
  });

  it('drops a call whose timestamp is not a finite number, and carries on', () => {
    const window = new TimeWindow(SIZE);
    window.record(call(Number.NaN, 1));
    window.record(call(Infinity, 2));
    window.record(call(-Infinity, 4));
    expect(totals(window, Infinity)).toEqual([0, 0, 0]);
    expect(totals(window, Number.NaN)).toEqual([0, 0, 0]);
    window.record(call(1_000, 8));
    expect(totals(window, 1_000)).toEqual([1, 0, 8]);
  });

  it('handles timestamps before 1970', () => {
    const window = new TimeWindow(SIZE);
    window.record(call(-1_500, 1)); // bucket -2
    window.record(call(-1, 2)); // bucket -1
    expect(totals(window, 0)).toEqual([2, 0, 3]);
    expect(totals(window, 3_000)).toEqual([1, 0, 2]); // buckets -1..3
    expect(totals(window, 4_000)).toEqual([0, 0, 0]);
  });

  it('works with a single bucket', () => {
    const window = new TimeWindow(1_000, { bucket: 1_000 });
    window.record(call(1_000, 1));
    window.record(call(1_999, 2));
    expect(totals(window, 1_999)).toEqual([2, 0, 3]);
    window.record(call(2_000, 4));
    expect(totals(window, 2_000)).toEqual([1, 0, 4]);
    window.record(call(1_999, 8)); // the previous bucket: out
    expect(totals(window, 2_000)).toEqual([1, 0, 4]);
  });

  it('accepts decimal bucket widths that divide size', () => {
    const window = new TimeWindow(0.3, { bucket: 0.1 });
    expect([window.size, window.bucket]).toEqual([0.3, 0.1]);
  });

  describe('validation', () => {
    it.each([
      [
        'size not a multiple of bucket',
        1_500,
        { bucket: 1_000 },
        'RangeError',
        ['size', '1500', '1000'],
      ],
      ['size smaller than bucket', 500, { bucket: 1_000 }, 'RangeError', ['size', '500', '1000']],
      ['size 0', 0, undefined, 'RangeError', ['size', '0']],
      ['size negative', -5_000, undefined, 'RangeError', ['size', '-5000']],
      ['size NaN', Number.NaN, undefined, 'RangeError', ['size', 'NaN']],
      ['size Infinity', Infinity, undefined, 'RangeError', ['size', 'Infinity']],
      ['size a string', '5000', undefined, 'TypeError', ['size', '5000']],
      ['size undefined', undefined, undefined, 'TypeError', ['size', 'undefined']],
      ['bucket 0', SIZE, { bucket: 0 }, 'RangeError', ['bucket', '0']],
      ['bucket negative', SIZE, { bucket: -1_000 }, 'RangeError', ['bucket', '-1000']],
      ['bucket NaN', SIZE, { bucket: Number.NaN }, 'RangeError', ['bucket', 'NaN']],
      ['bucket Infinity', SIZE, { bucket: Infinity }, 'RangeError', ['bucket', 'Infinity']],
      ['bucket a string', SIZE, { bucket: '1000' }, 'TypeError', ['bucket', '1000']],
      ['bucket null', SIZE, { bucket: null }, 'TypeError', ['bucket', 'null']],
      ['options null', SIZE, null, 'TypeError', ['options', 'null']],
      ['options a number', SIZE, 1_000, 'TypeError', ['options', '1000']],
      ['options a string', SIZE, 'fast', 'TypeError', ['options', 'fast']],
    ] as const)('rejects %s', (_case, size, options, errorName, fragments) => {
      const make = () =>
        new TimeWindow(size as unknown as number, options as unknown as TimeWindowOptions);
      expect(make).toThrow({ RangeError, TypeError }[errorName]);
      for (const fragment of fragments) expect(make).toThrow(fragment);
    });

    it.each([
      [1_000, 1_000],
      [60_000, 1_000],
      [10_000, 250],
      [1, 1],
    ])('accepts size %p with bucket %p', (size, bucket) => {
      const window = new TimeWindow(size, { bucket });
      expect([window.size, window.bucket]).toEqual([size, bucket]);
    });
  });
});
