/**
 * Decides which calls may run while the circuit is half_open (the first probe always runs).
 *
 * Subclass it and implement {@link Permit.allows} to write your own.
 *
 * @example
 * ```ts
 * import { RampUp } from '@fluxgate/core/permits';
 * const permit = new RampUp({ initial: 0.1, final: 1, duration: 60_000 });
 * ```
 */
export abstract class Permit {
  /**
   * Whether this call may run.
   *
   * @param context - `changedAt`: when the circuit entered half_open; `now`: the current time
   *   (both in milliseconds since the epoch)
   */
  abstract allows(context: { readonly changedAt: number; readonly now: number }): boolean;
}
