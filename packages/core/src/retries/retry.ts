/**
 * Decides how long an open circuit waits before it lets a probe through.
 *
 * The breaker asks once, on entering open, and keeps the answer as `retryAt`. Subclass it and
 * implement {@link Retry.delay} to write your own.
 *
 * @example
 * ```ts
 * import { Backoff } from '@fluxgate/core/retries';
 * const retry = new Backoff({ initial: 10_000, maxDuration: 600_000, jitterRatio: 0.2 });
 * ```
 */
export abstract class Retry {
  /**
   * The wait in milliseconds (`Infinity` for "only a manual call").
   *
   * @param context - `reopens`: how many times the circuit went from half_open back to open since
   *   it last closed (0 on the first trip)
   */
  abstract delay(context: { readonly reopens: number }): number;
}
