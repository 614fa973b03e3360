import { func } from '../internal/validate.js';
import { Tracker } from './tracker.js';

/**
 * A tracker that counts the errors a predicate accepts.
 *
 * @example
 * ```ts
 * import { Custom } from '@fluxgate/core/trackers';
 * // Count server errors, not client errors.
 * const tracker = new Custom((error) => error instanceof HttpError && error.status >= 500);
 * ```
 */
export class Custom extends Tracker {
  readonly #predicate: (error: unknown) => boolean;

  /**
   * @param predicate - receives whatever was thrown (not necessarily an `Error`) and returns
   *   whether it counts as a failure
   * @throws TypeError when `predicate` is not a function
   */
  constructor(predicate: (error: unknown) => boolean) {
    super();
    this.#predicate = func('predicate', predicate);
  }

  /** What the predicate returns for `error`, as a boolean. */
  isFailure(error: unknown): boolean {
    return Boolean(this.#predicate(error));
  }
}
