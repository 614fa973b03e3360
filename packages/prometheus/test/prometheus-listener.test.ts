import { State, type Listener } from '@fluxgate/core';
import { PrometheusListener } from '@fluxgate/prometheus';
import { Counter, Gauge, Registry, register } from 'prom-client';
import { fail, listenerErrors, quickBreaker, succeed } from './support/breakers';
import {
  FORMATS,
  counterFamily,
  family,
  isOpenMetrics,
  registryFor,
  samples,
  stateLines,
} from './support/exposition';

const STATE_HELP =
  '# HELP circuit_breaker_state State of the circuit breaker: 1 for its current state, 0 for the five others.';
const TRANSITIONS_HELP = 'State transitions of the circuit breaker, by old and new state.';

/** The transition counter's lines for one circuit, `from>to` → value, in the order given. */
function transitionLines(
  circuit: string,
  values: ReadonlyArray<readonly [string, number]>,
): string[] {
  return values.map(([transition, value]) => {
    const [from, to] = transition.split('>');
    return `circuit_breaker_state_transition_total{circuit_name="${circuit}",old_state="${from}",new_state="${to}"} ${value}`;
  });
}

const AUTOMATIC_AT_ZERO = [
  ['closed>open', 0],
  ['open>half_open', 0],
  ['half_open>open', 0],
  ['half_open>closed', 0],
] as const;

describe.each(FORMATS)('in the $format format', ({ contentType }) => {
  const transitions = counterFamily('circuit_breaker_state_transition_total', contentType);

  it("shows a breaker's series as soon as it is attached: closed = 1, automatic transitions at 0", async () => {
    const registry = registryFor(contentType);
    quickBreaker('payment_api', [new PrometheusListener({ registry })]);

    const text = await registry.metrics();
    expect(family(text, 'circuit_breaker_state')).toEqual([
      STATE_HELP,
      '# TYPE circuit_breaker_state gauge',
      ...stateLines('payment_api', { closed: 1 }),
    ]);
    expect(family(text, transitions)).toEqual([
      `# HELP ${transitions} ${TRANSITIONS_HELP}`,
      `# TYPE ${transitions} counter`,
      ...transitionLines('payment_api', AUTOMATIC_AT_ZERO),
    ]);
    if (isOpenMetrics(contentType)) expect(text.endsWith('\n# EOF\n')).toBe(true);
  });

  it('moves the state gauge on every transition, with exactly one state at 1', async () => {
    const registry = registryFor(contentType);
    const breaker = quickBreaker('payment_api', [new PrometheusListener({ registry })]);
    const steps: ReadonlyArray<readonly [string, () => void, State]> = [
      ['a failure trips it', () => fail(breaker), State.OPEN],
      ['a successful probe closes it', () => succeed(breaker), State.CLOSED],
      ['a failure trips it again', () => fail(breaker), State.OPEN],
      ['a failed probe reopens it', () => fail(breaker), State.OPEN],
      ['metricsOnly()', () => breaker.metricsOnly(), State.METRICS_ONLY],
      ['disable()', () => breaker.disable(), State.DISABLED],
      ['forceOpen()', () => breaker.forceOpen(), State.FORCED_OPEN],
      ['reset()', () => breaker.reset(), State.CLOSED],
    ];
    for (const [step, act, expected] of steps) {
      act();
      expect({ step, lines: samples(await registry.metrics(), 'circuit_breaker_state') }).toEqual({
        step,
        lines: stateLines('payment_api', { [expected]: 1 }),
      });
    }
    expect(samples(await registry.metrics(), 'circuit_breaker_state_transition_total')).toEqual(
      transitionLines('payment_api', [
        ['closed>open', 2],
        ['open>half_open', 2],
        ['half_open>open', 1],
        ['half_open>closed', 1],
        ['open>metrics_only', 1],
        ['metrics_only>disabled', 1],
        ['disabled>forced_open', 1],
        ['forced_open>closed', 1],
      ]),
    );
  });

  it('serves many breakers from one listener, each under its own circuit_name', async () => {
    const registry = registryFor(contentType);
    const listener = new PrometheusListener({ registry });
    const payment = quickBreaker('payment_api', [listener]);
    quickBreaker('inventory_api', [listener]);
    const search = quickBreaker('search_api', [listener]);
    fail(payment);
    search.forceOpen();

    const text = await registry.metrics();
    expect(samples(text, 'circuit_breaker_state')).toEqual([
      ...stateLines('payment_api', { open: 1 }),
      ...stateLines('inventory_api', { closed: 1 }),
      ...stateLines('search_api', { forced_open: 1 }),
    ]);
    expect(samples(text, 'circuit_breaker_state_transition_total')).toEqual([
      ...transitionLines('payment_api', [['closed>open', 1], ...AUTOMATIC_AT_ZERO.slice(1)]),
      ...transitionLines('inventory_api', AUTOMATIC_AT_ZERO),
      ...transitionLines('search_api', [...AUTOMATIC_AT_ZERO, ['closed>forced_open', 1]]),
    ]);
  });

  it('escapes quotes, backslashes and newlines in circuit names and keeps any Unicode', async () => {
    const registry = registryFor(contentType);
    const name = 'pay "api"\\eu\nzone ✓ 支付 🚀';
    const breaker = quickBreaker(name, [new PrometheusListener({ registry })]);
    fail(breaker);

    const escaped = 'pay \\"api\\"\\\\eu\\nzone ✓ 支付 🚀';
    const text = await registry.metrics();
    expect(samples(text, 'circuit_breaker_state')).toEqual(stateLines(escaped, { open: 1 }));
    expect(samples(text, 'circuit_breaker_state_transition_total')).toContain(
      `circuit_breaker_state_transition_total{circuit_name="${escaped}",old_state="closed",new_state="open"} 1`,
    );
    // Every line is either a comment or a sample: no raw newline split a label value.
    for (const line of text.split('\n')) expect(line).toMatch(/^(#|circuit_breaker_|$)/);
  });

  it('lets two listeners on one registry share the metrics instead of failing', async () => {
    const registry = registryFor(contentType);
    const first = new PrometheusListener({ registry });
    const second = new PrometheusListener({ registry });
    quickBreaker('payment_api', [first]);
    fail(quickBreaker('inventory_api', [second]));

    const text = await registry.metrics();
    expect(text.match(/^# HELP circuit_breaker_state /gm)).toHaveLength(1);
    expect(text.match(new RegExp(`^# HELP ${transitions} `, 'gm'))).toHaveLength(1);
    expect(samples(text, 'circuit_breaker_state')).toEqual([
      ...stateLines('payment_api', { closed: 1 }),
      ...stateLines('inventory_api', { open: 1 }),
    ]);
  });

  it('counts a breaker attached to two listeners of one registry once', async () => {
    const registry = registryFor(contentType);
    const breaker = quickBreaker('payment_api', [
      new PrometheusListener({ registry }),
      new PrometheusListener({ registry }),
    ]);
    fail(breaker);

    const text = await registry.metrics();
    expect(samples(text, 'circuit_breaker_state')).toEqual(stateLines('payment_api', { open: 1 }));
    expect(samples(text, 'circuit_breaker_state_transition_total')[0]).toBe(
      transitionLines('payment_api', [['closed>open', 1]])[0],
    );
  });

  it('exports breakers that share a name as one circuit: states counted, transitions added', async () => {
    const registry = registryFor(contentType);
    const listener = new PrometheusListener({ registry });
    const first = quickBreaker('shared', [listener]);
    const second = quickBreaker('shared', []);
    const detachSecond = second.addListener(listener);
    expect(samples(await registry.metrics(), 'circuit_breaker_state')).toEqual(
      stateLines('shared', { closed: 2 }),
    );

    fail(first);
    expect(samples(await registry.metrics(), 'circuit_breaker_state')).toEqual(
      stateLines('shared', { closed: 1, open: 1 }),
    );
    fail(second);
    const text = await registry.metrics();
    expect(samples(text, 'circuit_breaker_state')).toEqual(stateLines('shared', { open: 2 }));
    expect(samples(text, 'circuit_breaker_state_transition_total')[0]).toBe(
      transitionLines('shared', [['closed>open', 2]])[0],
    );

    detachSecond();
    expect(samples(await registry.metrics(), 'circuit_breaker_state')).toEqual(
      stateLines('shared', { open: 1 }),
    );
  });

  it('removes every series of a circuit when its last breaker is detached', async () => {
    const registry = registryFor(contentType);
    const listener = new PrometheusListener({ registry });
    quickBreaker('payment_api', [listener]);
    const inventory = quickBreaker('inventory_api', []);
    const detach = inventory.addListener(listener);
    fail(inventory);

    detach();
    const text = await registry.metrics();
    expect(text).not.toContain('inventory_api');
    expect(samples(text, 'circuit_breaker_state')).toEqual(
      stateLines('payment_api', { closed: 1 }),
    );
  });

  it('exports the signals of a breaker it was never attached to (a listener wrapped in a function)', async () => {
    const registry = registryFor(contentType);
    const listener = new PrometheusListener({ registry });
    const breaker = quickBreaker('wrapped', []);
    breaker.addListener((signal) => listener.onTransition(signal));
    fail(breaker);

    const text = await registry.metrics();
    expect(samples(text, 'circuit_breaker_state')).toEqual(stateLines('wrapped', { open: 1 }));
    expect(samples(text, 'circuit_breaker_state_transition_total')).toEqual(
      transitionLines('wrapped', [['closed>open', 1], ...AUTOMATIC_AT_ZERO.slice(1)]),
    );
    listener.close();
    expect(await registry.metrics()).not.toContain('wrapped');
  });
});

describe('close()', () => {
  it('removes exactly the series the listener created, and nothing else', async () => {
    const registry = new Registry();
    const own = new Counter({
      name: 'app_requests_total',
      help: 'Requests.',
      registers: [registry],
    });
    own.inc(3);
    const before = await registry.metrics();

    const first = new PrometheusListener({ registry });
    const second = new PrometheusListener({ registry });
    const payment = quickBreaker('payment_api', [first]);
    quickBreaker('inventory_api', [first]);
    const search = quickBreaker('search_api', [second]);
    fail(payment);
    fail(search);

    const alone = new Registry();
    const control = new PrometheusListener({ registry: alone });
    fail(quickBreaker('search_api', [control]));
    const expectedAfterFirst = (await alone.metrics()).split('\n\n');

    first.close();
    const afterFirst = (await registry.metrics()).split('\n\n');
    expect(afterFirst).toEqual([before.trimEnd(), ...expectedAfterFirst]);

    second.close();
    expect(await registry.metrics()).toBe(before);
    expect(registry.getSingleMetric('circuit_breaker_state')).toBeUndefined();
  });

  it('keeps a circuit that another open listener of the registry still exports', async () => {
    const registry = new Registry();
    const first = new PrometheusListener({ registry });
    const second = new PrometheusListener({ registry });
    const breaker = quickBreaker('payment_api', [first, second]);

    first.close();
    fail(breaker);
    const text = await registry.metrics();
    expect(samples(text, 'circuit_breaker_state')).toEqual(stateLines('payment_api', { open: 1 }));
    expect(samples(text, 'circuit_breaker_state_transition_total')[0]).toBe(
      transitionLines('payment_api', [['closed>open', 1]])[0],
    );
  });

  it('is idempotent, and a closed listener ignores signals, calls and attachments', async () => {
    const registry = new Registry();
    const listener = new PrometheusListener({ registry, calls: true });
    const breaker = quickBreaker('payment_api', [listener]);
    listener.close();
    listener.close();
    expect(listener.closed).toBe(true);

    fail(breaker);
    succeed(breaker);
    quickBreaker('inventory_api', [listener]);
    expect(await registry.metrics()).toBe('\n');
  });

  it('lets a new listener start afresh on the registry afterwards', async () => {
    const registry = new Registry();
    const old = new PrometheusListener({ registry });
    fail(quickBreaker('payment_api', [old]));
    old.close();

    quickBreaker('payment_api', [new PrometheusListener({ registry })]);
    const text = await registry.metrics();
    expect(samples(text, 'circuit_breaker_state')).toEqual(
      stateLines('payment_api', { closed: 1 }),
    );
    expect(samples(text, 'circuit_breaker_state_transition_total')).toEqual(
      transitionLines('payment_api', AUTOMATIC_AT_ZERO),
    );
  });
});

describe('registries', () => {
  it('leaves the global register untouched with a custom registry', async () => {
    const before = await register.metrics();
    const registry = new Registry();
    const listener = new PrometheusListener({ registry, calls: true });
    fail(quickBreaker('payment_api', [listener]));
    await registry.metrics();

    expect(await register.metrics()).toBe(before);
    expect(register.getMetricsAsArray()).toHaveLength(0);
    listener.close();
  });

  it("uses prom-client's global register by default, and close() leaves it as it was", async () => {
    const before = await register.metrics();
    const listener = new PrometheusListener();
    fail(quickBreaker('payment_api', [listener]));
    expect(samples(await register.metrics(), 'circuit_breaker_state')).toEqual(
      stateLines('payment_api', { open: 1 }),
    );

    listener.close();
    expect(await register.metrics()).toBe(before);
  });

  it('creates no registry and no metric when the module is loaded', async () => {
    await jest.isolateModulesAsync(async () => {
      const prom = await import('prom-client');
      await import('@fluxgate/prometheus');
      expect(prom.register.getMetricsAsArray()).toEqual([]);
    });
  });

  it('shares the metrics with a second copy of the package (ESM next to CommonJS)', async () => {
    const registry = new Registry();
    quickBreaker('payment_api', [new PrometheusListener({ registry })]);
    let copy: typeof PrometheusListener | undefined;
    await jest.isolateModulesAsync(async () => {
      copy = (await import('@fluxgate/prometheus')).PrometheusListener;
    });
    expect(copy).not.toBe(PrometheusListener);

    fail(quickBreaker('inventory_api', [new copy!({ registry })]));
    expect(samples(await registry.metrics(), 'circuit_breaker_state')).toEqual([
      ...stateLines('payment_api', { closed: 1 }),
      ...stateLines('inventory_api', { open: 1 }),
    ]);
  });

  it('refuses a registry that already holds a metric of the same name it did not create', () => {
    const registry = new Registry();
    new Gauge({ name: 'circuit_breaker_state', help: 'Theirs.', registers: [registry] });
    expect(() => new PrometheusListener({ registry })).toThrow(
      'a metric named circuit_breaker_state is already registered on this registry and was not created by @fluxgate/prometheus',
    );

    const other = new Registry();
    new Counter({ name: 'circuit_breaker_calls_total', help: 'Theirs.', registers: [other] });
    expect(() => new PrometheusListener({ registry: other, calls: true })).toThrow(
      /circuit_breaker_calls_total is already registered/,
    );
    // The failed listener left nothing behind; one without calls is fine.
    expect(other.getMetricsAsArray()).toHaveLength(1);
    expect(() => new PrometheusListener({ registry: other })).not.toThrow();
  });

  it('keeps calls and transitions flowing when the user clears the registry', async () => {
    const registry = new Registry();
    const listener = new PrometheusListener({ registry, calls: true });
    const breaker = quickBreaker('payment_api', [listener]);
    registry.clear();

    fail(breaker);
    succeed(breaker);
    expect(listenerErrors).toEqual([]);
    expect(await registry.metrics()).toBe('\n');
  });
});

describe('options', () => {
  const BUCKETS_MESSAGE = 'calls.buckets must be finite numbers >= 0 in increasing order, got';
  it.each([
    ['options that are null', null, TypeError, 'options must be an object, got null'],
    [
      'a registry without the registry methods',
      { registry: {} },
      TypeError,
      'registry must be a prom-client Registry, got an object',
    ],
    [
      'a registry given by name',
      { registry: 'default' },
      TypeError,
      'registry must be a prom-client Registry, got "default"',
    ],
    [
      'calls as a string',
      { calls: 'yes' },
      TypeError,
      'calls must be a boolean or an object, got "yes"',
    ],
    [
      'calls as an array of buckets',
      { calls: [0.1] },
      TypeError,
      'calls must be a boolean or an object, got [0.1]',
    ],
    ['no buckets', { calls: { buckets: [] } }, RangeError, `${BUCKETS_MESSAGE} []`],
    [
      'buckets out of order',
      { calls: { buckets: [0.5, 0.1] } },
      RangeError,
      `${BUCKETS_MESSAGE} [0.5, 0.1]`,
    ],
    [
      'a repeated bucket',
      { calls: { buckets: [0.1, 0.1] } },
      RangeError,
      `${BUCKETS_MESSAGE} [0.1, 0.1]`,
    ],
    [
      'a negative bucket',
      { calls: { buckets: [-1, 1] } },
      RangeError,
      `${BUCKETS_MESSAGE} [-1, 1]`,
    ],
    [
      'an infinite bucket',
      { calls: { buckets: [0.1, Infinity] } },
      RangeError,
      `${BUCKETS_MESSAGE} [0.1, Infinity]`,
    ],
    [
      'a NaN bucket',
      { calls: { buckets: [0.1, NaN] } },
      RangeError,
      `${BUCKETS_MESSAGE} [0.1, NaN]`,
    ],
    ['a bucket as a string', { calls: { buckets: ['1'] } }, RangeError, `${BUCKETS_MESSAGE} ["1"]`],
  ])('rejects %s, naming the option and the value', (_what, options, type, message) => {
    const build = () =>
      options === null
        ? new PrometheusListener(null as never)
        : new PrometheusListener({ registry: new Registry(), ...(options as object) });
    expect(build).toThrow(type);
    expect(build).toThrow(message);
  });

  it('has no onCall without calls, so breakers build no call events for it', () => {
    const listener: Listener = new PrometheusListener({ registry: new Registry() });
    expect(listener.onCall).toBeUndefined();
    expect('onCall' in listener).toBe(false);
    expect(typeof new PrometheusListener({ registry: new Registry(), calls: true }).onCall).toBe(
      'function',
    );
  });
});
