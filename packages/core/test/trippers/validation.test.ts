import {
  AvgLatency,
  FailureRate,
  FailureStreak,
  MinRequests,
  SlowRate,
  type SlowRateOptions,
} from '@fluxgate/core/trippers';
import { cases, expectThrows } from '../support/validation';

const notNumbers: readonly unknown[] = ['5', '', null, undefined, {}, [], true];
const badCounts: readonly unknown[] = [
  NaN,
  Infinity,
  -Infinity,
  0,
  -0,
  -1,
  1.5,
  0.999,
  ...notNumbers,
];
const badRatios: readonly unknown[] = [
  NaN,
  Infinity,
  -Infinity,
  0,
  -0,
  -0.1,
  1.01,
  2,
  ...notNumbers,
];
const badThresholds: readonly unknown[] = [NaN, Infinity, -Infinity, 0, -0, -1, ...notNumbers];

describe('tripper validation', () => {
  it.each([
    ...cases('MinRequests', 'count', badCounts, (v) => new MinRequests(v as number)),
    ...cases('FailureStreak', 'count', badCounts, (v) => new FailureStreak(v as number)),
    ...cases('FailureRate', 'ratio', badRatios, (v) => new FailureRate(v as number)),
    ...cases('AvgLatency', 'threshold', badThresholds, (v) => new AvgLatency(v as number)),
    ...cases('SlowRate', 'ratio', badRatios, (v) => new SlowRate(v as number, { threshold: 100 })),
    ...cases(
      'SlowRate',
      'threshold',
      badThresholds,
      (v) => new SlowRate(0.5, { threshold: v as number }),
    ),
  ])('$title', ({ build, name, value, error }) => {
    expectThrows(build, error, name, String(value));
  });

  it.each<[string, unknown]>([
    ['no options', undefined],
    ['empty options', {}],
  ])('SlowRate with %s throws a TypeError naming threshold', (_label, opts) => {
    expectThrows(() => new SlowRate(0.5, opts as SlowRateOptions), TypeError, 'threshold');
  });

  it.each(['fast', 300, null, true])(
    'SlowRate with options %p throws a TypeError naming options',
    (opts) => {
      const build = () => new SlowRate(0.5, opts as unknown as SlowRateOptions);
      expectThrows(build, TypeError, 'options', String(opts));
    },
  );

  it.each<[string, () => unknown]>([
    ['MinRequests(1)', () => new MinRequests(1)],
    ['MinRequests(Number.MAX_SAFE_INTEGER)', () => new MinRequests(Number.MAX_SAFE_INTEGER)],
    ['FailureStreak(1)', () => new FailureStreak(1)],
    ['FailureRate(1)', () => new FailureRate(1)],
    ['FailureRate(Number.MIN_VALUE)', () => new FailureRate(Number.MIN_VALUE)],
    ['AvgLatency(0.001)', () => new AvgLatency(0.001)],
    ['SlowRate(1, { threshold: 1.5 })', () => new SlowRate(1, { threshold: 1.5 })],
  ])('accepts the edge %s', (_label, build) => {
    expect(build).not.toThrow();
  });
});
