import type { Metric } from '../types.js';

// Internal: what CountWindow and TimeWindow return from `metric(now)`. One is created after every
// recorded call on the breaker's hot path, so the constructor does two divisions and stores what
// it is given; the `slowCounts` map is only built if somebody reads it.

const EMPTY_COUNTS: readonly number[] = Object.freeze([]);

function refuse(): never {
  throw new TypeError('Metric.slowCounts is read-only: it is a snapshot of the window');
}

/**
 * Makes a `Map` read-only in fact, not only in type: `set`, `delete` and `clear` throw. It stays a
 * plain `Map` (same prototype and constructor), so `toEqual(new Map(...))` and `instanceof Map`
 * still hold.
 */
function lock(map: Map<number, number>): ReadonlyMap<number, number> {
  Object.defineProperties(map, {
    set: { value: refuse },
    delete: { value: refuse },
    clear: { value: refuse },
  });
  return Object.freeze(map);
}

/** The `slowCounts` of every snapshot whose window has learned no threshold. */
const EMPTY_MAP = lock(new Map());

/**
 * An immutable summary of a window at one instant.
 *
 * `thresholds` may be the window's own append-only list of learned thresholds: a snapshot reads
 * only its first `counts.length` entries, which never change once learned. `counts` must be the
 * snapshot's own copy.
 *
 * @internal
 */
export class MetricSnapshot implements Metric {
  // `declare`: assigned once in the constructor, not first defined as undefined by a field
  // initializer; one is built after every recorded call.
  declare readonly totalCount: number;
  declare readonly failureCount: number;
  declare readonly totalDuration: number;
  declare readonly failureRate: number | undefined;
  declare readonly avgDuration: number | undefined;
  readonly #thresholds: readonly number[];
  readonly #counts: readonly number[];
  #map: ReadonlyMap<number, number> | undefined;

  constructor(
    totalCount: number,
    failureCount: number,
    totalDuration: number,
    thresholds: readonly number[],
    counts: readonly number[] = EMPTY_COUNTS,
  ) {
    this.totalCount = totalCount;
    this.failureCount = failureCount;
    this.totalDuration = totalDuration;
    this.failureRate = totalCount === 0 ? undefined : failureCount / totalCount;
    this.avgDuration = totalCount === 0 ? undefined : totalDuration / totalCount;
    this.#thresholds = thresholds;
    this.#counts = counts;
  }

  /** For each threshold the window has learned (in milliseconds, ascending), how many calls met it. */
  get slowCounts(): ReadonlyMap<number, number> {
    if (this.#map === undefined) this.#map = this.#buildMap();
    return this.#map;
  }

  /**
   * The share of calls that met `threshold` (in milliseconds), in [0, 1]: `undefined` when the
   * window is empty, 0 for a threshold no call met.
   */
  slowRate(threshold: number): number | undefined {
    if (this.totalCount === 0) return undefined;
    const counts = this.#counts;
    const thresholds = this.#thresholds;
    for (let i = 0; i < counts.length; i++) {
      if (thresholds[i] === threshold) return (counts[i] as number) / this.totalCount;
    }
    return 0;
  }

  #buildMap(): ReadonlyMap<number, number> {
    const n = this.#counts.length;
    if (n === 0) return EMPTY_MAP;
    const order: number[] = [];
    for (let i = 0; i < n; i++) order.push(i);
    // Learned in order of appearance; a map in ascending threshold order reads better.
    order.sort((a, b) => (this.#thresholds[a] as number) - (this.#thresholds[b] as number));
    const map = new Map<number, number>();
    for (const i of order) map.set(this.#thresholds[i] as number, this.#counts[i] as number);
    return lock(map);
  }
}
