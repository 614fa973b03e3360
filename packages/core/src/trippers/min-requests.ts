import { integerAtLeast } from '../internal/validate.js';
import { PURE, Tripper, type TripContext } from './tripper.js';

/**
 * A tripper that is true once the window holds at least `count` calls: pair it with a rate so
 * that a handful of calls cannot open the circuit.
 *
 * @example
 * ```ts
 * import { MinRequests, FailureRate } from '@fluxgate/core/trippers';
 * const tripper = new MinRequests(20).and(new FailureRate(0.5));
 * ```
 */
export class MinRequests extends Tripper {
  /** The number of calls the window must hold. */
  readonly count: number;

  /**
   * @param count - the number of calls, an integer >= 1
   * @throws RangeError when `count` is not an integer >= 1 (NaN, Infinity, 0, 1.5...)
   * @throws TypeError when `count` is not a number
   */
  constructor(count: number) {
    super();
    this.count = integerAtLeast('count', count, 1);
  }

  /** Whether `ctx.metric.totalCount >= count`. */
  shouldTrip(ctx: TripContext): boolean {
    return ctx.metric.totalCount >= this.count;
  }

  /** @internal */
  [PURE](): boolean {
    return true;
  }
}
