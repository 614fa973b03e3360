import {
  CircuitBreaker,
  type CircuitBreakerOptions,
  type ListenerErrorHandler,
  type Signal,
  type CallEvent,
  type Listener,
  type ListenerFunction,
} from '@fluxgate/core';
import { All } from '@fluxgate/core/permits';
import { Cooldown } from '@fluxgate/core/retries';
import { FailureStreak, HalfOpened } from '@fluxgate/core/trippers';
import type { FakeClock } from './fake-clock.js';

/** One call to onListenerError. */
export interface Reported {
  readonly error: unknown;
  readonly listener: Listener | ListenerFunction;
  readonly cause: Signal | CallEvent | undefined;
}

/** An onListenerError that records what it gets. */
export function recorder(): ListenerErrorHandler & { readonly reports: Reported[] } {
  const reports: Reported[] = [];
  const handler: ListenerErrorHandler = (error, listener, cause) => {
    reports.push({ error, listener, cause });
  };
  return Object.assign(handler, { reports });
}

/**
 * A synchronous breaker for tests: two failures in a row open it, a failed probe reopens it,
 * a probe that succeeds closes it, it waits 10 s in open, and every half-open call may run.
 */
export function breaker(
  name: string,
  clock: FakeClock,
  options: Partial<CircuitBreakerOptions> = {},
): CircuitBreaker {
  return new CircuitBreaker({
    name,
    clock,
    tripper: new FailureStreak(2).or(new HalfOpened().and(new FailureStreak(1))),
    retry: new Cooldown(10_000),
    permit: new All(),
    ...options,
  });
}

/** A call that succeeds, after taking `ms` milliseconds of fake time. */
export function succeed(cb: CircuitBreaker, clock?: FakeClock, ms = 0): void {
  cb.call(() => clock?.advance(ms));
}

/** A call that fails, after taking `ms` milliseconds of fake time; the error is swallowed. */
export function fail(cb: CircuitBreaker, clock?: FakeClock, ms = 0): void {
  try {
    cb.call(() => {
      clock?.advance(ms);
      throw new Error('boom');
    });
  } catch {
    // the breaker passes the error (or its rejection) on; the test only wants it recorded
  }
}
