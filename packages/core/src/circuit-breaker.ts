import {
  BreakerCore,
  IGNORED,
  timeBy,
  type CircuitBreakerOptions,
  type GuardOptions,
  type Outcome,
  type Ticket,
} from './internal/breaker-core.js';
import { methodGuard, type MethodGuard } from './internal/decorate.js';
import type { State } from './state.js';

const slice = Array.prototype.slice;

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

const noop = (): void => {};

/**
 * A circuit breaker for synchronous functions.
 *
 * It records each call's outcome in a window; when its tripper says so, it opens and rejects
 * calls with a {@link CallNotPermittedError} until its retry policy lets a probe through; probes
 * that succeed close it again. For functions that return promises use
 * {@link AsyncCircuitBreaker}: given one, this breaker throws a `TypeError`.
 *
 * @example
 * ```ts
 * import { CircuitBreaker } from '@fluxgate/core';
 * import { CountWindow } from '@fluxgate/core/windows';
 * import { MinRequests, FailureRate } from '@fluxgate/core/trippers';
 *
 * const breaker = new CircuitBreaker({
 *   name: 'config_file',
 *   window: new CountWindow(20),
 *   tripper: new MinRequests(10).and(new FailureRate(0.5)),
 * });
 * const parsed = breaker.call(JSON.parse, '{"ok":true}');
 * ```
 */
export class CircuitBreaker extends BreakerCore {
  /**
   * @throws TypeError or RangeError naming the option when an option is invalid
   */
  constructor(options: CircuitBreakerOptions) {
    super(options, { maxHalfOpenCalls: Infinity, halfOpenTimeout: Infinity });
  }

  /**
   * Runs `fn(...args)` under the breaker and returns its result.
   *
   * @throws {@link CallNotPermittedError} when the breaker refuses the call; whatever `fn`
   *   throws; a `TypeError` naming `AsyncCircuitBreaker` when `fn` returns a promise
   */
  call<A extends unknown[], R>(fn: (...args: A) => R, ...args: A): R;
  call(fn: (...args: unknown[]) => unknown): unknown {
    // `arguments`, not a rest parameter: most calls pass no arguments, and a rest parameter would
    // allocate an empty array for each of them.
    // eslint-disable-next-line prefer-rest-params
    return this.run(undefined, fn, arguments.length > 1 ? slice.call(arguments, 1) : undefined);
  }

  /**
   * As {@link CircuitBreaker.call}; on any error (a rejection by the breaker included) returns
   * `fallback(error)` instead. The fallback may rethrow.
   */
  callWithFallback<A extends unknown[], R, F = R>(
    fn: (...args: A) => R,
    fallback: (error: unknown) => F,
    ...args: A
  ): R | F {
    try {
      return this.run(undefined, fn, args);
    } catch (error) {
      return fallback(error);
    }
  }

  /**
   * A function with `fn`'s parameters and return type, guarded by this breaker (`this` is passed
   * through).
   */
  wrap<This, A extends unknown[], R>(
    fn: (this: This, ...args: A) => R,
    options: GuardOptions<(error: unknown) => R> = {},
  ): (this: This, ...args: A) => R {
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the wrapper's own `this` is the caller's
    const breaker = this;
    const fallback = options.fallback;
    if (fallback === undefined) {
      return function guarded(this: This): R {
        // As in `call`: no array for a call without arguments.
        // eslint-disable-next-line prefer-rest-params
        const args = arguments.length > 0 ? (slice.call(arguments) as A) : undefined;
        return breaker.run(this, fn, args);
      } as (this: This, ...args: A) => R;
    }
    return function guarded(this: This, ...args: A): R {
      try {
        return breaker.run(this, fn, args);
      } catch (error) {
        return fallback(error);
      }
    };
  }

  /**
   * A method decorator guarding the method with this breaker. Works with TypeScript 5+ standard
   * decorators and with `experimentalDecorators`.
   *
   * @example
   * ```ts
   * const breaker = new CircuitBreaker({ name: 'cache' });
   * class Cache {
   *   @breaker.protect({ fallback: () => undefined })
   *   get(key: string): string | undefined {
   *     return lookup(key);
   *   }
   * }
   * ```
   */
  protect(options: GuardOptions<(error: unknown) => unknown> = {}): MethodGuard<unknown> {
    return methodGuard((method) => this.wrap(method, options));
  }

  private run<This, A extends unknown[], R>(
    thisArg: This,
    fn: (this: This, ...args: A) => R,
    /** The arguments; `undefined` for none. */
    args: A | undefined,
  ): R {
    const ticket = this.admit();
    if (typeof ticket !== 'number') throw ticket;
    const ranIn = this.state;
    const start = timeBy(this.clock);
    let value: R;
    // `undefined` for a promise returned, which is not judged.
    let outcome: Outcome | undefined;
    try {
      value =
        args === undefined ? (fn as (this: This) => R).call(thisArg) : fn.apply(thisArg, args);
      outcome = isThenable(value) ? undefined : this.judge(value);
    } catch (error) {
      // What `fn` threw, or what `isFailureResult` (or a `then` getter) threw on its value.
      this.settle(ticket, ranIn, start, this.classify(error));
      throw error;
    }
    if (outcome === undefined) throw this.refuse(ticket, ranIn, start, value as PromiseLike<R>);
    this.settle(ticket, ranIn, start, outcome);
    return value;
  }

  /** Settles a call whose function returned a promise, and says what went wrong. */
  private refuse(
    ticket: Ticket,
    ranIn: State,
    start: number,
    value: PromiseLike<unknown>,
  ): TypeError {
    // The promise is not awaited: keep its rejection from going unhandled.
    Promise.resolve(value).then(undefined, noop);
    this.settle(ticket, ranIn, start, IGNORED);
    return new TypeError(
      `CircuitBreaker '${this.name}' guards synchronous functions, but the function returned a promise: use AsyncCircuitBreaker`,
    );
  }
}
