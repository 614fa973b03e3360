import { finiteAtLeast, finitePositive, options } from '../internal/validate.js';
import { jitter } from './jitter.js';
import { Retry } from './retry.js';

/** Options of {@link Backoff}. */
export interface BackoffOptions {
  /** The first wait, in milliseconds; finite and > 0. Required. */
  readonly initial: number;
  /**
   * What each reopen multiplies the wait by; finite and >= 1.
   *
   * @defaultValue `2`
   */
  readonly multiplier?: number;
  /**
   * The longest wait before jitter, in milliseconds; finite and >= `initial`.
   *
   * @defaultValue `300_000` (five minutes)
   */
  readonly maxDuration?: number;
  /**
   * Spreads each wait uniformly over [(1 − jitterRatio)·wait, (1 + jitterRatio)·wait), so that
   * many breakers opened together do not probe together; 0 <= jitterRatio < 1.
   *
   * @defaultValue `0` (no jitter)
   */
  readonly jitterRatio?: number;
  /**
   * The source of uniform numbers in [0, 1) for the jitter; drawn once per entry into open, and
   * only when `jitterRatio` > 0.
   *
   * @defaultValue `() => Math.random()`
   */
  readonly random?: () => number;
}

/**
 * A retry whose wait grows with each failed recovery: `min(initial · multiplier^reopens,
 * maxDuration)` milliseconds, then jittered. `reopens` counts the half_open → open transitions
 * since the circuit last closed, so the first trip waits `initial` and closing starts over.
 *
 * The jitter applies after the cap, so a jittered wait may exceed `maxDuration` by up to
 * `jitterRatio · maxDuration`.
 *
 * @example
 * ```ts
 * import { Backoff } from '@fluxgate/core/retries';
 * // 10 s, 20 s, 40 s... up to 10 minutes.
 * const retry = new Backoff({ initial: 10_000, maxDuration: 600_000 });
 * ```
 */
export class Backoff extends Retry {
  // `declare`: set in the constructor, so no class-field definition is emitted before it.
  /** The first wait, in milliseconds. */
  declare readonly initial: number;
  /** What each reopen multiplies the wait by. */
  declare readonly multiplier: number;
  /** The longest wait before jitter, in milliseconds. */
  declare readonly maxDuration: number;
  /** The jitter ratio, in [0, 1). */
  declare readonly jitterRatio: number;
  readonly #jitter: (wait: number) => number;

  /**
   * @param opts - see {@link BackoffOptions}; `initial` is required
   * @throws RangeError when `initial` is NaN, infinite or <= 0, `multiplier` is NaN, infinite or
   *   < 1, `maxDuration` is NaN, infinite or < `initial` (the default 300 000 included, when
   *   `initial` is larger), or `jitterRatio` is NaN or outside [0, 1)
   * @throws TypeError when `opts` is not an object, `initial` is missing, a number option is not a
   *   number, or `random` is not a function
   */
  constructor(opts: BackoffOptions) {
    super();
    const {
      initial,
      multiplier = 2,
      maxDuration,
      jitterRatio = 0,
      random,
    } = options('options', opts);
    this.initial = finitePositive('initial', initial);
    this.multiplier = finiteAtLeast('multiplier', multiplier, 1);
    // The default must be >= initial too: the message says when the default is at fault.
    this.maxDuration =
      maxDuration === undefined
        ? finiteAtLeast('maxDuration (the default)', 300_000, this.initial)
        : finiteAtLeast('maxDuration', maxDuration, this.initial);
    [this.jitterRatio, this.#jitter] = jitter(jitterRatio, random);
  }

  /**
   * `min(initial · multiplier^reopens, maxDuration)`, jittered, in milliseconds.
   *
   * @param context - `reopens`: half_open → open transitions since the circuit last closed
   */
  delay({ reopens }: { readonly reopens: number }): number {
    // multiplier ** reopens overflows to Infinity after enough reopens; min() still caps it.
    return this.#jitter(Math.min(this.initial * this.multiplier ** reopens, this.maxDuration));
  }
}
