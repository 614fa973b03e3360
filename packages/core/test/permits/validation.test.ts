import { Random, RampUp, type RampUpOptions, type RandomOptions } from '@fluxgate/core/permits';

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
    const thrown = thrownBy(build);
    expect(thrown).toBeInstanceOf(error);
    expect((thrown as Error).message).toContain(name);
    expect((thrown as Error).message).toContain(String(value));
  });

  it.each<[string, unknown]>([
    ['initial', { final: 1, duration: 1_000 }],
    ['final', { initial: 0.1, duration: 1_000 }],
    ['duration', { initial: 0.1, final: 1 }],
    ['initial', undefined],
  ])('RampUp without %s throws a TypeError naming it', (name, opts) => {
    const thrown = thrownBy(() => rampUp(opts));
    expect(thrown).toBeInstanceOf(TypeError);
    expect((thrown as Error).message).toContain(name);
  });

  it('RampUp with final below initial names final and initial', () => {
    const thrown = thrownBy(() => rampUp({ initial: 0.6, final: 0.5, duration: 1_000 }));
    expect(thrown).toBeInstanceOf(RangeError);
    expect((thrown as Error).message).toContain('final');
    expect((thrown as Error).message).toContain('0.6');
    expect((thrown as Error).message).toContain('0.5');
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
