import { integerAtLeast } from '../internal/validate.js';
import { PURE, Tripper, type TripContext } from './tripper.js';

/**
 * A tripper that is true after at least `count` recorded failures in a row, whatever the window
 * holds. Ignored errors neither extend nor break a streak; a success breaks it.
 *
 * @example
 * ```ts
 * import { FailureStreak, MinRequests, FailureRate } from '@fluxgate/core/trippers';
 * // Five failures in a row, or half of at least 20 calls.
 * const tripper = new FailureStreak(5).or(new MinRequests(20).and(new FailureRate(0.5)));
 * ```
 */
export class FailureStreak extends Tripper {
  /** The number of failures in a row at which it trips. */
  readonly count: number;

  /**
   * @param count - the number of failures in a row, an integer >= 1
   * @throws RangeError when `count` is not an integer >= 1 (NaN, Infinity, 0, 1.5...)
   * @throws TypeError when `count` is not a number
   */
  constructor(count: number) {
    super();
    this.count = integerAtLeast('count', count, 1);
  }

  /** Whether `ctx.consecutiveFailures >= count`. */
  shouldTrip(ctx: TripContext): boolean {
    return ctx.consecutiveFailures >= this.count;
  }

  /** @internal */
  [PURE](): boolean {
    return true;
  }
}
