import {
  Backoff,
  Cooldown,
  type BackoffOptions,
  type CooldownOptions,
} from '@fluxgate/core/retries';

function thrownBy(build: () => unknown): unknown {
  try {
    build();
  } catch (error) {
    return error;
  }
  throw new Error('expected the constructor to throw');
}

interface Case {
  title: string;
  build: () => unknown;
  name: string;
  value: unknown;
  error: typeof RangeError | typeof TypeError;
}

/**
 * One case per bad value: a RangeError for a number, a TypeError for anything else (and for
 * every value of a parameter that must be a function).
 */
function cases(
  ctor: string,
  name: string,
  values: readonly unknown[],
  build: (value: unknown) => unknown,
  { alwaysTypeError = false } = {},
): Case[] {
  return values.map((value) => ({
    title: `${ctor}: ${name} = ${typeof value === 'string' ? JSON.stringify(value) : String(value)}`,
    build: () => build(value),
    name,
    value,
    error: typeof value === 'number' && !alwaysTypeError ? RangeError : TypeError,
  }));
}

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
    const thrown = thrownBy(build);
    expect(thrown).toBeInstanceOf(error);
    expect((thrown as Error).message).toContain(
      name === 'options' && value === undefined ? 'initial' : name,
    );
    expect((thrown as Error).message).toContain(String(value));
  });

  it('Backoff without initial throws a TypeError naming initial', () => {
    const thrown = thrownBy(() => backoff({ multiplier: 2 }));
    expect(thrown).toBeInstanceOf(TypeError);
    expect((thrown as Error).message).toContain('initial');
  });

  it('Backoff with an initial above the default maxDuration names maxDuration and the default', () => {
    const thrown = thrownBy(() => new Backoff({ initial: 600_000 }));
    expect(thrown).toBeInstanceOf(RangeError);
    expect((thrown as Error).message).toContain('maxDuration');
    expect((thrown as Error).message).toContain('300000');
    expect((thrown as Error).message).toContain('600000');
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
