/**
 * A small seeded random source for the reliability tests: the same seed gives the same run, on
 * any machine, so a failing seed can be replayed.
 */
export interface Rng {
  /** A uniform number in [0, 1). */
  next(): number;
  /** A uniform integer in [min, max]. */
  int(min: number, max: number): number;
  /** `true` with probability `p`. */
  chance(p: number): boolean;
  /** One of `values`, uniformly. */
  pick<T>(values: readonly T[]): T;
  /** One of the values, with probability proportional to its weight. */
  weighted<T>(table: ReadonlyArray<readonly [number, T]>): T;
  /** An independent stream derived from this one (drawing from it does not move this one). */
  fork(): Rng;
}

/** mulberry32: 32 bits of state, good enough to drive a test and trivially replayable. */
export function seeded(seed: number): Rng {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  const rng: Rng = {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    chance: (p) => next() < p,
    pick: (values) => values[Math.floor(next() * values.length)]!,
    weighted: (table) => {
      const total = table.reduce((sum, [w]) => sum + w, 0);
      let r = next() * total;
      for (const [w, value] of table) {
        r -= w;
        if (r < 0) return value;
      }
      return table[table.length - 1]![1];
    },
    fork: () => seeded(Math.floor(next() * 4_294_967_296) ^ 0x9e3779b9),
  };
  return rng;
}

/**
 * The seeds a seeded test runs: `FLUXGATE_SEED` (one seed, or several separated by commas)
 * replays exactly those; otherwise `defaults`, plus `FLUXGATE_EXTRA_SEEDS` fresh random seeds
 * (printed by the test's name, so a failing one can be replayed).
 */
export function seeds(defaults: readonly number[]): number[] {
  const replay = process.env.FLUXGATE_SEED;
  if (replay !== undefined && replay.trim() !== '') {
    return replay.split(',').map((s) => {
      const seed = Number(s.trim());
      if (!Number.isInteger(seed)) throw new Error(`FLUXGATE_SEED: not an integer: ${s}`);
      return seed;
    });
  }
  const extra = Number(process.env.FLUXGATE_EXTRA_SEEDS ?? 0);
  const fresh = Array.from({ length: Number.isInteger(extra) && extra > 0 ? extra : 0 }, () =>
    Math.floor(Math.random() * 2 ** 31),
  );
  return [...defaults, ...fresh];
}

/** Lets every pending promise callback run (a macrotask turn: all microtasks drain first). */
export function drain(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
