import { Tracker } from './tracker.js';

/**
 * A tracker that counts every error as a failure, whatever was thrown (an `Error`, a string,
 * `undefined`...). The breakers use it when no tracker is given.
 *
 * @example
 * ```ts
 * import { All, TypeOf } from '@fluxgate/core/trackers';
 * // Every error but a cancellation.
 * const tracker = new All().and(new TypeOf(DOMException).not());
 * ```
 */
export class All extends Tracker {
  /** Always `true`. */
  isFailure(_error: unknown): boolean {
    return true;
  }
}
