/**
 * Example: a listener of your own, exporting a Prometheus counter.
 *
 * Teaches: a listener is any object with `onTransition(signal)`. This one counts the trips into
 * open per circuit as `circuit_breaker_open_total`, the custom metric of the Python fluxgate's
 * Prometheus page. The metric is created in the listener's constructor, in the registry you
 * give it, never when the module loads; one listener serves every breaker.
 *
 * Run: pnpm --filter @fluxgate/examples example custom-listener
 */
import { CircuitBreaker, State, type Listener, type Signal } from '@fluxgate/core';
import { Cooldown } from '@fluxgate/core/retries';
import { FailureStreak, HalfOpened } from '@fluxgate/core/trippers';
import { Counter, Registry } from 'prom-client';

class OpenTransitionsListener implements Listener {
  private readonly opened: Counter<'circuit_name'>;

  constructor(registry: Registry) {
    this.opened = new Counter({
      // prom-client keeps a `_total` name as is in the text format. (If you serve OpenMetrics,
      // see "OpenMetrics" in the @fluxgate/prometheus README for prom-client's pitfall.)
      name: 'circuit_breaker_open_total',
      help: 'Total number of times a circuit breaker has opened',
      labelNames: ['circuit_name'],
      registers: [registry],
    });
  }

  onTransition(signal: Signal): void {
    if (signal.newState === State.OPEN) this.opened.inc({ circuit_name: signal.circuitName });
  }
}

async function main(): Promise<void> {
  const registry = new Registry();
  const listener = new OpenTransitionsListener(registry);
  const policy = {
    tripper: new FailureStreak(2).or(new HalfOpened().and(new FailureStreak(1))),
    retry: new Cooldown(50),
    listeners: [listener],
  };
  const payments = new CircuitBreaker({ name: 'payment_api', ...policy });
  const inventory = new CircuitBreaker({ name: 'inventory_api', ...policy });

  const fail = () => {
    throw new Error('down');
  };
  const attempt = (breaker: CircuitBreaker) => {
    try {
      breaker.call(fail);
    } catch {
      // failures and rejections alike: we only watch the counter here
    }
  };

  // payment_api opens, probes after the wait, fails the probe and opens again: 2 trips.
  attempt(payments);
  attempt(payments);
  await new Promise((resolve) => setTimeout(resolve, 60));
  attempt(payments);
  // inventory_api opens once.
  attempt(inventory);
  attempt(inventory);

  process.stdout.write(await registry.metrics());
}

void main();
