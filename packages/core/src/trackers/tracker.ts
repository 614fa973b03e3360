/**
 * Decides which errors count as failures. An error it does not count is passed through to the
 * caller untouched and recorded as neither success nor failure ("ignored").
 *
 * Combine trackers with {@link Tracker.and}, {@link Tracker.or} and {@link Tracker.not};
 * subclass it and implement {@link Tracker.isFailure} to write your own.
 *
 * @example
 * ```ts
 * import { TypeOf, Custom } from '@fluxgate/core/trackers';
 * const tracker = new TypeOf(TypeError).or(new Custom((e) => (e as { status?: number }).status === 503));
 * ```
 */
export abstract class Tracker {
  /** Whether `error` counts as a failure of the guarded dependency. */
  abstract isFailure(error: unknown): boolean;

  /** A tracker that counts an error when both this one and `other` count it. */
  and(other: Tracker): Tracker {
    return new AndTracker(this, other);
  }

  /** A tracker that counts an error when this one or `other` counts it. */
  or(other: Tracker): Tracker {
    return new OrTracker(this, other);
  }

  /** A tracker that counts exactly the errors this one does not. */
  not(): Tracker {
    return new NotTracker(this);
  }
}

class AndTracker extends Tracker {
  constructor(
    private readonly left: Tracker,
    private readonly right: Tracker,
  ) {
    super();
  }
  isFailure(error: unknown): boolean {
    return this.left.isFailure(error) && this.right.isFailure(error);
  }
}

class OrTracker extends Tracker {
  constructor(
    private readonly left: Tracker,
    private readonly right: Tracker,
  ) {
    super();
  }
  isFailure(error: unknown): boolean {
    return this.left.isFailure(error) || this.right.isFailure(error);
  }
}

class NotTracker extends Tracker {
  constructor(private readonly inner: Tracker) {
    super();
  }
  isFailure(error: unknown): boolean {
    return !this.inner.isFailure(error);
  }
}
