/**
 * The six states of a circuit breaker, as values: `State.OPEN === 'open'`.
 *
 * `State` is also the type: the union of the six strings. `State.ALL` lists them in a fixed
 * order (closed, open, half_open, metrics_only, disabled, forced_open).
 *
 * @example
 * ```ts
 * import { State } from '@fluxgate/core';
 * if (breaker.state === State.OPEN) console.log('failing fast');
 * ```
 */
export const State = Object.freeze({
  /** Calls run and their outcomes are recorded; the tripper may open the circuit. */
  CLOSED: 'closed',
  /** Calls are rejected until `retryAt`; the first call after it becomes the first probe. */
  OPEN: 'open',
  /** Probe calls run (as the permit and slots allow) to decide between closed and open. */
  HALF_OPEN: 'half_open',
  /** Calls run and are recorded, but the circuit never trips. Left only by a manual call. */
  METRICS_ONLY: 'metrics_only',
  /** Calls run and nothing is recorded. Left only by a manual call. */
  DISABLED: 'disabled',
  /** Calls are rejected. Left only by a manual call. */
  FORCED_OPEN: 'forced_open',
  /** Every state, in declaration order. */
  ALL: Object.freeze([
    'closed',
    'open',
    'half_open',
    'metrics_only',
    'disabled',
    'forced_open',
  ] as const),
});

/** One of the six state strings: `'closed' | 'open' | 'half_open' | 'metrics_only' | 'disabled' | 'forced_open'`. */
export type State = (typeof State.ALL)[number];
