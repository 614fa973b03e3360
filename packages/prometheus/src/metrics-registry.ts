/**
 * What {@link PrometheusListener} needs of a registry. prom-client's `Registry` in either content
 * type and its `AggregatorRegistry` all fit, from prom-client 14 on; the type is structural so
 * that it does not depend on which prom-client version's declarations a project has.
 *
 * @example
 * ```ts
 * import { PrometheusListener, type MetricsRegistry } from '@fluxgate/prometheus';
 * import { Registry } from 'prom-client';
 *
 * const registry: MetricsRegistry = new Registry();
 * const listener = new PrometheusListener({ registry });
 * ```
 */
export interface MetricsRegistry {
  /** The metric registered under `name`, if any. */
  getSingleMetric(name: string): unknown;
  /** Registers a metric (prom-client's metric constructors call it through `registers`). */
  registerMetric(metric: object): void;
  /** Unregisters the metric registered under `name`. */
  removeSingleMetric(name: string): void;
}
