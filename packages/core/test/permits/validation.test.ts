import { Random, RampUp, type RampUpOptions, type RandomOptions } from '@fluxgate/core/permits';
import { cases, expectThrows } from '../support/validation';

const notNumbers: readonly unknown[] = ['0.5', '', null, undefined, {}, [], true];
const outside01: readonly unknown[] = [NaN, Infinity, -Infinity, -0.1, 1.01, 2];
const badRandoms: readonly unknown[] = [0.5, NaN, 'Math.random', null, {}, true];

const random = (ratio: unknown, opts?: unknown): Random =>
  new Random(ratio as number, opts as RandomOptions);
const rampUp = (opts: unknown): RampUp => new RampUp(opts as RampUpOptions);
const valid = { initial: 0.5, final: 0.8, duration: 1_000 };

describe('permit validation', () => {
  it.each([
    ...cases('Random', 'ratio', [...outside01, ...notNumbers], (v) => random(v)),
    ...cases('Random', 'random', badRandoms, (v) => random(0.5, { random: v }), {
      alwaysTypeError: true,
    }),
    ...cases('Random', 'options', ['fast', 5, null, true], (v) => random(0.5, v), {
      alwaysTypeError: true,
    }),
    ...cases('RampUp', 'initial', [0, -0, ...outside01, ...notNumbers], (v) =>
      rampUp({ ...valid, initial: v }),
    ),
    ...cases('RampUp', 'final', [0, 0.49, ...outside01, ...notNumbers], (v) =>
      rampUp({ ...valid, final: v }),
    ),
    ...cases('RampUp', 'duration', [NaN, Infinity, -Infinity, 0, -0, -1, ...notNumbers], (v) =>
      rampUp({ ...valid, duration: v }),
    ),
    ...cases('RampUp', 'random', badRandoms, (v) => rampUp({ ...valid, random: v }), {
      alwaysTypeError: true,
    }),
    ...cases('RampUp', 'options', ['fast', 5, null, true], (v) => rampUp(v), {
      alwaysTypeError: true,
    }),
  ])('$title', ({ build, name, value, error }) => {
    expectThrows(build, error, name, String(value));
  });

  it.each<[string, unknown]>([
    ['initial', { final: 1, duration: 1_000 }],
    ['final', { initial: 0.1, duration: 1_000 }],
    ['duration', { initial: 0.1, final: 1 }],
    ['initial', undefined],
  ])('RampUp without %s throws a TypeError naming it', (name, opts) => {
    expectThrows(() => rampUp(opts), TypeError, name);
  });

  it('RampUp with final below initial names final and initial', () => {
    const build = () => rampUp({ initial: 0.6, final: 0.5, duration: 1_000 });
    expectThrows(build, RangeError, 'final', '0.6', '0.5');
  });

  it.each<[string, () => unknown]>([
    ['Random(0)', () => new Random(0)],
    ['Random(1)', () => new Random(1)],
    ['Random with random undefined', () => new Random(0.5, { random: undefined })],
    ['RampUp from 1 to 1', () => new RampUp({ initial: 1, final: 1, duration: 1 })],
    [
      'RampUp with initial === final',
      () => new RampUp({ initial: 0.3, final: 0.3, duration: 1_000 }),
    ],
    [
      'RampUp with a tiny initial',
      () => new RampUp({ initial: Number.MIN_VALUE, final: 1, duration: 0.001 }),
    ],
  ])('accepts the edge %s', (_label, build) => {
    expect(build).not.toThrow();
  });
});
