import { Retry } from './retry.js';

/**
 * A retry that keeps the circuit open until a manual call (`reset()` and the like): a wait of
 * `Infinity`.
 *
 * @example
 * ```ts
 * import { Never } from '@fluxgate/core/retries';
 * const retry = new Never(); // an operator decides when to try again
 * ```
 */
export class Never extends Retry {
  /** Always `Infinity`. */
  delay(_context: { readonly reopens: number }): number {
    return Infinity;
  }
}
