import { ratio as checkRatio } from '../internal/validate.js';
import { PURE, Tripper, type TripContext } from './tripper.js';

/**
 * A tripper that is true when the share of failed calls in the window is at least `ratio`
 * (never on an empty window).
 *
 * @example
 * ```ts
 * import { MinRequests, FailureRate } from '@fluxgate/core/trippers';
 * // Half of at least 20 calls failed.
 * const tripper = new MinRequests(20).and(new FailureRate(0.5));
 * ```
 */
export class FailureRate extends Tripper {
  /** The failure rate at which it trips, in (0, 1]. */
  readonly ratio: number;

  /**
   * @param ratio - the failure rate, 0 < ratio <= 1
   * @throws RangeError when `ratio` is NaN or outside (0, 1]
   * @throws TypeError when `ratio` is not a number
   */
  constructor(ratio: number) {
    super();
    this.ratio = checkRatio('ratio', ratio, { minExclusive: true });
  }

  /** Whether `ctx.metric.failureRate >= ratio`; false when the window is empty. */
  shouldTrip(ctx: TripContext): boolean {
    const { failureRate } = ctx.metric;
    return failureRate !== undefined && failureRate >= this.ratio;
  }

  /** @internal */
  [PURE](): boolean {
    return true;
  }
}
