/**
 * Behaviours a mutation run of @fluxgate/core left unchecked by the tests it runs per mutant (it
 * skips the decorator, seeded and package suites): each test pins one, through the public entry
 * points, grouped by the source file that implements it.
 */
import {
  AsyncCircuitBreaker,
  CallNotPermittedError,
  CircuitBreaker,
  type CallEvent,
  type CallRecord,
  type ListenerErrorHandler,
  type Metric,
  type Signal,
} from '@fluxgate/core';
import { LogListener } from '@fluxgate/core/listeners';
import { RampUp } from '@fluxgate/core/permits';
import { Cooldown } from '@fluxgate/core/retries';
import { Custom, TypeOf, type ErrorClass } from '@fluxgate/core/trackers';
import { CountWindow, Window } from '@fluxgate/core/windows';
import { deferred, settle } from '../support/deferred';
import { RecordingListener } from '../support/recording-listener';
import { sequenceRandom } from '../support/sequence-random';
import { expectThrows } from '../support/validation';

describe('call-not-permitted-error.ts', () => {
  it('name is defined on the prototype as on the built-in errors: writable, configurable, not enumerable', () => {
    const own = Object.getOwnPropertyDescriptor(CallNotPermittedError.prototype, 'name');
    const builtIn = Object.getOwnPropertyDescriptor(Error.prototype, 'name');
    expect(own).toEqual({ ...builtIn, value: 'CallNotPermittedError' });
    expect(own).toEqual({
      value: 'CallNotPermittedError',
      writable: true,
      enumerable: false,
      configurable: true,
    });
  });
});

describe('internal/decorate.ts: protect() called by hand', () => {
  class Holder {
    constructor(readonly prefix: string) {}
    read(id: string): string {
      if (id === 'down') throw new Error('down');
      return `${this.prefix}:${id}`;
    }
  }
  type Read = (this: Holder, id: string) => string;

  /** A context of the 2023 decorators shape, as the runtime passes it. */
  function context(kind: string): ClassMethodDecoratorContext<Holder, Read> {
    return {
      kind,
      name: 'read',
      static: false,
      private: false,
      access: { has: () => true, get: () => Holder.prototype.read },
      addInitializer: () => undefined,
      metadata: {},
    } as unknown as ClassMethodDecoratorContext<Holder, Read>;
  }

  it('standard form (method, context): returns the method guarded by the breaker, this passed through', () => {
    const breaker = new CircuitBreaker({ name: 'cache' });
    const guarded = breaker.protect()(Holder.prototype.read, context('method'));
    expect(guarded.call(new Holder('h'), 'x')).toBe('h:x');
    expect(() => guarded.call(new Holder('h'), 'down')).toThrow('down');
    expect(breaker.info().metrics).toMatchObject({ totalCount: 2, failureCount: 1 });
    breaker.forceOpen();
    expect(() => guarded.call(new Holder('h'), 'x')).toThrow(CallNotPermittedError);
  });

  it('legacy form (target, key, descriptor): replaces descriptor.value with the guarded method', async () => {
    const breaker = new AsyncCircuitBreaker({ name: 'inventory_api' });
    const load = async function (this: Holder, id: string): Promise<string> {
      if (id === 'down') throw new Error('down');
      return `${this.prefix}:${id}`;
    };
    const descriptor: TypedPropertyDescriptor<typeof load> = {
      value: load,
      writable: true,
      enumerable: false,
      configurable: true,
    };
    const returned = breaker.protect({ fallback: async () => 'fallback' })(
      Holder.prototype,
      'load',
      descriptor,
    );
    expect(returned).toBe(descriptor);
    expect(descriptor.value).not.toBe(load);
    await expect(descriptor.value!.call(new Holder('h'), 'x')).resolves.toBe('h:x');
    await expect(descriptor.value!.call(new Holder('h'), 'down')).resolves.toBe('fallback');
    expect(breaker.info().metrics).toMatchObject({ totalCount: 2, failureCount: 1 });
  });

  it('refuses what is not a method, naming what it was given', () => {
    const guard = new CircuitBreaker({ name: 'cache' }).protect();
    expect(() => guard(Holder.prototype.read, context('getter'))).toThrow(
      new TypeError('protect() must be used on a method, got "getter"'),
    );
    const accessor = { get: () => Holder.prototype.read, configurable: true };
    expect(() => guard(Holder.prototype, 'read', accessor)).toThrow(
      new TypeError('protect() must be used on a method, got [object Object]'),
    );
  });
});

describe('internal/delivery.ts', () => {
  describe('the default onListenerError line', () => {
    let errors: jest.SpyInstance;
    beforeEach(() => {
      errors = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    });
    afterEach(() => errors.mockRestore());

    it('shows an instance of an anonymous class with String(), its class name being empty', () => {
      const listener = new (class {
        onTransition(): void {
          throw new Error('boom');
        }
      })();
      expect(listener.constructor.name).toBe('');
      new CircuitBreaker({ name: 'edge', listeners: [listener] }).forceOpen();
      expect(errors.mock.calls).toEqual([
        ["fluxgate: listener [object Object] of circuit breaker 'edge' failed: Error: boom"],
      ]);
    });
  });

  it('a listener returning null is not failing: nothing is reported and the next signal arrives', () => {
    const onListenerError = jest.fn<void, Parameters<ListenerErrorHandler>>();
    const seen: string[] = [];
    const breaker = new CircuitBreaker({
      name: 'edge',
      onListenerError,
      listeners: [
        {
          onTransition: (s: Signal) => {
            seen.push(s.newState);
            return null as unknown as void;
          },
        },
      ],
    });
    breaker.forceOpen();
    breaker.reset();
    expect(seen).toEqual(['forced_open', 'closed']);
    expect(onListenerError).not.toHaveBeenCalled();
  });

  it('a function with a then method returned by a listener is awaited like a promise', async () => {
    const first = deferred();
    const thenable = Object.assign(() => undefined, {
      then: (resolve: () => void, reject: (error: unknown) => void) =>
        void first.promise.then(resolve, reject),
    });
    const seen: string[] = [];
    const breaker = new CircuitBreaker({
      name: 'edge',
      listeners: [
        (s: Signal) => {
          seen.push(s.newState);
          if (s.newState === 'forced_open') return thenable as unknown as Promise<void>;
        },
      ],
    });
    breaker.forceOpen();
    breaker.reset();
    await settle();
    // The second signal waits for the first delivery to settle.
    expect(seen).toEqual(['forced_open']);
    let flushed = false;
    const flush = breaker.flush().then(() => void (flushed = true));
    await settle();
    expect(flushed).toBe(false);
    first.resolve();
    await flush;
    expect(seen).toEqual(['forced_open', 'closed']);
  });

  it('a breaker whose listeners are all detached no longer reads the window to build signals', () => {
    /** A custom window that counts how often it is read. */
    class CountingWindow extends Window {
      readonly inner = new CountWindow(10);
      reads = 0;
      record(record: CallRecord): void {
        this.inner.record(record);
      }
      metric(now: number): Metric {
        this.reads++;
        return this.inner.metric(now);
      }
      reset(): void {
        this.inner.reset();
      }
    }
    const window = new CountingWindow();
    const breaker = new CircuitBreaker({ name: 'edge', window });
    const listener = new RecordingListener();
    const detach = breaker.addListener(listener);
    breaker.forceOpen();
    // The signal carries the window as it stood before the transition: one read.
    expect(window.reads).toBe(1);
    detach();
    breaker.reset();
    breaker.disable();
    expect(window.reads).toBe(1);
    expect(listener.transitions).toEqual(['closed>forced_open']);
  });

  it('detaching one onCall listener leaves the others receiving call events', () => {
    const kept: CallEvent[] = [];
    const dropped: CallEvent[] = [];
    const breaker = new CircuitBreaker({ name: 'edge' });
    breaker.addListener({ onTransition: () => undefined, onCall: (e) => void kept.push(e) });
    const detach = breaker.addListener({
      onTransition: () => undefined,
      onCall: (e) => void dropped.push(e),
    });
    breaker.call(() => 1);
    detach();
    breaker.call(() => 2);
    expect(kept.map((e) => e.outcome)).toEqual(['success', 'success']);
    expect(dropped.map((e) => e.outcome)).toEqual(['success']);
  });

  it("a function listener is only called with signals: its properties named like a Listener's methods are never called", async () => {
    const methods = {
      onCall: jest.fn(),
      onAttach: jest.fn(),
      onDetach: jest.fn(),
      flush: jest.fn(async () => undefined),
    };
    const signals: Signal[] = [];
    const listener = Object.assign((s: Signal) => void signals.push(s), methods);
    const onListenerError = jest.fn<void, Parameters<ListenerErrorHandler>>();
    const breaker = new CircuitBreaker({ name: 'edge', onListenerError });
    const detach = breaker.addListener(listener);
    breaker.call(() => 1);
    breaker.forceOpen();
    await breaker.flush();
    detach();
    expect(signals.map((s) => s.newState)).toEqual(['forced_open']);
    expect(methods.onCall).not.toHaveBeenCalled();
    expect(methods.onAttach).not.toHaveBeenCalled();
    expect(methods.onDetach).not.toHaveBeenCalled();
    expect(methods.flush).not.toHaveBeenCalled();
    expect(onListenerError).not.toHaveBeenCalled();
  });
});

describe('internal/validate.ts: the messages of refused arguments', () => {
  it('shows 0 as 0 and -0 as -0', () => {
    expect(() => new CountWindow(0)).toThrow(new RangeError('size must be an integer >= 1, got 0'));
    expect(() => new CountWindow(-0)).toThrow(
      new RangeError('size must be an integer >= 1, got -0'),
    );
  });

  it('shows a revoked proxy, which refuses String(), by its kind: [object Function] or [object Object]', () => {
    const fn = Proxy.revocable(function target() {}, {});
    const object = Proxy.revocable({}, {});
    fn.revoke();
    object.revoke();
    expect(() => new CountWindow(fn.proxy as never)).toThrow(
      new TypeError('size must be an integer >= 1, got [object Function]'),
    );
    expect(() => new CountWindow(object.proxy as never)).toThrow(
      new TypeError('size must be an integer >= 1, got [object Object]'),
    );
  });

  it('a finite number > 0: says so', () => {
    expect(() => new Cooldown(0)).toThrow(
      new RangeError('duration must be a finite number > 0, got 0'),
    );
  });

  it('a number > 0 that may be Infinity: says so', () => {
    expect(() => new AsyncCircuitBreaker({ name: 'edge', halfOpenTimeout: 0 })).toThrow(
      new RangeError('halfOpenTimeout must be a number > 0 (Infinity allowed), got 0'),
    );
  });

  it('a ratio: says which end is open and which closed', () => {
    expect(() => new RampUp({ initial: 0, final: 1, duration: 1 })).toThrow(
      new RangeError('initial must be a number > 0 and <= 1, got 0'),
    );
    expect(() => new RampUp({ initial: 0.5, final: 0.25, duration: 1 })).toThrow(
      new RangeError('final must be a number >= 0.5 and <= 1, got 0.25'),
    );
    expect(() => new Cooldown(1, { jitterRatio: 1 })).toThrow(
      new RangeError('jitterRatio must be a number >= 0 and < 1, got 1'),
    );
  });

  it('a function: says so', () => {
    expect(() => new Custom(42 as never)).toThrow(
      new TypeError('predicate must be a function, got 42'),
    );
  });

  it('a component given as a function carrying its methods is refused: it must be an object', () => {
    const clock = Object.assign(() => 0, { now: () => 0 });
    // The value is shown with String(): a function's source text.
    expectThrows(
      () => new CircuitBreaker({ name: 'edge', clock }),
      TypeError,
      `clock must be a Clock (with now), got ${String(clock)}`,
    );
  });
});

describe('listeners/log-listener.ts', () => {
  it('an unknown state in levels: the message lists the states', () => {
    expect(() => new LogListener({ levels: { shut: 'info' } as never })).toThrow(
      new RangeError(
        'levels must be keyed by closed, open, half_open, metrics_only, disabled, forced_open, got "shut"',
      ),
    );
  });

  it('an unknown level: the message lists the levels', () => {
    expect(() => new LogListener({ levels: { open: 'loud' } as never })).toThrow(
      new TypeError('levels.open must be one of debug, info, warn, error, got "loud"'),
    );
  });
});

describe('permits/ramp-up.ts', () => {
  it('the share is exactly final once duration has passed, where the linear formula rounds below it', () => {
    const duration = 1_000;
    const [initial, final] = [0.2, 0.9];
    // What the linear formula gives at the end: just under final.
    expect(initial + ((final - initial) * duration) / duration).toBeLessThan(final);
    const just = 0.8999999999999999;
    const permit = new RampUp({ initial, final, duration, random: sequenceRandom(just) });
    expect(permit.ratioAt({ changedAt: 5_000, now: 5_000 + duration })).toBe(final);
    expect(permit.allows({ changedAt: 5_000, now: 5_000 + duration })).toBe(true);
  });
});

describe('trackers/type-of.ts', () => {
  it('refuses a class that is not a constructor, saying what it must be', () => {
    expect(() => new TypeOf(42 as never)).toThrow(
      new TypeError('errorTypes[0] must be an error class (a constructor), got 42'),
    );
  });

  it('refuses an object with Symbol.hasInstance: instanceof accepts it, but it is not a class', () => {
    const matcher = { [Symbol.hasInstance]: () => true } as unknown as ErrorClass;
    expect(() => new TypeOf(Error, matcher)).toThrow(
      new TypeError('errorTypes[1] must be an error class (a constructor), got [object Object]'),
    );
  });
});
