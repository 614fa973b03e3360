import type { AsyncCircuitBreaker } from './async-circuit-breaker.js';
import type { CircuitBreaker } from './circuit-breaker.js';
import type { State } from './state.js';

/**
 * A source of time in milliseconds since the epoch. The breaker reads it to stamp transitions,
 * measure call durations and decide when an open circuit may be probed.
 *
 * @defaultValue `{ now: () => Date.now() }`
 */
export interface Clock {
  /** The current time, in milliseconds. */
  now(): number;
}

/**
 * The outcome of one recorded call, as a window stores it.
 */
export interface CallRecord {
  /** Whether the call succeeded (a failure is an error the tracker counts, or a failing result). */
  readonly success: boolean;
  /** How long the call took, in milliseconds. */
  readonly duration: number;
  /** When the call ended, in milliseconds since the epoch. */
  readonly timestamp: number;
  /** The slow-call thresholds (in milliseconds) this call met: `duration >= threshold`. */
  readonly slowAt: readonly number[];
}

/**
 * A read of a window: the calls it holds, summarised.
 */
export interface Metric {
  /** How many calls the window holds. */
  readonly totalCount: number;
  /** How many of them failed. */
  readonly failureCount: number;
  /** The sum of their durations, in milliseconds. */
  readonly totalDuration: number;
  /** For each slow-call threshold (in milliseconds), how many calls met it. */
  readonly slowCounts: ReadonlyMap<number, number>;
  /** `failureCount / totalCount`, in [0, 1]; `undefined` when the window is empty. */
  readonly failureRate: number | undefined;
  /** `totalDuration / totalCount`, in milliseconds; `undefined` when the window is empty. */
  readonly avgDuration: number | undefined;
  /**
   * The share of calls at least `threshold` ms long, in [0, 1]: `undefined` when the window is
   * empty, 0 for a threshold no call met.
   */
  slowRate(threshold: number): number | undefined;
}

/**
 * Sent to every listener on each state transition.
 */
export interface Signal {
  /** The breaker's name. */
  readonly circuitName: string;
  /** The state it left. */
  readonly oldState: State;
  /** The state it entered. */
  readonly newState: State;
  /** When, in milliseconds since the epoch (the breaker's clock). */
  readonly timestamp: number;
  /** The window as it stood just before the transition. */
  readonly metric: Metric;
}

/**
 * One call the breaker saw, sent to listeners that implement `onCall`.
 */
export interface CallEvent {
  /** The breaker's name. */
  readonly circuitName: string;
  /** The state the call ran in (or was rejected in). */
  readonly state: State;
  /** What became of it: `ignored` is an error the tracker does not count. */
  readonly outcome: 'success' | 'failure' | 'ignored' | 'not_permitted';
  /** How long it took, in milliseconds (0 when not permitted). */
  readonly duration: number;
}

/**
 * The public face of either breaker, as listeners see it.
 */
export interface BreakerView {
  /** The circuit's name. */
  readonly name: string;
  /** The current state. */
  readonly state: State;
  /** A snapshot of the breaker's state and window. */
  info(): CircuitBreakerInfo;
}

/**
 * Receives a breaker's transitions and, optionally, its calls.
 *
 * A listener never breaks a call: a throw or a rejected promise goes to the breaker's
 * `onListenerError`. Its synchronous part runs before the call that caused the transition
 * returns; a returned promise is not awaited on the call path, but the listener still receives
 * its signals in order.
 */
export interface Listener {
  /** Called once per transition. */
  onTransition(signal: Signal): void | Promise<void>;
  /** Called for every call the breaker sees (none while disabled). Synchronous; keep it cheap. */
  onCall?(event: CallEvent): void;
  /**
   * Called once, when the listener is attached to a breaker.
   *
   * @param breaker - the breaker (a listener only needs its {@link BreakerView} part)
   * @param link - reports errors that surface after `onTransition` returned (a send that failed
   *   later, say) to this breaker's `onListenerError`
   */
  onAttach?(breaker: CircuitBreaker | AsyncCircuitBreaker, link: ListenerLink): void;
  /** Called once, when the listener is detached from a breaker. */
  onDetach?(breaker: CircuitBreaker | AsyncCircuitBreaker): void;
  /**
   * Optional: settles when the work the listener queued on its own (sends to a remote service,
   * say) is done. A listener that keeps its own bounded queue returns nothing from
   * `onTransition` and implements this instead, so that `breaker.flush()` still waits for it.
   */
  flush?(): Promise<void>;
}

/**
 * Given to {@link Listener.onAttach}: the way back to the breaker for errors a listener meets
 * after `onTransition` returned.
 */
export interface ListenerLink {
  /**
   * Sends `error` to the breaker's `onListenerError`, with the signal (or call event) it concerns
   * when known. Does nothing once the listener is detached; never throws.
   */
  report(error: unknown, cause?: Signal | CallEvent): void;
}

/** A plain function accepted wherever a {@link Listener} is. */
export type ListenerFunction = (signal: Signal) => void | Promise<void>;

/**
 * Handles an error thrown (or a promise rejected) by a listener.
 *
 * @param error - what the listener threw or rejected with
 * @param listener - the listener that failed
 * @param cause - the signal (or, for `onCall`, the call event) being delivered, or `undefined`
 *   for `onAttach`/`onDetach`
 */
export type ListenerErrorHandler = (
  error: unknown,
  listener: Listener | ListenerFunction,
  cause: Signal | CallEvent | undefined,
) => void;

/**
 * A snapshot of a breaker, from `info()`.
 */
export interface CircuitBreakerInfo {
  /** The circuit's name. */
  readonly name: string;
  /** The current state. */
  readonly state: State;
  /** When the current state was entered, in milliseconds since the epoch. */
  readonly changedAt: number;
  /**
   * When an open circuit lets the next call through as a probe, in milliseconds since the
   * epoch; `Infinity` under `Never`; `undefined` outside open.
   */
  readonly retryAt: number | undefined;
  /** How many times the circuit went from half_open back to open since it last closed. */
  readonly reopens: number;
  /** Recorded failures in a row (reset by a success, on entering half_open and closed). */
  readonly consecutiveFailures: number;
  /** The window, read now. */
  readonly metrics: Metric;
}
