import fc from 'fast-check';
import { All, Permit, Random, RampUp } from '@fluxgate/core/permits';

/** A random source that returns the given values in order, and fails loudly past the end. */
function sequence(...values: number[]): jest.Mock<number, []> {
  let next = 0;
  return jest.fn(() => {
    if (next >= values.length) throw new Error(`sequence exhausted after ${values.length} draws`);
    return values[next++]!;
  });
}

const at = (changedAt: number, now: number) => ({ changedAt, now });

describe('All', () => {
  it.each([at(0, 0), at(1_000, 500), at(0, 1e12)])('allows %p', (context) => {
    expect(new All().allows(context)).toBe(true);
  });
});

describe('Random', () => {
  it.each<[number, number, boolean]>([
    [0.5, 0, true],
    [0.5, 0.25, true],
    [0.5, 0.4999, true],
    [0.5, 0.5, false], // random() === ratio: not allowed
    [0.5, 0.75, false],
    [0.2, 0.2, false],
    [0.2, 0.19999999999999998, true],
    [0, 0, false], // ratio 0 allows nothing
    [1, 0, true],
    [1, 0.9999999999999999, true], // ratio 1 allows every value random() can return
  ])('Random(%p) with random() = %p allows: %p', (ratio, draw, expected) => {
    expect(new Random(ratio, { random: sequence(draw) }).allows(at(0, 0))).toBe(expected);
  });

  it('draws once per call, whatever the times', () => {
    const random = sequence(0.1, 0.9, 0.3);
    const permit = new Random(0.5, { random });
    expect([at(0, 0), at(0, 1_000), at(0, 1e9)].map((c) => permit.allows(c))).toEqual([
      true,
      false,
      true,
    ]);
    expect(random).toHaveBeenCalledTimes(3);
  });

  it('reads Math.random at each draw by default, so that it stays replaceable', () => {
    const permit = new Random(0.5);
    const spy = jest.spyOn(Math, 'random').mockReturnValueOnce(0.4).mockReturnValueOnce(0.6);
    try {
      expect([permit.allows(at(0, 0)), permit.allows(at(0, 0))]).toEqual([true, false]);
    } finally {
      spy.mockRestore();
    }
  });

  it('exposes its ratio', () => {
    expect(new Random(0.3).ratio).toBe(0.3);
  });
});

describe('RampUp', () => {
  // initial 0.25, final 0.75 over 1_000 ms: binary-exact, so the table can be exact.
  const options = { initial: 0.25, final: 0.75, duration: 1_000 };
  const changedAt = 10_000;

  it.each<[string, number, number]>([
    ['long before changedAt', 0, 0.25],
    ['just before changedAt (a clock that went back)', 9_999, 0.25],
    ['at changedAt', 10_000, 0.25],
    ['a quarter of the way', 10_250, 0.375],
    ['midway', 10_500, 0.5],
    ['three quarters of the way', 10_750, 0.625],
    ['at changedAt + duration', 11_000, 0.75],
    ['just after', 11_001, 0.75],
    ['long after', 1e12, 0.75],
  ])('%s (now = %p) lets a share of %p through', (_label, now, expected) => {
    const permit = new RampUp(options);
    expect(permit.ratioAt(at(changedAt, now))).toBe(expected);
    // random() just below the share is allowed; random() equal to it is not.
    expect(new RampUp({ ...options, random: sequence(expected) }).allows(at(changedAt, now))).toBe(
      false,
    );
    expect(
      new RampUp({ ...options, random: sequence(expected - 2 ** -20) }).allows(at(changedAt, now)),
    ).toBe(true);
  });

  it.each<[string, number, number, boolean]>([
    ['at changedAt', 10_000, 0.2, true],
    ['at changedAt', 10_000, 0.3, false],
    ['midway', 10_500, 0.45, true],
    ['midway', 10_500, 0.55, false],
    ['after duration', 12_000, 0.7, true],
    ['after duration', 12_000, 0.8, false],
    ['before changedAt', 9_000, 0.2, true],
    ['before changedAt', 9_000, 0.3, false],
  ])('%s with random() = %p allows: %p', (_label, now, draw, expected) => {
    expect(new RampUp({ ...options, random: sequence(draw) }).allows(at(changedAt, now))).toBe(
      expected,
    );
  });

  it('follows the SPEC default (0.1 → 1 over 60 s) and lets everything through at the end', () => {
    const permit = new RampUp({ initial: 0.1, final: 1, duration: 60_000 });
    expect(permit.ratioAt(at(0, 0))).toBe(0.1);
    expect(permit.ratioAt(at(0, 30_000))).toBeCloseTo(0.55, 15);
    expect(permit.ratioAt(at(0, 60_000))).toBe(1);
    expect(
      new RampUp({
        initial: 0.1,
        final: 1,
        duration: 60_000,
        random: sequence(0.9999999999999999),
      }).allows(at(0, 60_000)),
    ).toBe(true);
  });

  it('stays constant when initial === final', () => {
    const permit = new RampUp({ initial: 0.5, final: 0.5, duration: 1_000 });
    expect([0, 500, 1_000, 5_000].map((now) => permit.ratioAt(at(0, now)))).toEqual([
      0.5, 0.5, 0.5, 0.5,
    ]);
  });

  it('draws once per call', () => {
    const random = sequence(0.3, 0.3, 0.3);
    const permit = new RampUp({ ...options, random });
    expect([10_000, 10_500, 11_000].map((now) => permit.allows(at(changedAt, now)))).toEqual([
      false,
      true,
      true,
    ]);
    expect(random).toHaveBeenCalledTimes(3);
  });

  it('exposes its settings', () => {
    const permit = new RampUp(options);
    expect([permit.initial, permit.final, permit.duration]).toEqual([0.25, 0.75, 1_000]);
  });

  it('never leaves [initial, final] and never goes down as time passes', () => {
    fc.assert(
      fc.property(
        fc.double({ min: Number.MIN_VALUE, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0.001, max: 1e9, noNaN: true }),
        fc.double({ min: -1e10, max: 1e10, noNaN: true }),
        fc.double({ min: 0, max: 1e10, noNaN: true }),
        (initial, t, duration, now, step) => {
          const final = initial + (1 - initial) * t;
          const permit = new RampUp({ initial, final, duration });
          const ratio = permit.ratioAt(at(0, now));
          expect(ratio).toBeGreaterThanOrEqual(initial);
          expect(ratio).toBeLessThanOrEqual(final);
          expect(permit.ratioAt(at(0, now + step))).toBeGreaterThanOrEqual(ratio);
        },
      ),
    );
  });
});

describe('a custom subclass', () => {
  /** Lets calls through only after a quiet period in half_open. */
  class AfterQuiet extends Permit {
    constructor(private readonly quiet: number) {
      super();
    }
    allows({ changedAt, now }: { readonly changedAt: number; readonly now: number }): boolean {
      return now - changedAt >= this.quiet;
    }
  }

  it.each<[number, boolean]>([
    [999, false],
    [1_000, true],
    [5_000, true],
  ])('at %p ms allows: %p', (elapsed, expected) => {
    const permit: Permit = new AfterQuiet(1_000);
    expect(permit.allows(at(50_000, 50_000 + elapsed))).toBe(expected);
  });
});
