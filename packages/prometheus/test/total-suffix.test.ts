/**
 * prom-client 15 renders OpenMetrics by renaming a registered counter from `x_total` to `x` for
 * good: every later text scrape of the same counter object then prints `x` and breaks every
 * query on `x_total`. Our counters must come out right in any order of scrapes, from one
 * registry switched between formats as from two registries sharing the counter objects.
 */
import { PrometheusListener } from '@fluxgate/prometheus';
import { Registry, type RegistryContentType } from 'prom-client';
import { fail, quickBreaker, succeed } from './support/breakers';
import { registryFor } from './support/exposition';

const TEXT = Registry.PROMETHEUS_CONTENT_TYPE;
const OPENMETRICS = Registry.OPENMETRICS_CONTENT_TYPE;
const COUNTERS = ['circuit_breaker_state_transition_total', 'circuit_breaker_calls_total'];

/** Checks one exposition of our two counters in `contentType`. */
function expectCountersRight(text: string, contentType: RegistryContentType): void {
  for (const name of COUNTERS) {
    const announced = contentType === OPENMETRICS ? name.replace(/_total$/, '') : name;
    expect(text).toContain(`\n# HELP ${announced} `);
    expect(text).toContain(`\n# TYPE ${announced} counter\n`);
    expect(text).toMatch(new RegExp(`\\n${name}\\{circuit_name="payment_api",`));
    // No sample without the suffix, and never a doubled one.
    expect(text).not.toMatch(new RegExp(`\\n${name.replace(/_total$/, '')}\\{`));
    expect(text).not.toContain('_total_total');
  }
}

function setUp(contentType: RegistryContentType = TEXT): Registry<RegistryContentType> {
  const registry = registryFor(contentType);
  const breaker = quickBreaker('payment_api', [new PrometheusListener({ registry, calls: true })]);
  succeed(breaker);
  fail(breaker);
  return registry;
}

describe('the _total suffix of our counters', () => {
  it.each([
    ['text, OpenMetrics, text', [TEXT, OPENMETRICS, TEXT]],
    ['OpenMetrics, text, OpenMetrics, text', [OPENMETRICS, TEXT, OPENMETRICS, TEXT]],
    ['OpenMetrics twice, then text twice', [OPENMETRICS, OPENMETRICS, TEXT, TEXT]],
  ] as const)(
    'survives one registry switched between formats: %s',
    async (_order, formats: readonly RegistryContentType[]) => {
      const registry = setUp();
      for (const contentType of formats) {
        registry.setContentType(contentType);
        expectCountersRight(await registry.metrics(), contentType);
      }
    },
  );

  it('survives a text registry and an OpenMetrics registry reading the same counters, interleaved', async () => {
    const text = setUp(TEXT);
    const openMetrics = registryFor(OPENMETRICS);
    for (const metric of text.getMetricsAsArray()) {
      openMetrics.registerMetric(metric as unknown as Parameters<Registry['registerMetric']>[0]);
    }
    for (let round = 0; round < 3; round++) {
      const [a, b, c, d] = await Promise.all([
        openMetrics.metrics(),
        text.metrics(),
        openMetrics.metrics(),
        text.metrics(),
      ]);
      expectCountersRight(a!, OPENMETRICS);
      expectCountersRight(b!, TEXT);
      expectCountersRight(c!, OPENMETRICS);
      expectCountersRight(d!, TEXT);
    }
  });

  it('survives a single-metric text read after an OpenMetrics scrape', async () => {
    const registry = setUp();
    registry.setContentType(OPENMETRICS);
    await registry.metrics();
    registry.setContentType(TEXT);
    const single = await registry.getSingleMetricAsString('circuit_breaker_state_transition_total');
    expect(single.split('\n').slice(0, 2)).toEqual([
      '# HELP circuit_breaker_state_transition_total State transitions of the circuit breaker, by old and new state.',
      '# TYPE circuit_breaker_state_transition_total counter',
    ]);
  });

  it('keeps the counters under their full names in the registry and in JSON', async () => {
    const registry = setUp();
    registry.setContentType(OPENMETRICS);
    await registry.metrics();
    for (const name of COUNTERS) expect(registry.getSingleMetric(name)).toBeDefined();
    const names = (await registry.getMetricsAsJSON()).map((metric) => metric.name);
    expect(names).toEqual(expect.arrayContaining(COUNTERS));
  });
});
