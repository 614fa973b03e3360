import type { BreakerView, CallEvent, Listener, Signal } from '@fluxgate/core';
import { register } from 'prom-client';
import { DEFAULT_DURATION_BUCKETS } from './default-duration-buckets.js';
import { CircuitMetrics, type Member } from './internal/circuit-metrics.js';
import type { MetricsRegistry } from './metrics-registry.js';

/**
 * Options of the call metrics (`calls: { ... }`).
 *
 * @example
 * ```ts
 * import { PrometheusListener } from '@fluxgate/prometheus';
 *
 * // A cache answers within milliseconds: finer buckets than the defaults.
 * const listener = new PrometheusListener({
 *   calls: { buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05, 0.25, 1] },
 * });
 * ```
 */
export interface CallMetricsOptions {
  /**
   * Upper bounds of the `circuit_breaker_call_duration_seconds` buckets, in seconds: finite,
   * non-negative, strictly increasing (prom-client adds `+Inf`). Every listener on a registry
   * must use the same buckets, since they share the histogram.
   *
   * @defaultValue {@link DEFAULT_DURATION_BUCKETS} (5 ms to 60 s)
   */
  buckets?: readonly number[];
}

/**
 * Options of {@link PrometheusListener}.
 *
 * @example
 * ```ts
 * import { PrometheusListener } from '@fluxgate/prometheus';
 * import { Registry } from 'prom-client';
 *
 * const registry = new Registry();
 * const listener = new PrometheusListener({ registry, calls: true });
 * ```
 */
export interface PrometheusListenerOptions {
  /**
   * The prom-client registry to export to (a `Registry` in either content type, or the
   * `register` of a cluster worker).
   *
   * @defaultValue prom-client's global `register`, read when the listener is constructed
   */
  registry?: MetricsRegistry;
  /**
   * Also export every call: `circuit_breaker_calls_total` and
   * `circuit_breaker_call_duration_seconds` by `outcome`, and `circuit_breaker_failure_rate`
   * read at scrape time. `true` uses the default buckets; an object sets them.
   *
   * @defaultValue `false`: the breakers then build no call events for this listener
   */
  calls?: boolean | CallMetricsOptions;
}

function show(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(show).join(', ')}]`;
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'object' && value !== null) return 'an object';
  return String(value);
}

function checkRegistry(registry: unknown): MetricsRegistry {
  const ok =
    typeof registry === 'object' &&
    registry !== null &&
    ['getSingleMetric', 'registerMetric', 'removeSingleMetric'].every(
      (method) => typeof (registry as Record<string, unknown>)[method] === 'function',
    );
  if (!ok) {
    throw new TypeError(`registry must be a prom-client Registry, got ${show(registry)}`);
  }
  return registry as MetricsRegistry;
}

/** The histogram buckets `calls` asks for, or `undefined` when calls are not exported. */
function callBuckets(calls: unknown): readonly number[] | undefined {
  if (calls === undefined || calls === false) return undefined;
  if (calls === true) return DEFAULT_DURATION_BUCKETS;
  if (typeof calls !== 'object' || calls === null || Array.isArray(calls)) {
    throw new TypeError(`calls must be a boolean or an object, got ${show(calls)}`);
  }
  const buckets: unknown = (calls as CallMetricsOptions).buckets;
  if (buckets === undefined) return DEFAULT_DURATION_BUCKETS;
  const ok =
    Array.isArray(buckets) &&
    buckets.length > 0 &&
    buckets.every(
      (bound: unknown, i) =>
        typeof bound === 'number' &&
        Number.isFinite(bound) &&
        bound >= 0 &&
        (i === 0 || bound > (buckets[i - 1] as number)),
    );
  if (!ok) {
    throw new RangeError(
      `calls.buckets must be finite numbers >= 0 in increasing order, got ${show(buckets)}`,
    );
  }
  return Object.freeze([...(buckets as number[])]);
}

/**
 * Exports circuit breakers' states and transitions (and, optionally, their calls) as Prometheus
 * metrics through prom-client.
 *
 * - `circuit_breaker_state{circuit_name, state}` (gauge): 1 for the breaker's current state, 0
 *   for the five others, from the moment the listener is attached.
 * - `circuit_breaker_state_transition_total{circuit_name, old_state, new_state}` (counter): the
 *   series of the four automatic transitions start at 0 when the breaker is attached.
 * - with `calls`: `circuit_breaker_calls_total{circuit_name, outcome}`,
 *   `circuit_breaker_call_duration_seconds{circuit_name, outcome}` (histogram, seconds; rejected
 *   calls are counted but not timed) and `circuit_breaker_failure_rate{circuit_name}` (gauge,
 *   computed from the breaker's window at scrape time, absent while the window is empty).
 *
 * One listener serves any number of breakers. Listeners on the same registry share the metrics
 * (a breaker attached to two of them is counted once). Breakers that share a name are exported
 * as one circuit: the state gauge counts how many of them are in each state, and counters add
 * up. A circuit name is exported exactly, whatever it holds, except that a lone surrogate (not
 * valid Unicode, which no exposition can carry) becomes U+FFFD; names that differ only there are
 * one circuit. Nothing is created before the constructor runs, and nothing outside `registry` is
 * touched.
 * The metrics stay valid in the Prometheus text format and in OpenMetrics, in any order of
 * scrapes.
 *
 * @example
 * ```ts
 * import { AsyncCircuitBreaker } from '@fluxgate/core';
 * import { PrometheusListener } from '@fluxgate/prometheus';
 * import { Registry } from 'prom-client';
 *
 * const registry = new Registry();
 * const listener = new PrometheusListener({ registry, calls: true });
 * const payments = new AsyncCircuitBreaker({ name: 'payment_api', listeners: [listener] });
 * const inventory = new AsyncCircuitBreaker({ name: 'inventory_api', listeners: [listener] });
 *
 * const body = await registry.metrics(); // serve it on /metrics
 * ```
 */
export class PrometheusListener implements Listener {
  /**
   * Counts and times one call. Present only with `calls`, so that breakers skip building call
   * events for a listener that does not export them.
   */
  declare readonly onCall?: (event: CallEvent) => void;

  private readonly metrics: CircuitMetrics;
  private readonly member: Member;

  /**
   * @throws TypeError when `registry` is not a prom-client registry or `calls` is neither a
   *   boolean nor an object; RangeError when `calls.buckets` is not an increasing list of
   *   finite numbers >= 0, or differs from the buckets another listener registered; Error when
   *   the registry already holds a metric of the same name that this package did not create
   */
  constructor(options: PrometheusListenerOptions = {}) {
    if (typeof options !== 'object' || options === null) {
      throw new TypeError(`options must be an object, got ${show(options)}`);
    }
    const registry = checkRegistry(options.registry ?? register);
    const buckets = callBuckets(options.calls);
    this.metrics = CircuitMetrics.of(registry);
    this.member = { calls: buckets !== undefined, closed: false };
    this.metrics.join(this.member, buckets);
    if (buckets !== undefined) {
      this.onCall = (event) => {
        if (!this.member.closed) this.metrics.call(this.member, event);
      };
    }
  }

  /** Whether {@link PrometheusListener.close} has been called. */
  get closed(): boolean {
    return this.member.closed;
  }

  /** Creates the breaker's series: its state (closed = 1), and its automatic transitions at 0. */
  onAttach(breaker: BreakerView): void {
    if (!this.member.closed) this.metrics.attach(this.member, breaker);
  }

  /**
   * Forgets the breaker. When no other breaker with its name is attached (through any listener
   * on the registry), every series with its `circuit_name` is removed.
   */
  onDetach(breaker: BreakerView): void {
    if (!this.member.closed) this.metrics.detach(this.member, breaker);
  }

  /** Counts the transition and moves the state gauge. */
  onTransition(signal: Signal): void {
    if (!this.member.closed) this.metrics.transition(this.member, signal);
  }

  /**
   * Stops exporting: removes every series this listener created that no other open listener on
   * the registry still uses, and unregisters the metric families once no listener uses them.
   * Later signals, calls and attachments are ignored. Idempotent.
   */
  close(): void {
    if (this.member.closed) return;
    this.member.closed = true;
    this.metrics.leave(this.member);
  }
}
