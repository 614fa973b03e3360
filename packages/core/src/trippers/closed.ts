import { State } from '../state.js';
import { IN_CLOSED, PURE, Tripper, type TripContext } from './tripper.js';

/**
 * A tripper that is true while the breaker is closed: combine it with another to make a rule
 * that applies only in closed.
 *
 * @example
 * ```ts
 * import { Closed, HalfOpened, FailureRate, FailureStreak, MinRequests } from '@fluxgate/core/trippers';
 * const tripper = new Closed()
 *   .and(new MinRequests(20))
 *   .and(new FailureRate(0.5))
 *   .or(new HalfOpened().and(new FailureStreak(1)));
 * ```
 */
export class Closed extends Tripper {
  /** Whether `ctx.state` is `closed`. */
  shouldTrip(ctx: TripContext): boolean {
    return ctx.state === State.CLOSED;
  }

  /** @internal */
  [PURE](): boolean {
    return true;
  }

  /** @internal See `IN_CLOSED`: it always trips in closed. */
  override [IN_CLOSED](): boolean {
    return true;
  }
}
