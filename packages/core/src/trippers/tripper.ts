import type { State } from '../state.js';
import type { Metric } from '../types.js';

/**
 * What a tripper sees after each recorded call.
 */
export interface TripContext {
  /**
   * The window, read just after the call was recorded. A tripper of your own (any subclass of
   * `Tripper`) gets a fresh immutable snapshot and may keep it; the built-in trippers, which keep
   * nothing, read the window's running totals in place, so that a call allocates nothing.
   */
  readonly metric: Metric;
  /** The state the breaker is in (closed or half_open; metrics_only never trips). */
  readonly state: State;
  /** Recorded failures in a row. */
  readonly consecutiveFailures: number;
}

/**
 * Marks the built-in trippers, which read their context only while `shouldTrip` runs and keep
 * nothing of it: the breaker may hand them a reused context and a live view of its window.
 *
 * @internal
 */
export const PURE = Symbol('pure');

/**
 * What a pure tripper (see {@link isPure}) comes to in the closed state, where the breaker hands
 * it a context whose `state` is closed: `false` if it cannot trip there, `true` if it always
 * does, otherwise a tripper that decides the same with the rules that cannot apply left out (the
 * default tripper's half-open rule, say). A smaller tree is cheaper to run after every call.
 *
 * @internal
 */
export const IN_CLOSED = Symbol('inClosed');

/**
 * Whether `tripper` is a built-in tripper itself (not a subclass, which may keep what it is
 * given) whose parts, if it combines others, are too.
 *
 * @internal
 */
export function isPure(tripper: Tripper): boolean {
  return (
    Object.prototype.hasOwnProperty.call(Object.getPrototypeOf(tripper), PURE) &&
    (tripper as unknown as { [PURE](): boolean })[PURE]()
  );
}

/**
 * Decides when the circuit opens. Every comparison is `>=`.
 *
 * Combine trippers with {@link Tripper.and} and {@link Tripper.or}; subclass it and implement
 * {@link Tripper.shouldTrip} to write your own (and override {@link Tripper.slowThresholds} if it
 * wraps trippers that count slow calls).
 *
 * @example
 * ```ts
 * import { MinRequests, FailureRate, FailureStreak } from '@fluxgate/core/trippers';
 * const tripper = new FailureStreak(5).or(new MinRequests(20).and(new FailureRate(0.5)));
 * ```
 */
export abstract class Tripper {
  /** Whether the circuit should open now. */
  abstract shouldTrip(ctx: TripContext): boolean;

  /**
   * The slow-call thresholds (in milliseconds) this tripper needs counted: sorted, without
   * duplicates.
   *
   * @defaultValue `[]`
   */
  slowThresholds(): readonly number[] {
    return [];
  }

  /** @internal See {@link IN_CLOSED}: a rule that reads no state is the same in closed. */
  [IN_CLOSED](): Tripper | boolean {
    return this;
  }

  /** A tripper that trips when both this one and `other` do. */
  and(other: Tripper): Tripper {
    return new AndTripper(this, other);
  }

  /** A tripper that trips when this one or `other` does. */
  or(other: Tripper): Tripper {
    return new OrTripper(this, other);
  }
}

/**
 * Sorted union of two threshold lists, without duplicates. Both sides are normalised, not only
 * merged, so that a custom tripper returning an unsorted list cannot leak it through a composite.
 */
function union(a: readonly number[], b: readonly number[]): readonly number[] {
  if (a.length === 0 && b.length === 0) return a;
  return [...new Set([...a, ...b])].sort((x, y) => x - y);
}

/**
 * The closed-state form (see {@link IN_CLOSED}) of `combined`, which joins `left` and `right`:
 * `decisive` is the answer of one side that decides the whole (`false` for and, `true` for or);
 * a side that comes to the other answer leaves the other side alone.
 */
function inClosed(
  combined: Tripper,
  left: Tripper,
  right: Tripper,
  decisive: boolean,
  combine: (left: Tripper, right: Tripper) => Tripper,
): Tripper | boolean {
  const l = left[IN_CLOSED]();
  const r = right[IN_CLOSED]();
  if (l === decisive || r === decisive) return decisive;
  // A side left as a boolean came to the other answer.
  if (typeof l === 'boolean') return r;
  if (typeof r === 'boolean') return l;
  return l === left && r === right ? combined : combine(l, r);
}

class AndTripper extends Tripper {
  constructor(
    private readonly left: Tripper,
    private readonly right: Tripper,
  ) {
    super();
  }
  shouldTrip(ctx: TripContext): boolean {
    return this.left.shouldTrip(ctx) && this.right.shouldTrip(ctx);
  }
  /** @internal */
  [PURE](): boolean {
    return isPure(this.left) && isPure(this.right);
  }
  /** @internal */
  override [IN_CLOSED](): Tripper | boolean {
    return inClosed(this, this.left, this.right, false, (l, r) => new AndTripper(l, r));
  }
  override slowThresholds(): readonly number[] {
    return union(this.left.slowThresholds(), this.right.slowThresholds());
  }
}

class OrTripper extends Tripper {
  constructor(
    private readonly left: Tripper,
    private readonly right: Tripper,
  ) {
    super();
  }
  shouldTrip(ctx: TripContext): boolean {
    return this.left.shouldTrip(ctx) || this.right.shouldTrip(ctx);
  }
  /** @internal */
  [PURE](): boolean {
    return isPure(this.left) && isPure(this.right);
  }
  /** @internal */
  override [IN_CLOSED](): Tripper | boolean {
    return inClosed(this, this.left, this.right, true, (l, r) => new OrTripper(l, r));
  }
  override slowThresholds(): readonly number[] {
    return union(this.left.slowThresholds(), this.right.slowThresholds());
  }
}
