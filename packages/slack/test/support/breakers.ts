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
import type { SlackDeliveryError, SlackErrorHandler, SlackListener } from '@fluxgate/slack';
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

/** One call to a SlackListener's onError. */
export interface SlackReport {
  readonly error: SlackDeliveryError;
  readonly listener: SlackListener;
  readonly signal: Signal;
}

/** A SlackListener `onError` that records what it gets, and lets a test wait for reports. */
export function slackRecorder(): SlackErrorHandler & {
  readonly reports: SlackReport[];
  /** Resolves once `count` reports in all have arrived. */
  next(count: number): Promise<void>;
} {
  const reports: SlackReport[] = [];
  const waiting: { count: number; resolve: () => void }[] = [];
  const handler: SlackErrorHandler = (error, listener, signal) => {
    reports.push({ error, listener, signal });
    for (const waiter of waiting.filter((w) => reports.length >= w.count)) {
      waiting.splice(waiting.indexOf(waiter), 1);
      waiter.resolve();
    }
  };
  const next = (count: number): Promise<void> =>
    reports.length >= count
      ? Promise.resolve()
      : new Promise((resolve) => waiting.push({ count, resolve }));
  return Object.assign(handler, { reports, next });
}
