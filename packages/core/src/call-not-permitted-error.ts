import { fail } from './internal/validate.js';
import { State } from './state.js';

const BRAND = Symbol.for('@fluxgate/core/CallNotPermittedError');

/**
 * Thrown (or rejected with) when a breaker refuses a call: it is open, forced open, or half-open
 * with no permit or no free slot.
 *
 * Breakers create it without capturing a stack trace: failing fast is the point of an open
 * circuit, and a stack would cost more than the rest of the rejection. Its message names the
 * circuit, the state and, while open, the time left before a call may be tried again.
 *
 * Recognise it with {@link CallNotPermittedError.is} (or `instanceof`, which uses the same
 * check): both work across two copies of the package, such as its ESM and CommonJS builds.
 *
 * @example
 * ```ts
 * import { CallNotPermittedError } from '@fluxgate/core';
 * try {
 *   await breaker.call(fetchPrices);
 * } catch (error) {
 *   if (CallNotPermittedError.is(error)) res.setHeader('Retry-After', Math.ceil((error.retryAfter ?? 1000) / 1000));
 * }
 * ```
 */
export class CallNotPermittedError extends Error {
  // `declare`: set in the constructor, so no class-field definition is emitted before it.
  /** The name of the circuit that refused the call. */
  declare readonly circuitName: string;
  /** The state that refused it: `open`, `half_open` or `forced_open`. */
  declare readonly state: State;
  /**
   * Milliseconds until a call may be tried again, when known: the time left to `retryAt` while
   * open (`Infinity` under `Never`); `undefined` otherwise.
   */
  declare readonly retryAfter: number | undefined;

  /**
   * @param circuitName - the circuit's name
   * @param state - the state that refused the call
   * @param retryAfter - milliseconds until a call may be tried again, when known
   * @throws TypeError when `circuitName` is not a string, `state` not a string or `retryAfter` not
   *   a number; RangeError when `state` is not one of the six states or `retryAfter` is NaN or < 0
   */
  constructor(circuitName: string, state: State, retryAfter?: number) {
    super(message(circuitName, state, retryAfter));
    this.circuitName = circuitName;
    this.state = state;
    this.retryAfter = retryAfter;
  }

  /** Whether `error` is a `CallNotPermittedError`, from this copy of the package or another. */
  static is(error: unknown): error is CallNotPermittedError {
    return (
      typeof error === 'object' &&
      error !== null &&
      (error as { [BRAND]?: unknown })[BRAND] === true
    );
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return CallNotPermittedError.is(value);
  }

  static {
    Object.defineProperties(this.prototype, {
      name: { value: 'CallNotPermittedError', configurable: true, writable: true },
      [BRAND]: { value: true },
    });
  }
}

const STATES: ReadonlySet<unknown> = new Set(State.ALL);

/** The message, once the arguments are checked: a wrong one would make a wrong message. */
function message(circuitName: string, state: State, retryAfter: number | undefined): string {
  if (typeof circuitName !== 'string') fail('circuitName', 'a string', circuitName, TypeError);
  if (!STATES.has(state)) {
    fail(
      'state',
      `one of ${State.ALL.join(', ')}`,
      state,
      typeof state === 'string' ? RangeError : TypeError,
    );
  }
  if (retryAfter !== undefined && !(typeof retryAfter === 'number' && retryAfter >= 0)) {
    fail('retryAfter', 'a number >= 0 or undefined', retryAfter);
  }
  // retryAfter >= 0 here, so its ceiling is too.
  return `Circuit breaker '${circuitName}' is ${state}; call not permitted${
    retryAfter === undefined
      ? ''
      : retryAfter === Infinity
        ? ' until a manual reset'
        : `, retry after ${Math.ceil(retryAfter)} ms`
  }`;
}

type ErrorConstructorWithLimit = ErrorConstructor & { stackTraceLimit?: number };

/**
 * A rejection for the breaker's fast path, created without capturing a stack trace (where the
 * engine supports `Error.stackTraceLimit`). Not part of the public entry points.
 */
export function notPermitted(
  circuitName: string,
  state: State,
  retryAfter?: number,
): CallNotPermittedError {
  const E = Error as ErrorConstructorWithLimit;
  const limit = E.stackTraceLimit;
  E.stackTraceLimit = 0;
  try {
    return new CallNotPermittedError(circuitName, state, retryAfter);
  } finally {
    E.stackTraceLimit = limit;
  }
}
