import fc from 'fast-check';
import { Always, Backoff, Cooldown, Never, Retry } from '@fluxgate/core/retries';

/** A random source that returns the given values in order, and fails loudly past the end. */
function sequence(...values: number[]): jest.Mock<number, []> {
  let next = 0;
  return jest.fn(() => {
    if (next >= values.length) throw new Error(`sequence exhausted after ${values.length} draws`);
    return values[next++]!;
  });
}

describe('Always', () => {
  it.each([0, 1, 5, 1_000])('waits 0 ms after %p reopens', (reopens) => {
    expect(new Always().delay({ reopens })).toBe(0);
  });
});

describe('Never', () => {
  it.each([0, 1, 5, 1_000])('waits Infinity after %p reopens', (reopens) => {
    expect(new Never().delay({ reopens })).toBe(Infinity);
  });
});

describe('Cooldown', () => {
  it.each([0, 1, 5, 10_000])('waits duration ms whatever the reopens (%p)', (reopens) => {
    expect(new Cooldown(60_000).delay({ reopens })).toBe(60_000);
  });

  it('keeps a fractional duration as it is', () => {
    expect(new Cooldown(0.5).delay({ reopens: 0 })).toBe(0.5);
  });

  it('scales the wait by 1 − j + 2·j·random(), one draw per delay', () => {
    const random = sequence(0, 0.5, 0.25, 0.75, 0.125);
    const retry = new Cooldown(60_000, { jitterRatio: 0.5, random });
    expect([0, 1, 2, 3, 4].map((reopens) => retry.delay({ reopens }))).toEqual([
      30_000, 60_000, 45_000, 75_000, 37_500,
    ]);
    expect(random).toHaveBeenCalledTimes(5);
  });

  it('stays below (1 + j)·duration for the largest random()', () => {
    const retry = new Cooldown(60_000, { jitterRatio: 0.25, random: sequence(0.999) });
    // 60_000 · (0.75 + 0.5 · 0.999) = 74_970
    expect(retry.delay({ reopens: 0 })).toBeCloseTo(74_970, 6);
  });

  it.each<[string, { jitterRatio?: number }]>([
    ['no jitterRatio', {}],
    ['jitterRatio 0', { jitterRatio: 0 }],
  ])('never calls random with %s', (_label, opts) => {
    const random = jest.fn(() => 0.5);
    const retry = new Cooldown(60_000, { ...opts, random });
    expect(retry.delay({ reopens: 0 })).toBe(60_000);
    expect(retry.delay({ reopens: 1 })).toBe(60_000);
    expect(random).not.toHaveBeenCalled();
  });

  it('reads Math.random at each draw by default, so that it stays replaceable', () => {
    const spy = jest.spyOn(Math, 'random').mockReturnValue(0);
    try {
      expect(new Cooldown(1_000, { jitterRatio: 0.5 }).delay({ reopens: 0 })).toBe(500);
      expect(spy).toHaveBeenCalledTimes(1);
    } finally {
      spy.mockRestore();
    }
  });

  it('exposes its settings, with jitterRatio defaulting to 0', () => {
    const plain = new Cooldown(60_000);
    expect([plain.duration, plain.jitterRatio]).toEqual([60_000, 0]);
    expect(new Cooldown(1_000, { jitterRatio: 0.2 }).jitterRatio).toBe(0.2);
  });
});

describe('Backoff', () => {
  it.each<[number, number]>([
    [0, 10_000],
    [1, 20_000],
    [2, 40_000],
    [3, 80_000],
    [4, 160_000],
    [5, 300_000], // 320_000, capped by the default maxDuration
    [6, 300_000],
    [50, 300_000],
  ])('defaults (initial 10_000, ×2, max 300_000): %p reopens wait %p ms', (reopens, expected) => {
    expect(new Backoff({ initial: 10_000 }).delay({ reopens })).toBe(expected);
  });

  it.each<[number, number]>([
    [0, 1_000],
    [1, 3_000],
    [2, 9_000],
    [3, 27_000],
    [4, 81_000],
    [5, 100_000], // 243_000, capped
  ])('initial 1_000, ×3, max 100_000: %p reopens wait %p ms', (reopens, expected) => {
    expect(
      new Backoff({ initial: 1_000, multiplier: 3, maxDuration: 100_000 }).delay({ reopens }),
    ).toBe(expected);
  });

  it.each<[number, number]>([
    [0, 10_000],
    [1, 15_000],
    [2, 22_500],
    [3, 33_750],
  ])('initial 10_000, ×1.5: %p reopens wait %p ms', (reopens, expected) => {
    expect(new Backoff({ initial: 10_000, multiplier: 1.5 }).delay({ reopens })).toBe(expected);
  });

  it.each([0, 1, 10, 100_000])('multiplier 1 waits initial after %p reopens', (reopens) => {
    expect(new Backoff({ initial: 5_000, multiplier: 1 }).delay({ reopens })).toBe(5_000);
  });

  it.each([0, 1, 10])('maxDuration === initial waits initial after %p reopens', (reopens) => {
    expect(new Backoff({ initial: 5_000, maxDuration: 5_000 }).delay({ reopens })).toBe(5_000);
  });

  it.each<[string, number, number]>([
    ['2^1024 overflows', 2, 1_024],
    ['2^10_000 overflows', 2, 10_000],
    ['2^MAX_SAFE_INTEGER overflows', 2, Number.MAX_SAFE_INTEGER],
    ['10^400 overflows', 10, 400],
    ['1.0001^10_000_000 overflows', 1.0001, 10_000_000],
  ])('caps at maxDuration when %s to Infinity', (_label, multiplier, reopens) => {
    expect(multiplier ** reopens).toBe(Infinity);
    expect(
      new Backoff({ initial: 10_000, multiplier, maxDuration: 600_000 }).delay({ reopens }),
    ).toBe(600_000);
  });

  it('jitters after the cap, one draw per delay', () => {
    const random = sequence(0, 0.5, 0.75, 0.25);
    const retry = new Backoff({ initial: 10_000, maxDuration: 30_000, jitterRatio: 0.5, random });
    // 10_000 · 0.5, 20_000 · 1, 30_000 (40_000 capped) · 1.25, 30_000 · 0.75
    expect([0, 1, 2, 3].map((reopens) => retry.delay({ reopens }))).toEqual([
      5_000, 20_000, 37_500, 22_500,
    ]);
    expect(random).toHaveBeenCalledTimes(4);
  });

  it('jitters an overflowed wait from maxDuration', () => {
    const retry = new Backoff({
      initial: 1_000,
      maxDuration: 8_000,
      jitterRatio: 0.5,
      random: sequence(0.25),
    });
    expect(retry.delay({ reopens: 5_000 })).toBe(6_000);
  });

  it('never calls random when jitterRatio is 0', () => {
    const random = jest.fn(() => 0.5);
    const retry = new Backoff({ initial: 10_000, random });
    expect([0, 1, 2].map((reopens) => retry.delay({ reopens }))).toEqual([10_000, 20_000, 40_000]);
    expect(new Backoff({ initial: 10_000, jitterRatio: 0, random }).delay({ reopens: 0 })).toBe(
      10_000,
    );
    expect(random).not.toHaveBeenCalled();
  });

  it('exposes its settings, defaults included', () => {
    const retry = new Backoff({ initial: 10_000 });
    expect([retry.initial, retry.multiplier, retry.maxDuration, retry.jitterRatio]).toEqual([
      10_000, 2, 300_000, 0,
    ]);
  });

  it('keeps every wait within [(1 − j)·w, (1 + j)·w] of the capped wait, and finite', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.001, max: 1e6, noNaN: true }),
        fc.double({ min: 1, max: 100, noNaN: true }),
        fc.double({ min: 1, max: 1_000, noNaN: true }),
        fc.double({ min: 0, max: 0.99, noNaN: true }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        fc.nat({ max: 5_000 }),
        (initial, multiplier, span, jitterRatio, draw, reopens) => {
          const maxDuration = initial * span;
          const retry = new Backoff({
            initial,
            multiplier,
            maxDuration,
            jitterRatio,
            random: () => draw,
          });
          const capped = Math.min(initial * multiplier ** reopens, maxDuration);
          const wait = retry.delay({ reopens });
          expect(Number.isFinite(wait)).toBe(true);
          expect(wait).toBeGreaterThanOrEqual((1 - jitterRatio) * capped * (1 - 1e-12));
          expect(wait).toBeLessThanOrEqual((1 + jitterRatio) * capped * (1 + 1e-12));
        },
      ),
    );
  });

  it('never shortens the wait as reopens grow (without jitter)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.001, max: 1e6, noNaN: true }),
        fc.double({ min: 1, max: 100, noNaN: true }),
        fc.nat({ max: 5_000 }),
        (initial, multiplier, reopens) => {
          const retry = new Backoff({ initial, multiplier, maxDuration: initial * 1_000 });
          expect(retry.delay({ reopens: reopens + 1 })).toBeGreaterThanOrEqual(
            retry.delay({ reopens }),
          );
        },
      ),
    );
  });
});

describe('a custom subclass', () => {
  /** Waits longer on each reopen, but by a fixed step. */
  class Linear extends Retry {
    constructor(private readonly step: number) {
      super();
    }
    delay({ reopens }: { readonly reopens: number }): number {
      return this.step * (reopens + 1);
    }
  }

  it.each<[number, number]>([
    [0, 5_000],
    [1, 10_000],
    [4, 25_000],
  ])('after %p reopens waits %p ms', (reopens, expected) => {
    const retry: Retry = new Linear(5_000);
    expect(retry.delay({ reopens })).toBe(expected);
  });
});
