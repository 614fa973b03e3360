/**
 * Edge cases that coverage and mutation testing found unchecked (docs/reliability.md): each pins
 * a behaviour SPEC.md states or implies, through the public entry points.
 */
import {
  AsyncCircuitBreaker,
  CallNotPermittedError,
  CircuitBreaker,
  type CallEvent,
  type Listener,
  type Signal,
} from '@fluxgate/core';
import { Permit } from '@fluxgate/core/permits';
import { Always, Retry } from '@fluxgate/core/retries';
import { Tracker } from '@fluxgate/core/trackers';
import {
  FailureStreak,
  MinRequests,
  SlowRate,
  Tripper,
  type TripContext,
} from '@fluxgate/core/trippers';
import { CountWindow } from '@fluxgate/core/windows';
import { FakeClock } from '../support/fake-clock';

const boom = (): never => {
  throw new Error('boom');
};

describe('the default onListenerError line', () => {
  let errors: jest.SpyInstance;
  beforeEach(() => {
    errors = jest.spyOn(console, 'error').mockImplementation(() => undefined);
  });
  afterEach(() => errors.mockRestore());

  function lineFor(listener: Listener | ((s: Signal) => void)): string {
    const breaker = new CircuitBreaker({ name: 'edge', listeners: [listener] });
    breaker.forceOpen();
    expect(errors).toHaveBeenCalledTimes(1);
    return errors.mock.calls[0]![0] as string;
  }

  it('names a listener function without a name "anonymous function"', () => {
    const [anonymous] = [(): void => boom()];
    expect(anonymous!.name).toBe('');
    expect(lineFor(anonymous!)).toBe(
      "fluxgate: listener anonymous function of circuit breaker 'edge' failed: Error: boom",
    );
  });

  it('shows a listener object without a class name with String()', () => {
    const listener = Object.assign(Object.create(null) as Listener, { onTransition: boom });
    expect(lineFor(listener)).toBe(
      "fluxgate: listener [object Object] of circuit breaker 'edge' failed: Error: boom",
    );
  });

  it('shows a thrown value that is not an Error with String()', () => {
    const listener = {
      onTransition(): void {
        throw 42;
      },
    };
    expect(lineFor(listener)).toBe(
      "fluxgate: listener Object of circuit breaker 'edge' failed: 42",
    );
  });
});

describe('listener delivery', () => {
  it('a listener detached by another one during a delivery does not receive that signal', () => {
    const seen: string[] = [];
    let detachLater = (): void => undefined;
    const breaker = new CircuitBreaker({
      name: 'edge',
      listeners: [
        (s) => {
          seen.push(`first ${s.newState}`);
          detachLater();
        },
      ],
    });
    detachLater = breaker.addListener((s) => void seen.push(`second ${s.newState}`));
    breaker.forceOpen();
    breaker.reset();
    expect(seen).toEqual(['first forced_open', 'first closed']);
  });

  it("flush() waits again for the deliveries a listener's own flush() started", async () => {
    const settled: string[] = [];
    const breaker = new AsyncCircuitBreaker({ name: 'edge' });
    // A slow listener: each delivery settles a few turns later.
    breaker.addListener(async (s) => {
      await new Promise((resolve) => setImmediate(resolve));
      settled.push(s.newState);
    });
    // A listener whose own flush moves the breaker on (once), starting another delivery.
    let flushes = 0;
    breaker.addListener({
      onTransition: () => undefined,
      flush: async () => {
        if (flushes++ === 0) breaker.forceOpen();
      },
    } as Listener);
    await breaker.flush();
    expect(settled).toEqual(['forced_open']);
    expect(flushes).toBe(2);
  });
});

describe('components that answer oddly', () => {
  class WaitOf extends Retry {
    constructor(private readonly wait: number) {
      super();
    }
    delay(): number {
      return this.wait;
    }
  }

  it.each([NaN, -1, -Infinity])(
    'a Retry answering %p means no wait: the next call is the probe',
    async (wait) => {
      const clock = new FakeClock();
      const breaker = new AsyncCircuitBreaker({
        name: 'edge',
        clock,
        tripper: new FailureStreak(1),
        retry: new WaitOf(wait),
      });
      await expect(breaker.call(() => Promise.reject(new Error('down')))).rejects.toThrow('down');
      expect(breaker.info()).toMatchObject({ state: 'open', retryAt: clock.now() });
      await expect(breaker.call(() => Promise.resolve('up'))).resolves.toBe('up');
      expect(breaker.state).toBe('closed');
    },
  );

  it('a tracker that throws counts the error as a failure', () => {
    class Throwing extends Tracker {
      isFailure(): boolean {
        throw new Error('tracker bug');
      }
    }
    const events: CallEvent[] = [];
    const breaker = new CircuitBreaker({
      name: 'edge',
      tracker: new Throwing(),
      tripper: new FailureStreak(1),
      listeners: [{ onTransition: () => undefined, onCall: (e) => void events.push(e) }],
    });
    const own = new Error('down');
    expect(() =>
      breaker.call(() => {
        throw own;
      }),
    ).toThrow(own);
    expect(breaker.info()).toMatchObject({ state: 'open' });
    expect(events.map((e) => e.outcome)).toEqual(['failure']);
    expect(() => breaker.call(() => 1)).toThrow(CallNotPermittedError);
  });

  it.each<[string, unknown]>([
    ['zero', [0]],
    ['a negative number', [-5]],
    ['NaN', [NaN]],
    ['Infinity', [Infinity]],
    ['a string', ['100']],
    ['not an array', 100],
  ])(
    'a tripper whose slowThresholds() gives %s is refused with a TypeError naming it',
    (_label, thresholds) => {
      class Odd extends Tripper {
        shouldTrip(_ctx: TripContext): boolean {
          return false;
        }
        override slowThresholds(): readonly number[] {
          return thresholds as number[];
        }
      }
      expect(() => new CircuitBreaker({ name: 'edge', tripper: new Odd() })).toThrow(
        /^tripper\.slowThresholds\(\) must return finite numbers > 0, got /,
      );
      expect(() => new CircuitBreaker({ name: 'edge', tripper: new Odd() })).toThrow(TypeError);
    },
  );
});

describe('what mutation testing found unchecked', () => {
  it('a rejection leaves Error.stackTraceLimit as it found it (the stack is only skipped for it)', () => {
    const before = Error.stackTraceLimit;
    const breaker = new CircuitBreaker({ name: 'edge' });
    breaker.forceOpen();
    expect(() => breaker.call(() => 1)).toThrow(CallNotPermittedError);
    expect(Error.stackTraceLimit).toBe(before);
    expect(new Error('after').stack).toMatch(/\n\s+at /);
  });

  it('recognises an error branded by another copy or version of the package', () => {
    // What a copy of the package built elsewhere puts on its errors: the brand is the contract.
    const foreign = Object.assign(new Error('x'), {
      [Symbol.for('@fluxgate/core/CallNotPermittedError')]: true,
    });
    expect(CallNotPermittedError.is(foreign)).toBe(true);
    expect(foreign instanceof CallNotPermittedError).toBe(true);
    expect(CallNotPermittedError.is({ [Symbol.for('another brand')]: true })).toBe(false);
  });

  it('CallNotPermittedError: name on the prototype, writable on an instance, not enumerable', () => {
    const error = new CallNotPermittedError('edge', 'open', 5);
    expect(error.name).toBe('CallNotPermittedError');
    expect(Object.prototype.hasOwnProperty.call(error, 'name')).toBe(false);
    const keys: string[] = [];
    for (const key in error) keys.push(key);
    expect(keys.sort()).toEqual(['circuitName', 'retryAfter', 'state']);
    error.name = 'Renamed';
    expect(error.name).toBe('Renamed');
    expect(new CallNotPermittedError('edge', 'open').name).toBe('CallNotPermittedError');
  });

  it.each([null, undefined, 0, '', false])(
    'CircuitBreaker: a guarded function returning %p returns it',
    (value) => {
      const breaker = new CircuitBreaker({ name: 'edge' });
      expect(breaker.call(() => value)).toBe(value);
      expect(breaker.info().metrics.totalCount).toBe(1);
    },
  );

  it('CircuitBreaker: a function with a then method is a thenable: refused like a promise', () => {
    const breaker = new CircuitBreaker({ name: 'edge' });
    const thenable = Object.assign(() => undefined, { then: () => undefined });
    expect(() => breaker.call(() => thenable)).toThrow(/AsyncCircuitBreaker/);
    expect(breaker.info().metrics.totalCount).toBe(0);
  });

  it.each([
    ['clock', 'a Clock (with now)'],
    ['window', 'a Window (with record, metric, reset)'],
    ['tracker', 'a Tracker (with isFailure)'],
    ['tripper', 'a Tripper (with shouldTrip)'],
    ['retry', 'a Retry (with delay)'],
    ['permit', 'a Permit (with allows)'],
  ])('a %s without its methods is refused, saying what it must be', (option, what) => {
    expect(() => new CircuitBreaker({ name: 'edge', [option]: {} })).toThrow(
      new TypeError(`${option} must be ${what}, got [object Object]`),
    );
  });

  it('the permit is asked with the half-open period start and the current time', async () => {
    const asked: { changedAt: number; now: number }[] = [];
    class Recording extends Permit {
      allows(context: { changedAt: number; now: number }): boolean {
        asked.push({ ...context });
        return true;
      }
    }
    const clock = new FakeClock(5_000);
    const breaker = new AsyncCircuitBreaker({
      name: 'edge',
      clock,
      tripper: new FailureStreak(1),
      retry: new Always(),
      permit: new Recording(),
      closeAfter: 2,
    });
    await expect(breaker.call(() => Promise.reject(new Error('down')))).rejects.toThrow();
    clock.advance(10);
    const probe = breaker.call(() => new Promise((resolve) => setImmediate(resolve)));
    clock.advance(7);
    await breaker.call(() => 'second');
    await probe;
    expect(asked).toEqual([{ changedAt: 5_010, now: 5_017 }]);
  });

  it('a clock that goes back during a call records a duration of 0, not a negative one', () => {
    const clock = new FakeClock(10_000);
    const events: CallEvent[] = [];
    const breaker = new CircuitBreaker({
      name: 'edge',
      clock,
      listeners: [{ onTransition: () => undefined, onCall: (e) => void events.push(e) }],
    });
    breaker.call(() => clock.set(9_000));
    expect(breaker.info().metrics.totalDuration).toBe(0);
    expect(events.map((e) => e.duration)).toEqual([0]);
  });

  it("a custom tripper's slow thresholds are counted sorted and once each, however it lists them", () => {
    class Listed extends Tripper {
      shouldTrip(): boolean {
        return false;
      }
      override slowThresholds(): readonly number[] {
        return [1_000, 10, 100, 1_000, 10];
      }
    }
    const clock = new FakeClock();
    const window = new CountWindow(10);
    const breaker = new CircuitBreaker({ name: 'edge', clock, window, tripper: new Listed() });
    for (const duration of [5, 50, 500, 5_000]) breaker.call(() => clock.advance(duration));
    const metric = breaker.info().metrics;
    expect([...metric.slowCounts]).toEqual([
      [10, 3],
      [100, 2],
      [1_000, 1],
    ]);
    expect([metric.slowRate(10), metric.slowRate(100), metric.slowRate(1_000)]).toEqual([
      0.75, 0.5, 0.25,
    ]);
  });

  it('SlowRate composed with another: the union of thresholds reaches the window', () => {
    const clock = new FakeClock();
    const tripper = new MinRequests(100).and(
      new SlowRate(1, { threshold: 300 }).or(new SlowRate(1, { threshold: 30 })),
    );
    const breaker = new CircuitBreaker({ name: 'edge', clock, tripper });
    breaker.call(() => clock.advance(100));
    breaker.call(() => clock.advance(400));
    const metric = breaker.info().metrics;
    expect([...metric.slowCounts]).toEqual([
      [30, 2],
      [300, 1],
    ]);
    expect(metric.slowRate(300)).toBe(0.5);
  });
});
