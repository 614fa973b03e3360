// ============================================================================================
// SLOT: @fluxgate/prometheus cases (issue 7: "the Prometheus listener's cost per transition and
// its share of a scrape of 1,000 breakers").
//
// @fluxgate/prometheus is built in packages/prometheus by another engineer; this file only uses
// its public API as SPEC.md states it (`new PrometheusListener({ registry })`). When the package
// has no dist yet, or its import fails, the cases are skipped with a printed note and the rest of
// the run goes on. Add or adjust cases here once the package settles.
// ============================================================================================
import { existsSync } from 'node:fs';
import { URL, fileURLToPath } from 'node:url';
import { CircuitBreaker, State } from '@fluxgate/core';

const distEntry = fileURLToPath(
  new URL('../../packages/prometheus/dist/esm/index.js', import.meta.url),
);

export const BREAKERS_PER_SCRAPE = 1_000;

/** Loads the listener and prom-client, or says why not. */
async function load() {
  if (!existsSync(distEntry)) {
    return { skipped: 'packages/prometheus has no dist yet (run `pnpm build` there first)' };
  }
  try {
    const { PrometheusListener } = await import('@fluxgate/prometheus');
    const promClient = (await import('prom-client')).default;
    return { PrometheusListener, promClient };
  } catch (error) {
    return { skipped: `@fluxgate/prometheus failed to load: ${error?.message ?? error}` };
  }
}

/**
 * A registry with the same metrics, label names and series as `source`, filled directly through
 * prom-client: what prom-client alone costs to scrape for the same exposition (the case checks
 * that both print the same text).
 */
async function mirror(promClient, source) {
  const registry = new promClient.Registry();
  for (const metric of await source.getMetricsAsJSON()) {
    const labelNames = [...new Set(metric.values.flatMap((v) => Object.keys(v.labels ?? {})))];
    const config = { name: metric.name, help: metric.help, labelNames, registers: [registry] };
    if (metric.type === 'gauge') {
      const gauge = new promClient.Gauge(config);
      for (const v of metric.values) gauge.set(v.labels, v.value);
    } else if (metric.type === 'counter') {
      // The name as exported, `_total` included: prom-client's text format prints it as given.
      const counter = new promClient.Counter(config);
      for (const v of metric.values) counter.inc(v.labels, v.value);
    } else {
      throw new Error(`bench: no mirror for a ${metric.type} (${metric.name})`);
    }
  }
  return registry;
}

/**
 * The timed cases of the slot, in the shape of timing.mjs's cases, plus the rows that show them;
 * or `{ skipped }`.
 */
export async function prometheusSuite() {
  const loaded = await load();
  if (loaded.skipped) return { skipped: loaded.skipped, cases: [], rows: [] };
  const { PrometheusListener, promClient } = loaded;

  // One transition each way per run: forced_open, then closed.
  const transitions = (breaker) => () => {
    breaker.forceOpen();
    breaker.reset();
  };

  const cases = [
    {
      id: 'prom:transition:bare',
      perOp: 2,
      setup: () => ({ run: transitions(new CircuitBreaker({ name: 'bench' })) }),
    },
    {
      id: 'prom:transition:listener',
      perOp: 2,
      setup: () => {
        const registry = new promClient.Registry();
        const listener = new PrometheusListener({ registry });
        const breaker = new CircuitBreaker({ name: 'bench', listeners: [listener] });
        return { run: transitions(breaker), dispose: () => listener.close() };
      },
    },
    {
      // prom-client's own work for one transition: the counter and the two gauge series it moves.
      id: 'prom:transition:prom-client',
      perOp: 2,
      setup: () => {
        const registry = new promClient.Registry();
        const gauge = new promClient.Gauge({
          name: 'circuit_breaker_state',
          help: 'state',
          labelNames: ['circuit_name', 'state'],
          registers: [registry],
        });
        const counter = new promClient.Counter({
          name: 'circuit_breaker_state_transition',
          help: 'transitions',
          labelNames: ['circuit_name', 'old_state', 'new_state'],
          registers: [registry],
        });
        const move = (from, to) => {
          counter.inc({ circuit_name: 'bench', old_state: from, new_state: to });
          gauge.set({ circuit_name: 'bench', state: from }, 0);
          gauge.set({ circuit_name: 'bench', state: to }, 1);
        };
        return {
          run: () => {
            move(State.CLOSED, State.FORCED_OPEN);
            move(State.FORCED_OPEN, State.CLOSED);
          },
        };
      },
    },
    {
      id: 'prom:scrape:listener',
      setup: async () => {
        const registry = new promClient.Registry();
        const listener = new PrometheusListener({ registry });
        for (let i = 0; i < BREAKERS_PER_SCRAPE; i++) {
          const breaker = new CircuitBreaker({ name: `service_${i}`, listeners: [listener] });
          if (i % 10 === 0) breaker.forceOpen();
        }
        return { run: () => registry.metrics(), dispose: () => listener.close() };
      },
    },
    {
      id: 'prom:scrape:prom-client',
      setup: async () => {
        const registry = new promClient.Registry();
        const listener = new PrometheusListener({ registry });
        const breakers = [];
        for (let i = 0; i < BREAKERS_PER_SCRAPE; i++) {
          const breaker = new CircuitBreaker({ name: `service_${i}`, listeners: [listener] });
          if (i % 10 === 0) breaker.forceOpen();
          breakers.push(breaker);
        }
        const plain = await mirror(promClient, registry);
        // The comparison holds only if both registries print the very same exposition.
        if ((await plain.metrics()) !== (await registry.metrics())) {
          throw new Error('bench: the mirror registry does not print what the listener prints');
        }
        listener.close();
        // The breakers stay alive, as they are in the listener's case: a scrape's garbage
        // collections cost more with more live objects, and that is not the listener's doing.
        return { run: () => plain.metrics(), dispose: () => breakers.splice(0) };
      },
    },
  ];

  const rows = [
    {
      section: 'prometheus',
      kind: 'transition',
      title: 'one transition with a `PrometheusListener` attached',
      bare: 'prom:transition:bare',
      withListener: 'prom:transition:listener',
      promClient: 'prom:transition:prom-client',
    },
    {
      section: 'prometheus',
      kind: 'scrape',
      title: `scrape (\`registry.metrics()\`) of ${BREAKERS_PER_SCRAPE.toLocaleString('en-US')} breakers, default metrics`,
      withListener: 'prom:scrape:listener',
      promClient: 'prom:scrape:prom-client',
    },
  ];
  return { cases, rows };
}
