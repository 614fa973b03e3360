import {
  Backoff,
  Cooldown,
  type BackoffOptions,
  type CooldownOptions,
} from '@fluxgate/core/retries';
import { cases, expectThrows } from '../support/validation';

const notNumbers: readonly unknown[] = ['1000', '', null, {}, [], true];
const badDurations: readonly unknown[] = [NaN, Infinity, -Infinity, 0, -0, -1, ...notNumbers];
const badJitterRatios: readonly unknown[] = [
  NaN,
  Infinity,
  -Infinity,
  -0.1,
  1,
  1.01,
  ...notNumbers,
];
const badRandoms: readonly unknown[] = [0.5, NaN, 'Math.random', null, {}, true];
const badMultipliers: readonly unknown[] = [
  NaN,
  Infinity,
  -Infinity,
  0,
  0.5,
  0.999,
  -2,
  ...notNumbers,
];

const cooldown = (duration: unknown, opts: unknown): Cooldown =>
  new Cooldown(duration as number, opts as CooldownOptions);
const backoff = (opts: unknown): Backoff => new Backoff(opts as BackoffOptions);

describe('retry validation', () => {
  it.each([
    ...cases('Cooldown', 'duration', [...badDurations, undefined], (v) => cooldown(v, undefined)),
    ...cases('Cooldown', 'jitterRatio', badJitterRatios, (v) =>
      cooldown(1_000, { jitterRatio: v }),
    ),
    ...cases('Cooldown', 'random', badRandoms, (v) => cooldown(1_000, { random: v }), {
      alwaysTypeError: true,
    }),
    ...cases('Cooldown', 'options', ['fast', 5, null, true], (v) => cooldown(1_000, v), {
      alwaysTypeError: true,
    }),
    ...cases('Backoff', 'initial', [...badDurations, undefined], (v) => backoff({ initial: v })),
    ...cases('Backoff', 'multiplier', badMultipliers, (v) =>
      backoff({ initial: 1_000, multiplier: v }),
    ),
    ...cases('Backoff', 'maxDuration', [...badDurations, 999, 1], (v) =>
      backoff({ initial: 1_000, maxDuration: v }),
    ),
    ...cases('Backoff', 'jitterRatio', badJitterRatios, (v) =>
      backoff({ initial: 1_000, jitterRatio: v }),
    ),
    ...cases('Backoff', 'random', badRandoms, (v) => backoff({ initial: 1_000, random: v }), {
      alwaysTypeError: true,
    }),
    ...cases('Backoff', 'options', [undefined, 'fast', 5, null, true], (v) => backoff(v), {
      alwaysTypeError: true,
    }),
  ])('$title', ({ build, name, value, error }) => {
    const named = name === 'options' && value === undefined ? 'initial' : name;
    expectThrows(build, error, named, String(value));
  });

  it('Backoff without initial throws a TypeError naming initial', () => {
    expectThrows(() => backoff({ multiplier: 2 }), TypeError, 'initial');
  });

  it('Backoff with an initial above the default maxDuration names maxDuration and the default', () => {
    const build = () => new Backoff({ initial: 600_000 });
    expectThrows(build, RangeError, 'maxDuration (the default)', '300000', '600000');
  });

  it.each<[string, () => unknown]>([
    ['Cooldown(0.001)', () => new Cooldown(0.001)],
    ['Cooldown with jitterRatio 0.999', () => new Cooldown(1_000, { jitterRatio: 0.999 })],
    ['Cooldown with random undefined', () => new Cooldown(1_000, { random: undefined })],
    ['Backoff with multiplier 1', () => new Backoff({ initial: 1_000, multiplier: 1 })],
    [
      'Backoff with maxDuration === initial',
      () => new Backoff({ initial: 1_000, maxDuration: 1_000 }),
    ],
    ['Backoff with initial === the default maxDuration', () => new Backoff({ initial: 300_000 })],
    [
      'Backoff with initial above the default and a larger maxDuration',
      () => new Backoff({ initial: 600_000, maxDuration: 600_000 }),
    ],
  ])('accepts the edge %s', (_label, build) => {
    expect(build).not.toThrow();
  });
});
