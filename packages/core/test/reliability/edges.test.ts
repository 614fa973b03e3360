/**
 * Edge cases that coverage and mutation testing found unchecked (docs/reliability.md): each pins
 * a behaviour SPEC.md states or implies, through the public entry points.
 */
import {
  AsyncCircuitBreaker,
  CallNotPermittedError,
  CircuitBreaker,
  type Listener,
  type Signal,
} from '@fluxgate/core';
import { Retry } from '@fluxgate/core/retries';
import { Tracker } from '@fluxgate/core/trackers';
import { FailureStreak, Tripper, type TripContext } from '@fluxgate/core/trippers';
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
    const breaker = new CircuitBreaker({
      name: 'edge',
      tracker: new Throwing(),
      tripper: new FailureStreak(1),
    });
    const own = new Error('down');
    expect(() =>
      breaker.call(() => {
        throw own;
      }),
    ).toThrow(own);
    expect(breaker.info()).toMatchObject({ state: 'open' });
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
