import type { CallNotPermittedError } from './call-not-permitted-error.js';
import {
  BreakerCore,
  timeBy,
  type AsyncCircuitBreakerOptions,
  type GuardOptions,
  type Outcome,
  type Ticket,
} from './internal/breaker-core.js';
import { methodGuard, type MethodGuard } from './internal/decorate.js';
import type { State } from './state.js';

const slice = Array.prototype.slice;
import { integerAtLeast, positiveOrInfinity } from './internal/validate.js';

/**
 * A circuit breaker for functions that return promises (or plain values).
 *
 * It records each call's outcome in a window; when its tripper says so, it opens and rejects
 * calls with a {@link CallNotPermittedError} until its retry policy lets a probe through. While
 * half_open at most `maxHalfOpenCalls` run at once (the rest are rejected, not queued), each
 * settled call frees its slot, and slots held by hung probes past `halfOpenTimeout` reopen it.
 * An outcome that arrives after the breaker changed state is dropped.
 *
 * @example
 * ```ts
 * import { AsyncCircuitBreaker } from '@fluxgate/core';
 * import { Backoff } from '@fluxgate/core/retries';
 *
 * const breaker = new AsyncCircuitBreaker({
 *   name: 'payment_api',
 *   retry: new Backoff({ initial: 10_000, maxDuration: 600_000 }),
 *   isFailureResult: (res: Response) => res.status >= 500,
 * });
 * const res = await breaker.call(fetch, 'http://127.0.0.1:8080/pay');
 * ```
 */
export class AsyncCircuitBreaker extends BreakerCore {
  /**
   * @throws TypeError or RangeError naming the option when an option is invalid
   */
  constructor(options: AsyncCircuitBreakerOptions) {
    super(options, {
      maxHalfOpenCalls:
        options?.maxHalfOpenCalls === undefined
          ? 10
          : integerAtLeast('maxHalfOpenCalls', options.maxHalfOpenCalls, 1),
      halfOpenTimeout:
        options?.halfOpenTimeout === undefined
          ? 60_000
          : positiveOrInfinity('halfOpenTimeout', options.halfOpenTimeout),
    });
  }

  /**
   * Runs `fn(...args)` under the breaker.
   *
   * @returns a promise of `fn`'s result; it rejects with {@link CallNotPermittedError} when the
   *   breaker refuses the call, and with whatever `fn` throws or rejects with
   */
  call<A extends unknown[], R>(fn: (...args: A) => R | PromiseLike<R>, ...args: A): Promise<R>;
  call(fn: (...args: unknown[]) => unknown): Promise<unknown> {
    // `arguments`, not a rest parameter: most calls pass no arguments, and a rest parameter would
    // allocate an empty array for each of them.
    // eslint-disable-next-line prefer-rest-params
    return this.run(undefined, fn, arguments.length > 1 ? slice.call(arguments, 1) : undefined);
  }

  /**
   * As {@link AsyncCircuitBreaker.call}; on any error (a rejection by the breaker included)
   * resolves to `await fallback(error)` instead. The fallback may rethrow.
   */
  async callWithFallback<A extends unknown[], R, F = R>(
    fn: (...args: A) => R | PromiseLike<R>,
    fallback: (error: unknown) => F | PromiseLike<F>,
    ...args: A
  ): Promise<R | F> {
    try {
      return await this.run(undefined, fn, args);
    } catch (error) {
      return await fallback(error);
    }
  }

  /**
   * A function with `fn`'s parameters, returning a promise of its result, guarded by this breaker
   * (`this` is passed through).
   */
  wrap<This, A extends unknown[], R>(
    fn: (this: This, ...args: A) => R | PromiseLike<R>,
    options: GuardOptions<(error: unknown) => R | PromiseLike<R>> = {},
  ): (this: This, ...args: A) => Promise<R> {
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the wrapper's own `this` is the caller's
    const breaker = this;
    const fallback = options.fallback;
    if (fallback === undefined) {
      return function guarded(this: This): Promise<R> {
        // As in `call`: no array for a call without arguments.
        // eslint-disable-next-line prefer-rest-params
        const args = arguments.length > 0 ? (slice.call(arguments) as A) : undefined;
        return breaker.run(this, fn, args);
      } as (this: This, ...args: A) => Promise<R>;
    }
    return async function guarded(this: This, ...args: A): Promise<R> {
      try {
        return await breaker.run(this, fn, args);
      } catch (error) {
        return await fallback(error);
      }
    };
  }

  /**
   * A method decorator guarding an async method with this breaker. Works with TypeScript 5+
   * standard decorators and with `experimentalDecorators`.
   *
   * @example
   * ```ts
   * const breaker = new AsyncCircuitBreaker({ name: 'inventory_api' });
   * class Inventory {
   *   @breaker.protect({ fallback: () => [] })
   *   async list(): Promise<string[]> {
   *     return (await fetch('http://127.0.0.1:8081/items')).json();
   *   }
   * }
   * ```
   */
  protect(
    options: GuardOptions<(error: unknown) => unknown> = {},
  ): MethodGuard<PromiseLike<unknown>> {
    return methodGuard((method) => this.wrap(method, options));
  }

  private run<This, A extends unknown[], R>(
    thisArg: This,
    fn: (this: This, ...args: A) => R | PromiseLike<R>,
    /** The arguments; `undefined` for none. */
    args: A | undefined,
  ): Promise<R> {
    const ticket = this.admit();
    if (typeof ticket !== 'number') return rejectSoon(ticket);
    const ranIn = this.state;
    const start = timeBy(this.clock);
    // `fn` is called here rather than in the async function below, which then keeps less across
    // its `await` (a smaller frame to allocate on every call).
    let pending: R | PromiseLike<R>;
    try {
      pending =
        args === undefined
          ? (fn as (this: This) => R | PromiseLike<R>).call(thisArg)
          : fn.apply(thisArg, args);
    } catch (error) {
      this.settle(ticket, ranIn, start, this.classify(error));
      return Promise.reject(error);
    }
    return this.settleWhenDone(ticket, ranIn, start, pending);
  }

  /** Awaits what the guarded function returned, then settles the call. */
  private async settleWhenDone<R>(
    ticket: Ticket,
    ranIn: State,
    start: number,
    pending: R | PromiseLike<R>,
  ): Promise<R> {
    let value: R;
    let outcome: Outcome;
    try {
      value = await pending;
      outcome = this.judge(value);
    } catch (error) {
      this.settle(ticket, ranIn, start, this.classify(error));
      throw error;
    }
    this.settle(ticket, ranIn, start, outcome);
    return value;
  }
}

/**
 * A promise that rejects with `error` one microtask from now, once a caller that awaits the call
 * has attached its handler. A promise rejected before any handler is attached costs the runtime's
 * unhandled-rejection bookkeeping, which in Node takes longer than building the error: failing
 * fast is an open breaker's whole job. Native promise jobs only, so fake timers do not hold it.
 */
function rejectSoon(error: CallNotPermittedError): Promise<never> {
  return new Promise((_, reject) => {
    void Promise.resolve(error).then(reject);
  });
}
