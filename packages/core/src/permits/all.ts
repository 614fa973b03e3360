import { Permit } from './permit.js';

/**
 * A permit that lets every half-open call run (as many as the async breaker's slots allow).
 *
 * @example
 * ```ts
 * import { All } from '@fluxgate/core/permits';
 * const permit = new All();
 * ```
 */
export class All extends Permit {
  /** Always `true`. */
  allows(_context: { readonly changedAt: number; readonly now: number }): boolean {
    return true;
  }
}
