import { finitePositive, options } from '../internal/validate.js';
import { jitter } from './jitter.js';
import { Retry } from './retry.js';

/** Options of {@link Cooldown}. */
export interface CooldownOptions {
  /**
   * Spreads each wait uniformly over [(1 − jitterRatio)·duration, (1 + jitterRatio)·duration),
   * so that many breakers opened together do not probe together; 0 <= jitterRatio < 1.
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
 * A retry that waits the same `duration` (in milliseconds) every time the circuit opens,
 * optionally jittered.
 *
 * @example
 * ```ts
 * import { Cooldown } from '@fluxgate/core/retries';
 * // Between 48 and 72 seconds.
 * const retry = new Cooldown(60_000, { jitterRatio: 0.2 });
 * ```
 */
export class Cooldown extends Retry {
  // `declare`: set in the constructor, so no class-field definition is emitted before it.
  /** The wait before jitter, in milliseconds. */
  declare readonly duration: number;
  /** The jitter ratio, in [0, 1). */
  declare readonly jitterRatio: number;
  readonly #jitter: (wait: number) => number;

  /**
   * @param duration - the wait, in milliseconds; finite and > 0
   * @param opts - `jitterRatio` and `random`, see {@link CooldownOptions}
   * @throws RangeError when `duration` is NaN, infinite or <= 0, or `jitterRatio` is NaN or
   *   outside [0, 1)
   * @throws TypeError when `duration` or `jitterRatio` is not a number, `random` is not a
   *   function, or `opts` is not an object
   */
  constructor(duration: number, opts?: CooldownOptions) {
    super();
    this.duration = finitePositive('duration', duration);
    const { jitterRatio = 0, random } = options('options', opts);
    [this.jitterRatio, this.#jitter] = jitter(jitterRatio, random);
  }

  /** `duration`, jittered, in milliseconds; `reopens` does not matter. */
  delay(_context: { readonly reopens: number }): number {
    return this.#jitter(this.duration);
  }
}
