/** The metric names, labels and help texts the package exports. */

export const STATE = 'circuit_breaker_state';
export const TRANSITIONS = 'circuit_breaker_state_transition_total';
export const CALLS = 'circuit_breaker_calls_total';
export const DURATION = 'circuit_breaker_call_duration_seconds';
export const FAILURE_RATE = 'circuit_breaker_failure_rate';

export const STATE_HELP =
  'State of the circuit breaker: 1 for its current state, 0 for the five others.';
export const TRANSITIONS_HELP = 'State transitions of the circuit breaker, by old and new state.';
export const CALLS_HELP =
  'Calls the circuit breaker saw, by outcome (success, failure, ignored, not_permitted).';
export const DURATION_HELP =
  'Duration of the calls the circuit breaker ran, in seconds, by outcome (rejected calls excluded).';
export const FAILURE_RATE_HELP =
  "Failure rate (0 to 1) of the circuit breaker's window, read at scrape time; absent while the window is empty.";

/** A call outcome, as `CallEvent.outcome`. */
export type Outcome = 'success' | 'failure' | 'ignored' | 'not_permitted';

export const OUTCOMES: readonly Outcome[] = ['success', 'failure', 'ignored', 'not_permitted'];

/** Outcomes with a duration: a rejected call never ran. */
export const TIMED_OUTCOMES: readonly Outcome[] = ['success', 'failure', 'ignored'];

/** The transitions a breaker makes by itself; their series exist from attach, at 0. */
export const AUTOMATIC_TRANSITIONS: ReadonlyArray<readonly [string, string]> = [
  ['closed', 'open'],
  ['open', 'half_open'],
  ['half_open', 'open'],
  ['half_open', 'closed'],
];
