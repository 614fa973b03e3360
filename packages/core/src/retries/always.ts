import { Retry } from './retry.js';

/**
 * A retry that lets the next call through as a probe as soon as the circuit opens: a wait of 0
 * milliseconds.
 *
 * @example
 * ```ts
 * import { Always } from '@fluxgate/core/retries';
 * const retry = new Always(); // probe on the very next call
 * ```
 */
export class Always extends Retry {
  /** Always 0 (milliseconds). */
  delay(_context: { readonly reopens: number }): number {
    return 0;
  }
}
