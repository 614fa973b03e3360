import type { Counter } from 'prom-client';

/** The parts of a prom-client metric object a registry reads when it renders it. */
interface Rendered {
  name: string;
  get(): Promise<{ name: string }>;
}

/**
 * Keeps a counter named `..._total` right in both exposition formats, whatever the order of
 * scrapes.
 *
 * prom-client 15 renders OpenMetrics by assigning `metric.name = name.replace(/_total$/, '')` on
 * the registered counter, then adds `_total` to each sample. The assignment sticks: every later
 * Prometheus-text scrape of the same counter (another registry, or the same one switched back
 * with `setContentType`) prints `circuit_breaker_state_transition` without `_total`, and every
 * PromQL query on the real name finds nothing. A counter named without `_total` is no better:
 * the text format never adds the suffix.
 *
 * So the counter's name becomes an accessor that always reads the full name, and the registry's
 * write only decides the name returned by the very next `get()`, which prom-client calls
 * synchronously right after the write (`metrics()` → `getMetricsAsString()` → `get()`). The
 * OpenMetrics rendering therefore still sees the stripped name it asked for, and the text
 * rendering always sees the full one. A prom-client that stops mutating the name (or 14, which
 * has no OpenMetrics) never writes, and the counter simply keeps its name.
 */
export function pinTotalName(counter: Counter<string>): void {
  const metric = counter as unknown as Rendered;
  const fullName = metric.name;
  let nextName: string | undefined;
  Object.defineProperty(metric, 'name', {
    configurable: true,
    enumerable: true,
    get: () => fullName,
    set: (value: unknown) => {
      nextName = typeof value === 'string' ? value : undefined;
    },
  });
  const get = metric.get;
  metric.get = function (this: Rendered) {
    const name = nextName ?? fullName;
    nextName = undefined;
    return get.call(this).then((rendered) => ({ ...rendered, name }));
  };
}
