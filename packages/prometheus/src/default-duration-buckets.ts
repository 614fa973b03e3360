/**
 * The default upper bounds, in seconds, of the `circuit_breaker_call_duration_seconds`
 * histogram: Prometheus's usual latency buckets from 5 ms to 10 s, then 30 s and 60 s so that
 * calls near a typical client timeout stay apart.
 *
 * @example
 * ```ts
 * import { DEFAULT_DURATION_BUCKETS, PrometheusListener } from '@fluxgate/prometheus';
 *
 * // Finer buckets below 5 ms for an in-memory dependency, the defaults above.
 * const listener = new PrometheusListener({
 *   calls: { buckets: [0.001, 0.002, ...DEFAULT_DURATION_BUCKETS] },
 * });
 * ```
 */
export const DEFAULT_DURATION_BUCKETS: readonly number[] = Object.freeze([
  0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60,
]);
