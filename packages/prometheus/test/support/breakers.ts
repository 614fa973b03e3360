import { CircuitBreaker, type CircuitBreakerOptions, type Listener } from '@fluxgate/core';
import { All } from '@fluxgate/core/permits';
import { Always } from '@fluxgate/core/retries';
import { FailureStreak } from '@fluxgate/core/trippers';
import { FakeClock } from './fake-clock';

/** Every error a listener raised through `onListenerError` during the current test. */
export const listenerErrors: unknown[] = [];

afterEach(() => {
  const errors = listenerErrors.splice(0);
  expect(errors).toEqual([]);
});

/**
 * A synchronous breaker that moves at once: one failure opens it, the next call is a probe
 * (no wait, every half-open call permitted), one success closes it. Listener errors are
 * collected in {@link listenerErrors}, which must be empty at the end of each test.
 */
export function quickBreaker(
  name: string,
  listeners: readonly Listener[],
  options: Partial<CircuitBreakerOptions> = {},
): CircuitBreaker {
  return new CircuitBreaker({
    name,
    listeners,
    clock: new FakeClock(),
    tripper: new FailureStreak(1),
    retry: new Always(),
    permit: new All(),
    onListenerError: (error) => listenerErrors.push(error),
    ...options,
  });
}

/** One failing call (the error is swallowed). */
export function fail(breaker: CircuitBreaker): void {
  try {
    breaker.call(() => {
      throw new Error('boom');
    });
  } catch {
    // expected: the call fails, or is rejected
  }
}

/** One successful call. */
export function succeed(breaker: CircuitBreaker): void {
  breaker.call(() => 'ok');
}
