import { finitePositive, options, ratio as checkRatio } from '../internal/validate.js';
import { PURE, Tripper, type TripContext } from './tripper.js';

/** Options of {@link SlowRate}. */
export interface SlowRateOptions {
  /** A call is slow when it takes at least this many milliseconds; finite and > 0. Required. */
  readonly threshold: number;
}

/**
 * A tripper that is true when the share of slow calls in the window is at least `ratio` (never
 * on an empty window). A call is slow when its duration, in milliseconds, is at least
 * `threshold`; failures count with their real duration.
 *
 * The breaker learns which thresholds to count from {@link Tripper.slowThresholds}, which gives
 * `[threshold]` here.
 *
 * @example
 * ```ts
 * import { MinRequests, SlowRate } from '@fluxgate/core/trippers';
 * // At least 20 calls, 30 % of them taking a second or more.
 * const tripper = new MinRequests(20).and(new SlowRate(0.3, { threshold: 1_000 }));
 * ```
 */
export class SlowRate extends Tripper {
  /** The slow-call rate at which it trips, in (0, 1]. */
  readonly ratio: number;
  /** The duration from which a call is slow, in milliseconds. */
  readonly threshold: number;
  readonly #thresholds: readonly number[];

  /**
   * @param ratio - the slow-call rate, 0 < ratio <= 1
   * @param opts - `threshold` (required): the duration from which a call is slow, in milliseconds
   * @throws RangeError when `ratio` is NaN or outside (0, 1], or `threshold` is NaN, infinite or
   *   <= 0
   * @throws TypeError when `ratio` or `threshold` is not a number (a missing `threshold`
   *   included), or `opts` is not an object
   */
  constructor(ratio: number, opts: SlowRateOptions) {
    super();
    this.ratio = checkRatio('ratio', ratio, { minExclusive: true });
    const { threshold } = options('options', opts);
    this.threshold = finitePositive('threshold', threshold);
    this.#thresholds = Object.freeze([this.threshold]);
  }

  /** Whether `ctx.metric.slowRate(threshold) >= ratio`; false when the window is empty. */
  shouldTrip(ctx: TripContext): boolean {
    const slowRate = ctx.metric.slowRate(this.threshold);
    return slowRate !== undefined && slowRate >= this.ratio;
  }

  /** @internal */
  [PURE](): boolean {
    return true;
  }

  /** `[threshold]`: the one threshold whose slow calls the window must count. */
  override slowThresholds(): readonly number[] {
    return this.#thresholds;
  }
}
