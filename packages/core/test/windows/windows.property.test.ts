import fc from 'fast-check';
import { CountWindow, TimeWindow, type Window } from '@fluxgate/core/windows';

type CallRecord = Parameters<Window['record']>[0];
type Metric = ReturnType<Window['metric']>;

// Property tests: each window against a naive model that keeps every record and recounts from
// scratch at every read. Durations are integers, so every sum is exact and every comparison is
// `toEqual`.

const POOL = [50, 100, 500] as const;
/** A threshold no record ever lists: its slowRate must be 0 (or undefined when empty). */
const NEVER = 7;

interface Summary {
  totalCount: number;
  failureCount: number;
  totalDuration: number;
  failureRate: number | undefined;
  avgDuration: number | undefined;
  slowRates: (number | undefined)[];
  slowCounts?: [number, number][];
}

function summarise(metric: Metric, withSlowCounts: boolean): Summary {
  const summary: Summary = {
    totalCount: metric.totalCount,
    failureCount: metric.failureCount,
    totalDuration: metric.totalDuration,
    failureRate: metric.failureRate,
    avgDuration: metric.avgDuration,
    slowRates: [...POOL, NEVER].map((t) => metric.slowRate(t)),
  };
  if (withSlowCounts) summary.slowCounts = [...metric.slowCounts];
  return summary;
}

/** What a window holding `live` should report, having learned `learned`. */
function expected(
  live: readonly CallRecord[],
  learned: ReadonlySet<number>,
  withSlowCounts: boolean,
): Summary {
  const totalCount = live.length;
  const failureCount = live.filter((r) => !r.success).length;
  const totalDuration = live.reduce((sum, r) => sum + r.duration, 0);
  const slowCount = (t: number) => live.filter((r) => r.slowAt.includes(t)).length;
  const summary: Summary = {
    totalCount,
    failureCount,
    totalDuration,
    failureRate: totalCount === 0 ? undefined : failureCount / totalCount,
    avgDuration: totalCount === 0 ? undefined : totalDuration / totalCount,
    slowRates: [...POOL, NEVER].map((t) =>
      totalCount === 0 ? undefined : slowCount(t) / totalCount,
    ),
  };
  if (withSlowCounts) {
    summary.slowCounts = [...learned].sort((a, b) => a - b).map((t) => [t, slowCount(t)]);
  }
  return summary;
}

const outcome = fc.record({
  success: fc.boolean(),
  duration: fc.integer({ min: 0, max: 5_000 }),
  slowAt: fc.shuffledSubarray([...POOL]),
});

type Step =
  | { kind: 'record'; gap: number; edge: boolean; outcome: Omit<CallRecord, 'timestamp'> }
  | { kind: 'read'; gap: number; edge: boolean }
  | { kind: 'reset' };

interface Config {
  bucket: number;
  n: number;
  start: number;
}

/**
 * Gaps between steps, in milliseconds: none, within a bucket, whole buckets, exactly `size`, just
 * under and over it, and idle periods of many times `size`. With `back`, the clock may also go
 * back by up to twice `size`.
 */
function gaps({ bucket, n }: Config, back: boolean): fc.Arbitrary<number> {
  const size = bucket * n;
  const forward = [
    fc.constant(0),
    fc.integer({ min: 0, max: 2 * bucket }),
    fc.integer({ min: 0, max: 2 * n }).map((k) => k * bucket),
    fc.constantFrom(size, size - bucket, size - 1, size + 1),
    fc.integer({ min: 2 * size, max: 1_000 * size }),
  ];
  return back
    ? fc.oneof(...forward, fc.integer({ min: -2 * size, max: -1 }))
    : fc.oneof(...forward);
}

function steps(config: Config, back: boolean, resets: boolean): fc.Arbitrary<Step[]> {
  const gap = gaps(config, back);
  const step: fc.Arbitrary<Step>[] = [
    fc.record({ kind: fc.constant('record' as const), gap, edge: fc.boolean(), outcome }),
    fc.record({ kind: fc.constant('read' as const), gap, edge: fc.boolean() }),
  ];
  if (resets) step.push(fc.constant({ kind: 'reset' as const }));
  return fc.array(
    fc.oneof({ arbitrary: step[0] as fc.Arbitrary<Step>, weight: 3 }, ...step.slice(1)),
    { maxLength: 60 },
  );
}

const configs = fc.record({
  bucket: fc.constantFrom(1, 7, 1_000),
  n: fc.integer({ min: 1, max: 6 }),
  start: fc.constantFrom(0, 999, 1_000, 1_700_000_000_000),
});

/**
 * The SPEC's rules, naively: a record goes to bucket floor(timestamp / bucket); it is dropped if
 * that bucket is already out of the window (older than the newest bucket seen minus n); a read at
 * `now` counts the kept records whose bucket is in (H - n, H], H the newest bucket seen, `now`'s
 * included. With monotonic time, H is simply floor(now / bucket).
 */
class TimeModel {
  #kept: { id: number; record: CallRecord }[] = [];
  #head = -Infinity;
  readonly learned = new Set<number>();

  constructor(
    readonly bucket: number,
    readonly n: number,
  ) {}

  record(record: CallRecord): void {
    const id = Math.floor(record.timestamp / this.bucket);
    if (id <= this.#head - this.n) return;
    this.#head = Math.max(this.#head, id);
    this.#kept.push({ id, record });
    for (const t of record.slowAt) this.learned.add(t);
  }

  live(now: number): CallRecord[] {
    this.#head = Math.max(this.#head, Math.floor(now / this.bucket));
    const head = this.#head;
    return this.#kept.filter(({ id }) => id > head - this.n && id <= head).map((k) => k.record);
  }

  reset(): void {
    this.#kept = [];
  }
}

function runTimeWindow(config: Config, script: readonly Step[]): void {
  const { bucket, n, start } = config;
  const window = new TimeWindow(bucket * n, { bucket });
  const model = new TimeModel(bucket, n);
  const snapshots: { metric: Metric; want: Summary }[] = [];
  let now = start;
  for (const step of script) {
    if (step.kind === 'reset') {
      window.reset();
      model.reset();
      continue;
    }
    now += step.gap;
    if (step.edge) now = Math.ceil(now / bucket) * bucket;
    if (step.kind === 'record') {
      const record = { ...step.outcome, timestamp: now };
      window.record(record);
      model.record(record);
    } else {
      const metric = window.metric(now);
      // Half the snapshots have slowCounts read at once, the others only at the end.
      const eager = snapshots.length % 2 === 0;
      expect(summarise(metric, eager)).toEqual(expected(model.live(now), model.learned, eager));
      snapshots.push({ metric, want: expected(model.live(now), model.learned, true) });
    }
  }
  const metric = window.metric(now);
  expect(summarise(metric, true)).toEqual(expected(model.live(now), model.learned, true));
  // Every metric returned along the way is still the snapshot it was.
  for (const { metric: old, want } of snapshots) expect(summarise(old, true)).toEqual(want);
}

describe('TimeWindow against a naive model', () => {
  it('agrees with monotonic time, edge timestamps and long idle gaps', () => {
    fc.assert(
      fc.property(
        configs.chain((config) => fc.tuple(fc.constant(config), steps(config, false, false))),
        ([config, script]) => runTimeWindow(config, script),
      ),
      { numRuns: 300 },
    );
  });

  it('agrees when the clock goes back and the window is reset', () => {
    fc.assert(
      fc.property(
        configs.chain((config) => fc.tuple(fc.constant(config), steps(config, true, true))),
        ([config, script]) => runTimeWindow(config, script),
      ),
      { numRuns: 300 },
    );
  });
});

describe('CountWindow against a naive model', () => {
  it('holds the last size records since the last reset', () => {
    const script = fc.array(
      fc.oneof(
        { arbitrary: outcome.map((o) => ({ kind: 'record' as const, outcome: o })), weight: 4 },
        { arbitrary: fc.constant({ kind: 'read' as const }), weight: 2 },
        { arbitrary: fc.constant({ kind: 'reset' as const }), weight: 1 },
      ),
      { maxLength: 80 },
    );
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), script, (size, ops) => {
        const window = new CountWindow(size);
        let all: CallRecord[] = [];
        const learned = new Set<number>();
        const snapshots: { metric: Metric; want: Summary }[] = [];
        for (const op of ops) {
          if (op.kind === 'reset') {
            window.reset();
            all = [];
          } else if (op.kind === 'record') {
            const record = { ...op.outcome, timestamp: 0 };
            window.record(record);
            all.push(record);
            for (const t of record.slowAt) learned.add(t);
          } else {
            const metric = window.metric(0);
            const eager = snapshots.length % 2 === 0;
            expect(summarise(metric, eager)).toEqual(expected(all.slice(-size), learned, eager));
            snapshots.push({ metric, want: expected(all.slice(-size), learned, true) });
          }
        }
        expect(summarise(window.metric(0), true)).toEqual(
          expected(all.slice(-size), learned, true),
        );
        for (const { metric, want } of snapshots) expect(summarise(metric, true)).toEqual(want);
      }),
      { numRuns: 300 },
    );
  });
});
