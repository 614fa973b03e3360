export { PrometheusListener } from './prometheus-listener.js';
export { DEFAULT_DURATION_BUCKETS } from './default-duration-buckets.js';
export type { CallMetricsOptions, PrometheusListenerOptions } from './prometheus-listener.js';
export type { MetricsRegistry } from './metrics-registry.js';
