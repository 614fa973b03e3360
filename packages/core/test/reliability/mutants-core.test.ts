import {
  AsyncCircuitBreaker,
  CallNotPermittedError,
  CircuitBreaker,
  type Listener,
} from '@fluxgate/core';
import { All } from '@fluxgate/core/permits';
import { Always } from '@fluxgate/core/retries';
import { FailureStreak, Tripper } from '@fluxgate/core/trippers';
import { deferred } from '../support/deferred';
import { FakeClock } from '../support/fake-clock';

// Behaviour that mutation testing of the breakers (internal/breaker-core.ts, circuit-breaker.ts,
// async-circuit-breaker.ts) found no example-based test pinning. docs/reliability.md lists each
// surviving mutant with the test here that kills it, or why it is equivalent.

describe('CircuitBreaker: what a guarded function returns', () => {
  it.each([
    ['an object', { status: 200 }],
    ['an array', [1, 2]],
    ['a function without then', Object.assign(() => 1, { other: 2 })],
    ['an object whose then is not a function', { then: 'soon' }],
  ])('%s is returned as it is, not taken for a promise', (_, value) => {
    const breaker = new CircuitBreaker({ name: 'values' });
    expect(breaker.call(() => value)).toBe(value);
    expect(breaker.info().metrics).toMatchObject({ totalCount: 1, failureCount: 0 });
  });
});

describe('protect(): the decorator, applied by hand in both of its forms', () => {
  class Service {
    constructor(readonly base: number) {}
    add(n: number): number {
      if (n < 0) throw new Error('negative');
      return this.base + n;
    }
  }

  it.each([
    ['CircuitBreaker', () => new CircuitBreaker({ name: 'p', tripper: new FailureStreak(1) })],
    [
      'AsyncCircuitBreaker',
      () => new AsyncCircuitBreaker({ name: 'p', tripper: new FailureStreak(1) }),
    ],
  ])('%s: the standard and the legacy form guard the method', async (_, make) => {
    for (const form of ['standard', 'legacy'] as const) {
      const breaker = make();
      const guard = breaker.protect() as unknown as (...args: unknown[]) => unknown;
      let guarded: (this: Service, n: number) => unknown;
      if (form === 'standard') {
        guarded = guard(Service.prototype.add, { kind: 'method', name: 'add' }) as typeof guarded;
      } else {
        const descriptor = { value: Service.prototype.add, writable: true, configurable: true };
        expect(guard(Service.prototype, 'add', descriptor)).toBe(descriptor);
        guarded = descriptor.value as typeof guarded;
      }
      expect(guarded).not.toBe(Service.prototype.add);
      const service = new Service(40);
      expect(await guarded.call(service, 2)).toBe(42);
      await expect(async () => guarded.call(service, -1)).rejects.toThrow('negative');
      expect(breaker.state).toBe('open');
      await expect(async () => guarded.call(service, 1)).rejects.toBeInstanceOf(
        CallNotPermittedError,
      );
    }
  });

  it('a fallback given to protect() answers for the guarded method', () => {
    const breaker = new CircuitBreaker({ name: 'p', tripper: new FailureStreak(1) });
    const guard = breaker.protect({ fallback: () => -1 }) as unknown as (
      ...args: unknown[]
    ) => (this: Service, n: number) => number;
    const guarded = guard(Service.prototype.add, { kind: 'method', name: 'add' });
    expect(guarded.call(new Service(1), -5)).toBe(-1);
    expect(guarded.call(new Service(1), 5)).toBe(-1);
    expect(breaker.state).toBe('open');
  });
});

describe('addListener', () => {
  it.each([42, null, 'listener', {}, { onTransition: 'no' }])(
    'refuses %p, saying what a listener must be, and attaches nothing',
    (value) => {
      const breaker = new CircuitBreaker({ name: 'l' });
      expect(() => breaker.addListener(value as unknown as Listener)).toThrow(TypeError);
      expect(() => breaker.addListener(value as unknown as Listener)).toThrow(
        /^listener must be a function or an object with onTransition, got /,
      );
      // Nothing was attached: a transition reaches no listener and reports no failure.
      const errors: unknown[] = [];
      const spy = jest.spyOn(console, 'error').mockImplementation((e) => void errors.push(e));
      try {
        breaker.forceOpen();
      } finally {
        spy.mockRestore();
      }
      expect(errors).toEqual([]);
    },
  );
});

describe('the listeners option', () => {
  it.each([
    [[42], 0, '42'],
    [[() => undefined, { onTransition: 1 }], 1, '[object Object]'],
  ])('refuses %p, naming the listener by its index', (listeners, index, shown) => {
    expect(
      () => new CircuitBreaker({ name: 'l', listeners: listeners as unknown as Listener[] }),
    ).toThrow(
      new TypeError(
        `listeners[${index}] must be a function or an object with onTransition, got ${shown}`,
      ),
    );
  });
});

describe('flush()', () => {
  it.each([
    ['CircuitBreaker', () => new CircuitBreaker({ name: 'f' })],
    ['AsyncCircuitBreaker', () => new AsyncCircuitBreaker({ name: 'f' })],
  ])('%s without any listener settles at once, whatever happened', async (_, make) => {
    const breaker = make();
    await expect(breaker.flush()).resolves.toBeUndefined();
    breaker.forceOpen();
    breaker.reset();
    await expect(breaker.flush()).resolves.toBeUndefined();
  });
});

describe('halfOpenTimeout without any listener', () => {
  it('a call refused for a slot after halfOpenTimeout reopens the breaker and is rejected as open', async () => {
    const clock = new FakeClock(1_000);
    const breaker = new AsyncCircuitBreaker({
      name: 'hung',
      clock,
      tripper: new FailureStreak(1),
      retry: new Always(),
      permit: new All(),
      maxHalfOpenCalls: 1,
      halfOpenTimeout: 500,
    });
    await expect(breaker.call(() => Promise.reject(new Error('down')))).rejects.toThrow('down');
    const hung = deferred<string>();
    const probe = breaker.call(() => hung.promise);
    expect(breaker.state).toBe('half_open');
    clock.advance(500);
    const refused = await breaker.call(() => 'x').catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(CallNotPermittedError);
    expect(refused).toMatchObject({ state: 'open', retryAfter: 0 });
    expect(breaker.info()).toMatchObject({ state: 'open', reopens: 1, changedAt: 1_500 });
    hung.resolve('late');
    await expect(probe).resolves.toBe('late');
  });
});

describe("a tripper's slowThresholds() is checked when the breaker is built", () => {
  it.each([[[0]], [[-5]], [[NaN]], [[Infinity]], [['100']], [[100, null]]])(
    'refuses %p, naming tripper.slowThresholds()',
    (thresholds) => {
      class Odd extends Tripper {
        shouldTrip(): boolean {
          return false;
        }
        override slowThresholds(): readonly number[] {
          return thresholds as number[];
        }
      }
      expect(() => new CircuitBreaker({ name: 's', tripper: new Odd() })).toThrow(
        new TypeError(
          `tripper.slowThresholds() must return finite numbers > 0, got ${String(thresholds)}`,
        ),
      );
    },
  );

  it('refuses an answer that is not an array', () => {
    class Odd extends Tripper {
      shouldTrip(): boolean {
        return false;
      }
      override slowThresholds(): readonly number[] {
        return 100 as unknown as number[];
      }
    }
    expect(() => new CircuitBreaker({ name: 's', tripper: new Odd() })).toThrow(
      'tripper.slowThresholds() must return finite numbers > 0, got 100',
    );
  });
});
