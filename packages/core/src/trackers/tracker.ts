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
    return new Composite((error) => this.isFailure(error) && other.isFailure(error));
  }

  /** A tracker that counts an error when this one or `other` counts it. */
  or(other: Tracker): Tracker {
    return new Composite((error) => this.isFailure(error) || other.isFailure(error));
  }

  /** A tracker that counts exactly the errors this one does not. */
  not(): Tracker {
    return new Composite((error) => !this.isFailure(error));
  }
}

/** What `and`, `or` and `not` return: the combination is the closure. */
class Composite extends Tracker {
  readonly #isFailure: (error: unknown) => boolean;
  constructor(isFailure: (error: unknown) => boolean) {
    super();
    this.#isFailure = isFailure;
  }
  isFailure(error: unknown): boolean {
    return this.#isFailure(error);
  }
}
