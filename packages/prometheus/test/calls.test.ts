import { AsyncCircuitBreaker, CircuitBreaker, type Listener } from '@fluxgate/core';
import { TypeOf } from '@fluxgate/core/trackers';
import { DEFAULT_DURATION_BUCKETS, PrometheusListener } from '@fluxgate/prometheus';
import { Registry } from 'prom-client';
import { listenerErrors } from './support/breakers';
import { FORMATS, counterFamily, family, registryFor, samples } from './support/exposition';
import { FakeClock } from './support/fake-clock';

/** A breaker on a fake clock that counts only TypeErrors as failures and never trips by itself. */
function timedBreaker(
  name: string,
  listeners: readonly Listener[],
  clock: FakeClock,
): CircuitBreaker {
  return new CircuitBreaker({
    name,
    listeners,
    clock,
    tracker: new TypeOf(TypeError),
    onListenerError: (error) => listenerErrors.push(error),
  });
}

/** Runs one call that takes `ms` on `clock` and then returns, or throws `error`. */
function timedCall(breaker: CircuitBreaker, clock: FakeClock, ms: number, error?: Error): void {
  try {
    breaker.call(() => {
      clock.advance(ms);
      if (error) throw error;
    });
  } catch {
    // expected
  }
}

function callLines(circuit: string, values: Record<string, number>): string[] {
  return ['success', 'failure', 'ignored', 'not_permitted'].map(
    (outcome) =>
      `circuit_breaker_calls_total{circuit_name="${circuit}",outcome="${outcome}"} ${values[outcome] ?? 0}`,
  );
}

function histogramLines(
  circuit: string,
  outcome: string,
  buckets: readonly number[],
  observations: readonly number[],
): string[] {
  const labels = `circuit_name="${circuit}",outcome="${outcome}"`;
  const sum = observations.reduce((a, b) => a + b, 0);
  return [
    ...[...buckets, '+Inf'].map((bound) => {
      const count = observations.filter((o) => bound === '+Inf' || o <= Number(bound)).length;
      return `circuit_breaker_call_duration_seconds_bucket{le="${bound}",${labels}} ${count}`;
    }),
    `circuit_breaker_call_duration_seconds_sum{${labels}} ${sum}`,
    `circuit_breaker_call_duration_seconds_count{${labels}} ${observations.length}`,
  ];
}

const BUCKETS = [0.005, 0.01, 0.05];

describe.each(FORMATS)('calls: true, in the $format format', ({ contentType }) => {
  it('counts every outcome, times every call that ran, and reads the failure rate at scrape', async () => {
    const registry = registryFor(contentType);
    const clock = new FakeClock();
    const breaker = timedBreaker(
      'payment_api',
      [new PrometheusListener({ registry, calls: { buckets: BUCKETS } })],
      clock,
    );
    timedCall(breaker, clock, 7);
    timedCall(breaker, clock, 30, new TypeError('down'));
    timedCall(breaker, clock, 2, new RangeError('not ours'));
    timedCall(breaker, clock, 3);

    const text = await registry.metrics();
    const calls = counterFamily('circuit_breaker_calls_total', contentType);
    expect(family(text, calls)).toEqual([
      `# HELP ${calls} Calls the circuit breaker saw, by outcome (success, failure, ignored, not_permitted).`,
      `# TYPE ${calls} counter`,
      ...callLines('payment_api', { success: 2, failure: 1, ignored: 1 }),
    ]);
    expect(family(text, 'circuit_breaker_call_duration_seconds')).toEqual([
      '# HELP circuit_breaker_call_duration_seconds Duration of the calls the circuit breaker ran, in seconds, by outcome (rejected calls excluded).',
      '# TYPE circuit_breaker_call_duration_seconds histogram',
      ...histogramLines('payment_api', 'success', BUCKETS, [0.007, 0.003]),
      ...histogramLines('payment_api', 'failure', BUCKETS, [0.03]),
      ...histogramLines('payment_api', 'ignored', BUCKETS, [0.002]),
    ]);
    expect(family(text, 'circuit_breaker_failure_rate')).toEqual([
      "# HELP circuit_breaker_failure_rate Failure rate (0 to 1) of the circuit breaker's window, read at scrape time; absent while the window is empty.",
      '# TYPE circuit_breaker_failure_rate gauge',
      // Two successes and one failure recorded; the ignored error is in neither.
      `circuit_breaker_failure_rate{circuit_name="payment_api"} ${1 / 3}`,
    ]);
  });

  it('counts rejected calls without timing them, and drops the failure rate of an empty window', async () => {
    const registry = registryFor(contentType);
    const clock = new FakeClock();
    const breaker = timedBreaker(
      'payment_api',
      [new PrometheusListener({ registry, calls: { buckets: BUCKETS } })],
      clock,
    );
    timedCall(breaker, clock, 7);
    breaker.forceOpen();
    timedCall(breaker, clock, 0);
    timedCall(breaker, clock, 0);

    const text = await registry.metrics();
    expect(samples(text, 'circuit_breaker_calls_total')).toEqual(
      callLines('payment_api', { success: 1, not_permitted: 2 }),
    );
    expect(samples(text, 'circuit_breaker_call_duration_seconds_count')).toEqual([
      'circuit_breaker_call_duration_seconds_count{circuit_name="payment_api",outcome="success"} 1',
    ]);
    expect(samples(text, 'circuit_breaker_failure_rate')).toEqual([]);
  });

  it('times async calls with the breaker clock', async () => {
    const registry = registryFor(contentType);
    const clock = new FakeClock();
    const breaker = new AsyncCircuitBreaker({
      name: 'inventory_api',
      clock,
      listeners: [new PrometheusListener({ registry, calls: { buckets: BUCKETS } })],
      onListenerError: (error) => listenerErrors.push(error),
    });
    await breaker.call(async () => {
      await Promise.resolve();
      clock.advance(40);
    });
    await expect(
      breaker.call(async () => {
        clock.advance(250);
        throw new Error('timeout');
      }),
    ).rejects.toThrow('timeout');

    const text = await registry.metrics();
    expect(samples(text, 'circuit_breaker_call_duration_seconds_sum')).toEqual([
      'circuit_breaker_call_duration_seconds_sum{circuit_name="inventory_api",outcome="success"} 0.04',
      'circuit_breaker_call_duration_seconds_sum{circuit_name="inventory_api",outcome="failure"} 0.25',
    ]);
    expect(samples(text, 'circuit_breaker_failure_rate')).toEqual([
      'circuit_breaker_failure_rate{circuit_name="inventory_api"} 0.5',
    ]);
  });
});

describe('calls: true', () => {
  it('uses DEFAULT_DURATION_BUCKETS (5 ms to 60 s) unless told otherwise', async () => {
    const registry = new Registry();
    const clock = new FakeClock();
    timedCall(
      timedBreaker('payment_api', [new PrometheusListener({ registry, calls: true })], clock),
      clock,
      1,
    );
    const bounds = samples(
      await registry.metrics(),
      'circuit_breaker_call_duration_seconds_bucket',
    ).map((line) => /le="([^"]+)"/.exec(line)![1]);
    expect(bounds).toEqual([...DEFAULT_DURATION_BUCKETS.map(String), '+Inf']);
    expect(DEFAULT_DURATION_BUCKETS).toEqual([
      0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60,
    ]);
  });

  it('computes the failure rate only at scrape time: nothing on the call path', async () => {
    const registry = new Registry();
    const clock = new FakeClock();
    const breaker = timedBreaker(
      'payment_api',
      [new PrometheusListener({ registry, calls: true })],
      clock,
    );
    const info = jest.spyOn(breaker, 'info');
    for (let i = 0; i < 50; i++)
      timedCall(breaker, clock, 1, i % 5 === 0 ? new TypeError() : undefined);
    expect(info).not.toHaveBeenCalled();

    const text = await registry.metrics();
    expect(info).toHaveBeenCalledTimes(1);
    expect(samples(text, 'circuit_breaker_failure_rate')).toEqual([
      'circuit_breaker_failure_rate{circuit_name="payment_api"} 0.2',
    ]);
  });

  it('adds up the calls of breakers that share a name, and their windows for the failure rate', async () => {
    const registry = new Registry();
    const clock = new FakeClock();
    const listener = new PrometheusListener({ registry, calls: true });
    const first = timedBreaker('shared', [listener], clock);
    const second = timedBreaker('shared', [listener], clock);
    timedCall(first, clock, 1);
    timedCall(first, clock, 1);
    timedCall(first, clock, 1);
    timedCall(second, clock, 1, new TypeError());

    const text = await registry.metrics();
    expect(samples(text, 'circuit_breaker_calls_total')).toEqual(
      callLines('shared', { success: 3, failure: 1 }),
    );
    expect(samples(text, 'circuit_breaker_failure_rate')).toEqual([
      'circuit_breaker_failure_rate{circuit_name="shared"} 0.25',
    ]);
  });

  it('counts each call once when two listeners with calls on one registry see it', async () => {
    const registry = new Registry();
    const clock = new FakeClock();
    const breaker = timedBreaker(
      'payment_api',
      [
        new PrometheusListener({ registry, calls: true }),
        new PrometheusListener({ registry, calls: true }),
      ],
      clock,
    );
    timedCall(breaker, clock, 1);
    timedCall(breaker, clock, 1, new TypeError());
    expect(samples(await registry.metrics(), 'circuit_breaker_calls_total')).toEqual(
      callLines('payment_api', { success: 1, failure: 1 }),
    );
  });

  it('refuses a second listener whose buckets differ from the histogram already registered', () => {
    const registry = new Registry();
    new PrometheusListener({ registry, calls: { buckets: [0.1, 1] } });
    expect(() => new PrometheusListener({ registry, calls: { buckets: [0.1, 1] } })).not.toThrow();
    expect(() => new PrometheusListener({ registry, calls: true })).toThrow(
      'calls.buckets must match the buckets of the circuit_breaker_call_duration_seconds histogram already on this registry (0.1, 1), got 0.005, 0.01',
    );
  });

  it('gives circuits attached before calls were enabled their call series too', async () => {
    const registry = new Registry();
    const clock = new FakeClock();
    timedBreaker('payment_api', [new PrometheusListener({ registry })], clock);
    new PrometheusListener({ registry, calls: true });
    expect(samples(await registry.metrics(), 'circuit_breaker_calls_total')).toEqual(
      callLines('payment_api', {}),
    );
  });

  it('unregisters the call metrics with the last listener that exports calls', async () => {
    const registry = new Registry();
    const clock = new FakeClock();
    const plain = new PrometheusListener({ registry });
    const withCalls = new PrometheusListener({ registry, calls: true });
    const breaker = timedBreaker('payment_api', [plain, withCalls], clock);
    timedCall(breaker, clock, 1);

    withCalls.close();
    const text = await registry.metrics();
    expect(text).not.toContain('circuit_breaker_call');
    expect(text).not.toContain('circuit_breaker_failure_rate');
    expect(samples(text, 'circuit_breaker_state')).toHaveLength(6);
    plain.close();
    expect(await registry.metrics()).toBe('\n');
  });
});
