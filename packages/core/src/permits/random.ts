import { options, ratio as checkRatio } from '../internal/validate.js';
import { Permit } from './permit.js';
import { randomSource } from '../internal/validate.js';

/** Options of {@link Random}. */
export interface RandomOptions {
  /**
   * The source of uniform numbers in [0, 1); drawn once per call asking to run.
   *
   * @defaultValue `() => Math.random()`
   */
  readonly random?: () => number;
}

/**
 * A permit that lets each half-open call run with probability `ratio`, drawn independently per
 * call: it allows when `random() < ratio`.
 *
 * @example
 * ```ts
 * import { Random } from '@fluxgate/core/permits';
 * // Let about one probe in five through.
 * const permit = new Random(0.2);
 * ```
 */
export class Random extends Permit {
  // `declare`: set in the constructor, so no class-field definition is emitted before it.
  /** The share of calls let through, in [0, 1]. */
  declare readonly ratio: number;
  readonly #random: () => number;

  /**
   * @param ratio - the share of calls let through, 0 <= ratio <= 1 (0 lets only the first probe
   *   through, which always runs)
   * @param opts - `random`, see {@link RandomOptions}
   * @throws RangeError when `ratio` is NaN or outside [0, 1]
   * @throws TypeError when `ratio` is not a number, `random` is not a function, or `opts` is not
   *   an object
   */
  constructor(ratio: number, opts?: RandomOptions) {
    super();
    this.ratio = checkRatio('ratio', ratio);
    const { random } = options('options', opts);
    this.#random = randomSource(random);
  }

  /** Whether `random() < ratio`. */
  allows(_context: { readonly changedAt: number; readonly now: number }): boolean {
    return this.#random() < this.ratio;
  }
}
