import { finitePositive } from '../internal/validate.js';
import { PURE, Tripper, type TripContext } from './tripper.js';

/**
 * A tripper that is true when the calls in the window took at least `threshold` milliseconds on
 * average (never on an empty window). Failures count with their real duration.
 *
 * @example
 * ```ts
 * import { MinRequests, AvgLatency } from '@fluxgate/core/trippers';
 * // At least 20 calls, averaging 2 seconds or more.
 * const tripper = new MinRequests(20).and(new AvgLatency(2_000));
 * ```
 */
export class AvgLatency extends Tripper {
  /** The average duration at which it trips, in milliseconds. */
  readonly threshold: number;

  /**
   * @param threshold - the average call duration, in milliseconds; finite and > 0
   * @throws RangeError when `threshold` is NaN, infinite or <= 0
   * @throws TypeError when `threshold` is not a number
   */
  constructor(threshold: number) {
    super();
    this.threshold = finitePositive('threshold', threshold);
  }

  /** Whether `ctx.metric.avgDuration >= threshold`; false when the window is empty. */
  shouldTrip(ctx: TripContext): boolean {
    const { avgDuration } = ctx.metric;
    return avgDuration !== undefined && avgDuration >= this.threshold;
  }

  /** @internal */
  [PURE](): boolean {
    return true;
  }
}
