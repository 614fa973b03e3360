import { State } from '../state.js';
import { IN_CLOSED, PURE, Tripper, type TripContext } from './tripper.js';

/**
 * A tripper that is true while the breaker is half_open: combine it with another to make a rule
 * that applies only to probes.
 *
 * @example
 * ```ts
 * import { HalfOpened, FailureStreak } from '@fluxgate/core/trippers';
 * // A failed probe reopens the circuit at once.
 * const reopenOnProbeFailure = new HalfOpened().and(new FailureStreak(1));
 * ```
 */
export class HalfOpened extends Tripper {
  /** Whether `ctx.state` is `half_open`. */
  shouldTrip(ctx: TripContext): boolean {
    return ctx.state === State.HALF_OPEN;
  }

  /** @internal */
  [PURE](): boolean {
    return true;
  }

  /** @internal See `IN_CLOSED`: it never trips in closed. */
  override [IN_CLOSED](): boolean {
    return false;
  }
}
