import type { AsyncCircuitBreaker } from '../async-circuit-breaker.js';
import type { CircuitBreaker } from '../circuit-breaker.js';
import { notPermitted, type CallNotPermittedError } from '../call-not-permitted-error.js';
import { Cooldown } from '../retries/cooldown.js';
import type { Retry } from '../retries/retry.js';
import { RampUp } from '../permits/ramp-up.js';
import type { Permit } from '../permits/permit.js';
import { State } from '../state.js';
import { All } from '../trackers/all.js';
import type { Tracker } from '../trackers/tracker.js';
import { FailureRate } from '../trippers/failure-rate.js';
import { FailureStreak } from '../trippers/failure-streak.js';
import { HalfOpened } from '../trippers/half-opened.js';
import { MinRequests } from '../trippers/min-requests.js';
import { IN_CLOSED, isPure, type TripContext, type Tripper } from '../trippers/tripper.js';
import type {
  BreakerView,
  CallEvent,
  CircuitBreakerInfo,
  Clock,
  Listener,
  ListenerErrorHandler,
  ListenerFunction,
  Metric,
} from '../types.js';
import { CountWindow } from '../windows/count-window.js';
import { ADD, LIVE, isBuiltIn, type BuiltInWindow } from '../windows/totals.js';
import type { Window } from '../windows/window.js';
import { Delivery, defaultListenerErrorHandler } from './delivery.js';
import { component, func, integerAtLeast, options as checkOptions, show } from './validate.js';

/**
 * Options shared by {@link CircuitBreaker} and {@link AsyncCircuitBreaker}.
 */
export interface CircuitBreakerOptions {
  /** The circuit's name: required, non-empty; it labels every log line and metric. */
  name: string;
  /**
   * Where recent call outcomes are kept.
   *
   * @defaultValue `new CountWindow(100)`
   */
  window?: Window;
  /**
   * Which errors count as failures; the others pass through as "ignored".
   *
   * @defaultValue `new All()`
   */
  tracker?: Tracker;
  /**
   * When to open.
   *
   * @defaultValue `new MinRequests(100).and(new FailureRate(0.5)).or(new HalfOpened().and(new FailureStreak(1)))`:
   * half of the last 100 calls failing opens it, and a failed probe reopens it.
   */
  tripper?: Tripper;
  /**
   * How long open waits before the next call becomes a probe.
   *
   * @defaultValue `new Cooldown(60_000)`
   */
  retry?: Retry;
  /**
   * Which calls may run while half_open (the first probe always runs).
   *
   * @defaultValue `new RampUp({ initial: 0.1, final: 1, duration: 60_000 })`
   */
  permit?: Permit;
  /**
   * Recorded successes in a row, within one half-open period, that close the circuit.
   *
   * @defaultValue `1`
   */
  closeAfter?: number;
  /**
   * A returned value that counts as a failure (the value is still returned to the caller), such
   * as an HTTP response with a 5xx status. Typed loosely so that `(res) => res.status >= 500`
   * compiles; annotate the parameter for stronger checks.
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- see the comment above
  isFailureResult?: (result: any) => boolean;
  /** Listeners attached from the start. */
  listeners?: ReadonlyArray<Listener | ListenerFunction>;
  /**
   * Receives what a listener throws or rejects with; the call goes on regardless.
   *
   * @defaultValue one `console.error` line naming the circuit and the listener
   */
  onListenerError?: ListenerErrorHandler;
  /**
   * The source of time, in milliseconds since the epoch.
   *
   * @defaultValue `{ now: () => Date.now() }`
   */
  clock?: Clock;
}

/**
 * Options of {@link AsyncCircuitBreaker}: those of {@link CircuitBreakerOptions} and two more.
 */
export interface AsyncCircuitBreakerOptions extends CircuitBreakerOptions {
  /**
   * Calls allowed in flight at once while half_open; the others are rejected, not queued.
   *
   * @defaultValue `10`
   */
  maxHalfOpenCalls?: number;
  /**
   * Milliseconds after entering half_open from which a call refused for want of a slot (every
   * slot held by hung probes) moves the circuit back to open. `Infinity` switches it off.
   *
   * @defaultValue `60_000`
   */
  halfOpenTimeout?: number;
}

/** Options of `wrap()` and `protect()`. */
export interface GuardOptions<F> {
  /** Called with the error (a rejection included) instead of failing; it may rethrow. */
  fallback?: F;
}

// State-specific data, one shape per state (a discriminated union).
interface OpenPhase {
  readonly state: 'open';
  readonly retryAt: number;
}
interface HalfOpenPhase {
  readonly state: 'half_open';
  /** The generation of this period: the first probe's ticket. */
  readonly generation: number;
  /** Calls of this half-open period still in flight. */
  inFlight: number;
  /** Recorded successes in a row within this period. */
  successes: number;
}
interface PlainPhase {
  readonly state: 'closed' | 'metrics_only' | 'disabled' | 'forced_open';
}
type Phase = OpenPhase | HalfOpenPhase | PlainPhase;

/**
 * The one trip context of a breaker on the allocation-free path (see `BreakerCore.context`). Its
 * `metric` is the window's totals throughout, and its `state` is closed except while `record()`
 * hands it to the tripper in another state.
 */
type LiveContext = { metric: Metric; state: State; consecutiveFailures: number };

const PLAIN: { readonly [S in PlainPhase['state']]: PlainPhase } = {
  closed: Object.freeze({ state: State.CLOSED }),
  metrics_only: Object.freeze({ state: State.METRICS_ONLY }),
  disabled: Object.freeze({ state: State.DISABLED }),
  forced_open: Object.freeze({ state: State.FORCED_OPEN }),
};

/** An admission ticket: the generation a call ran in, or DISABLED (nothing is recorded). */
export type Ticket = number;
const DISABLED: Ticket = -1;

export const SUCCESS = 0;
export const FAILURE = 1;
export const IGNORED = 2;
export type Outcome = typeof SUCCESS | typeof FAILURE | typeof IGNORED;
const OUTCOMES = ['success', 'failure', 'ignored'] as const;

const defaultClock: Clock = { now: () => Date.now() };

/**
 * The time by `clock`: the default clock is read directly, so that breakers on it stay fast in a
 * process that also runs breakers on other clocks (a call site that sees several clocks costs
 * every breaker that goes through it).
 */
export function timeBy(clock: Clock): number {
  return clock === defaultClock ? Date.now() : clock.now();
}

/** `slowAt` of a breaker whose tripper counts no slow calls: every call met no threshold. */
const NO_SLOW_AT: ReadonlyArray<readonly number[]> = Object.freeze([Object.freeze([])]);

interface Defaults {
  readonly tracker: Tracker;
  readonly tripper: Tripper;
  readonly retry: Retry;
  readonly permit: Permit;
}
let sharedDefaults: Defaults | undefined;

/**
 * The default tracker, tripper, retry and permit. They hold configuration only, no state, so
 * every breaker shares one set (built on first use, not at import): a breaker with its defaults
 * then costs its window and its own fields.
 */
function defaults(): Defaults {
  sharedDefaults ??= {
    tracker: new All(),
    tripper: new MinRequests(100)
      .and(new FailureRate(0.5))
      .or(new HalfOpened().and(new FailureStreak(1))),
    retry: new Cooldown(60_000),
    permit: new RampUp({ initial: 0.1, final: 1, duration: 60_000 }),
  };
  return sharedDefaults;
}

/**
 * The state machine both breakers share: admission, outcome recording, and the one transition
 * function. Every transition bumps `generation`; an outcome carrying an older generation is
 * stale and dropped.
 */
export abstract class BreakerCore implements BreakerView {
  /** The circuit's name. */
  readonly name: string;

  /** @internal */ protected readonly clock: Clock;
  private readonly window: Window;
  private readonly tracker: Tracker;
  private readonly tripper: Tripper;
  private readonly retry: Retry;
  private readonly permit: Permit;
  private readonly closeAfter: number;
  private readonly isFailureResult: ((result: unknown) => boolean) | undefined;
  private readonly maxHalfOpenCalls: number;
  private readonly halfOpenTimeout: number;
  /** Created with the first listener: a breaker that has none does without it. */
  private delivery: Delivery | undefined;
  private readonly onListenerError: ListenerErrorHandler | undefined;
  /** `slowAt` arrays by how many thresholds a call met: thresholds are sorted, so it is a prefix. */
  private readonly slowAt: ReadonlyArray<readonly number[]>;
  private readonly thresholds: readonly number[];
  /**
   * Set when the window is a built-in one and the tripper keeps nothing of what it reads (see
   * `isPure`): the one context the tripper is handed after every call, its `metric` the window's
   * live totals. Then a recorded call allocates nothing; otherwise each gets a fresh context
   * holding an immutable snapshot, which a custom tripper may keep.
   */
  private readonly context: LiveContext | undefined;
  /**
   * With `context`: what the tripper comes to in the closed state (see `IN_CLOSED`), which
   * `recordClosed()` consults instead: `false` if it cannot trip there.
   */
  private readonly closedTripper: Tripper | boolean;

  private phase: Phase = PLAIN.closed;
  private generation = 0;
  private changedAt: number;
  private reopens = 0;
  private consecutiveFailures = 0;

  protected constructor(
    options: CircuitBreakerOptions,
    limits: { maxHalfOpenCalls: number; halfOpenTimeout: number },
  ) {
    const o = checkOptions('options', options);
    if (typeof o.name !== 'string')
      throw new TypeError(`name must be a non-empty string, got ${show(o.name)}`);
    if (o.name === '') throw new RangeError('name must be a non-empty string, got ""');
    this.name = o.name;
    this.clock =
      o.clock === undefined ? defaultClock : component<Clock>('clock', o.clock, ['now'], 'Clock');
    this.window =
      o.window === undefined
        ? new CountWindow(100)
        : component<Window>('window', o.window, ['record', 'metric', 'reset'], 'Window');
    this.tracker =
      o.tracker === undefined
        ? defaults().tracker
        : component<Tracker>('tracker', o.tracker, ['isFailure'], 'Tracker');
    this.tripper =
      o.tripper === undefined
        ? defaults().tripper
        : component<Tripper>('tripper', o.tripper, ['shouldTrip'], 'Tripper');
    this.retry =
      o.retry === undefined
        ? defaults().retry
        : component<Retry>('retry', o.retry, ['delay'], 'Retry');
    this.permit =
      o.permit === undefined
        ? defaults().permit
        : component<Permit>('permit', o.permit, ['allows'], 'Permit');
    this.closeAfter =
      o.closeAfter === undefined ? 1 : integerAtLeast('closeAfter', o.closeAfter, 1);
    this.isFailureResult =
      o.isFailureResult === undefined
        ? undefined
        : func<(result: unknown) => boolean>('isFailureResult', o.isFailureResult);
    this.maxHalfOpenCalls = limits.maxHalfOpenCalls;
    this.halfOpenTimeout = limits.halfOpenTimeout;
    this.thresholds = slowThresholds(this.tripper);
    this.slowAt =
      this.thresholds.length === 0
        ? NO_SLOW_AT
        : [
            ...this.thresholds.map((_, i) => Object.freeze(this.thresholds.slice(0, i))),
            Object.freeze(this.thresholds.slice()),
          ];

    this.onListenerError =
      o.onListenerError === undefined
        ? undefined
        : func<ListenerErrorHandler>('onListenerError', o.onListenerError);
    this.changedAt = timeBy(this.clock);
    this.context =
      isBuiltIn(this.window) && isPure(this.tripper)
        ? { metric: this.window[LIVE](this.changedAt), state: State.CLOSED, consecutiveFailures: 0 }
        : undefined;
    this.closedTripper = this.context === undefined ? false : this.tripper[IN_CLOSED]();
    if (o.listeners !== undefined) {
      if (!Array.isArray(o.listeners)) {
        throw new TypeError(`listeners must be an array, got ${show(o.listeners)}`);
      }
      o.listeners.forEach((listener: unknown, i) => {
        if (!isListener(listener)) {
          throw new TypeError(
            `listeners[${i}] must be a function or an object with onTransition, got ${show(listener)}`,
          );
        }
        this.addListener(listener);
      });
    }
  }

  /** The current state. */
  get state(): State {
    return this.phase.state;
  }

  /**
   * A snapshot: the state, when it was entered, `retryAt` (only while open), the reopen and
   * failure-streak counters, and the window read now.
   */
  info(): CircuitBreakerInfo {
    const phase = this.phase;
    return {
      name: this.name,
      state: phase.state,
      changedAt: this.changedAt,
      retryAt: phase.state === State.OPEN ? phase.retryAt : undefined,
      reopens: this.reopens,
      consecutiveFailures: this.consecutiveFailures,
      metrics: this.window.metric(timeBy(this.clock)),
    };
  }

  /** Moves to closed (from any state, or again from closed: window and counters reset). */
  reset(): void {
    this.transition(State.CLOSED, timeBy(this.clock));
  }

  /** Moves to disabled: every call runs and nothing is recorded, until another manual call. */
  disable(): void {
    this.transition(State.DISABLED, timeBy(this.clock));
  }

  /** Moves to metrics_only: every call runs and is recorded, and the circuit never trips. */
  metricsOnly(): void {
    this.transition(State.METRICS_ONLY, timeBy(this.clock));
  }

  /** Moves to forced_open: every call is rejected, until another manual call. */
  forceOpen(): void {
    this.transition(State.FORCED_OPEN, timeBy(this.clock));
  }

  /**
   * Attaches a listener (an object with `onTransition`, or a plain function) and calls its
   * `onAttach`. Attaching one already attached does nothing more.
   *
   * @returns a function that detaches it (and calls its `onDetach`)
   * @throws TypeError when `listener` is neither a function nor an object with `onTransition`
   */
  addListener(listener: Listener | ListenerFunction): () => void {
    if (!isListener(listener)) {
      throw new TypeError(
        `listener must be a function or an object with onTransition, got ${show(listener)}`,
      );
    }
    // BreakerCore is abstract and only the two breakers extend it: listeners get the breaker.
    this.delivery ??= new Delivery(
      this as unknown as CircuitBreaker | AsyncCircuitBreaker,
      this.onListenerError ?? defaultListenerErrorHandler(this.name),
    );
    return this.delivery.add(listener);
  }

  /** Settles when every listener delivery under way (and queued behind it) has finished. */
  flush(): Promise<void> {
    return this.delivery === undefined ? Promise.resolve() : this.delivery.flush();
  }

  /**
   * Admits a call: its ticket, or the rejection to answer it with (returned, not thrown: a throw
   * costs more than the rest of the rejection). Moves open → half_open when `retryAt` has come
   * (that call is the first probe: it takes a slot and skips the permit), and half_open → open
   * when every slot is held past `halfOpenTimeout`.
   */
  protected admit(): Ticket | CallNotPermittedError {
    // The closed state first, in a function small enough for the engine to inline.
    const phase = this.phase;
    return phase === PLAIN.closed ? this.generation : this.admitIn(phase);
  }

  /** `admit()` in any state but closed. */
  private admitIn(phase: Phase): Ticket | CallNotPermittedError {
    switch (phase.state) {
      case State.DISABLED:
        return DISABLED;
      case State.FORCED_OPEN:
        return this.reject(State.FORCED_OPEN, undefined);
      case State.OPEN: {
        const now = timeBy(this.clock);
        if (now < phase.retryAt) return this.reject(State.OPEN, phase.retryAt - now);
        // The phase holds the probe's slot before listeners hear of it: a listener that moves the
        // breaker on (a manual reset, say) makes this probe stale, it never breaks the call.
        return (this.transition(State.HALF_OPEN, now) as HalfOpenPhase).generation;
      }
      case State.HALF_OPEN: {
        const now = timeBy(this.clock);
        if (phase.inFlight >= this.maxHalfOpenCalls) {
          if (now - this.changedAt >= this.halfOpenTimeout) {
            return notPermitted(this.name, State.OPEN, this.reopenHung(now) - now);
          }
          return this.reject(State.HALF_OPEN, undefined);
        }
        if (!this.permit.allows({ changedAt: this.changedAt, now })) {
          return this.reject(State.HALF_OPEN, undefined);
        }
        phase.inFlight++;
        return this.generation;
      }
      default: // metrics_only (closed is admitted by admit() itself)
        return this.generation;
    }
  }

  /** Half-open with every slot held by a probe past `halfOpenTimeout`: back to open. */
  private reopenHung(now: number): number {
    if (this.delivery?.wantsCalls) this.emit(State.OPEN, 'not_permitted', 0);
    return (this.transition(State.OPEN, now) as OpenPhase).retryAt;
  }

  private reject(state: State, retryAfter: number | undefined): CallNotPermittedError {
    if (this.delivery?.wantsCalls) this.emit(state, 'not_permitted', 0);
    return notPermitted(this.name, state, retryAfter);
  }

  private emit(state: State, outcome: CallEvent['outcome'], duration: number): void {
    this.delivery?.call({ circuitName: this.name, state, outcome, duration });
  }

  /** Which outcome an error is: a failure if the tracker counts it (or cannot tell), else ignored. */
  protected classify(error: unknown): Outcome {
    try {
      return this.tracker.isFailure(error) ? FAILURE : IGNORED;
    } catch {
      return FAILURE;
    }
  }

  /**
   * Which outcome a returned value is.
   *
   * @throws what `isFailureResult` throws (the caller then settles that error as the outcome)
   */
  protected judge(value: unknown): Outcome {
    const isFailureResult = this.isFailureResult;
    return isFailureResult !== undefined && isFailureResult(value) ? FAILURE : SUCCESS;
  }

  /** Settles a call: frees its half-open slot, reports it, records it unless stale or ignored. */
  protected settle(ticket: Ticket, ranIn: State, start: number, outcome: Outcome): void {
    if (ticket === DISABLED) return;
    const now = timeBy(this.clock);
    const duration = now > start ? now - start : 0;
    if (this.delivery?.wantsCalls) this.emit(ranIn, OUTCOMES[outcome], duration);
    if (ticket !== this.generation) return;
    if (this.phase !== PLAIN.closed || this.context === undefined) {
      this.settleIn(this.phase, outcome, duration, now);
    } else if (outcome !== IGNORED) {
      this.recordClosed(outcome === SUCCESS, duration, now, this.context);
    }
  }

  /** `settle()` for a current call outside the common case of `recordClosed()`. */
  private settleIn(phase: Phase, outcome: Outcome, duration: number, now: number): void {
    if (phase.state === State.HALF_OPEN) phase.inFlight--;
    if (outcome !== IGNORED) this.record(outcome === SUCCESS, duration, now, phase);
  }

  /**
   * `record()` for the most common case, kept small for the engine to inline: the closed state,
   * with a built-in window and built-in trippers (`context` is set).
   */
  private recordClosed(
    success: boolean,
    duration: number,
    now: number,
    context: LiveContext,
  ): void {
    const window = this.window as Window & BuiltInWindow;
    const slowAt = this.thresholds.length === 0 ? NO_THRESHOLDS : this.slowAtFor(duration);
    window[ADD](success, duration, now, slowAt);
    const failures = success ? 0 : this.consecutiveFailures + 1;
    this.consecutiveFailures = failures;
    // `context.metric` is the window's totals, already current for `now` (see BuiltInWindow), and
    // `context.state` is closed whenever `record()` is not using the context.
    context.consecutiveFailures = failures;
    const tripper = this.closedTripper;
    if (tripper === true || (tripper !== false && tripper.shouldTrip(context))) {
      this.transition(State.OPEN, now);
    }
  }

  private record(success: boolean, duration: number, now: number, phase: Phase): void {
    const context = this.context;
    const slowAt = this.thresholds.length === 0 ? NO_THRESHOLDS : this.slowAtFor(duration);
    if (context !== undefined) {
      (this.window as Window & BuiltInWindow)[ADD](success, duration, now, slowAt);
    } else {
      this.window.record({ success, duration, timestamp: now, slowAt });
    }
    if (success) this.consecutiveFailures = 0;
    else this.consecutiveFailures++;
    if (phase.state === State.HALF_OPEN) phase.successes = success ? phase.successes + 1 : 0;
    else if (phase.state === State.METRICS_ONLY) return;
    let metric: Metric | undefined;
    let trip: boolean;
    if (context !== undefined) {
      context.metric = (this.window as Window & BuiltInWindow)[LIVE](now);
      context.state = phase.state;
      context.consecutiveFailures = this.consecutiveFailures;
      trip = this.tripper.shouldTrip(context);
      context.state = State.CLOSED;
    } else {
      metric = this.window.metric(now);
      trip = this.tripper.shouldTrip({
        metric,
        state: phase.state,
        consecutiveFailures: this.consecutiveFailures,
      } satisfies TripContext);
    }
    if (trip) this.transition(State.OPEN, now, metric);
    else if (phase.state === State.HALF_OPEN && success && phase.successes >= this.closeAfter) {
      this.transition(State.CLOSED, now, metric);
    }
  }

  private slowAtFor(duration: number): readonly number[] {
    const thresholds = this.thresholds;
    let met = 0;
    while (met < thresholds.length && duration >= thresholds[met]!) met++;
    return this.slowAt[met]!;
  }

  /**
   * The one transition function. Bumps the generation (in-flight outcomes become stale), resets
   * the window, stamps `changedAt`, sets the counters as on entering `to`, and sends a signal
   * when the state really changes. Half-open is only entered by a call, the first probe, whose
   * slot the new phase holds.
   *
   * @returns the phase entered (listeners may have moved the breaker on since)
   */
  private transition(to: State, now: number, metric?: Metric): Phase {
    const from = this.phase.state;
    const delivery = this.delivery;
    const signalled = from !== to && delivery !== undefined && delivery.active;
    const before = signalled ? (metric ?? this.window.metric(now)) : undefined;
    this.generation++;
    this.window.reset();
    this.changedAt = now;
    switch (to) {
      case State.OPEN: {
        if (from === State.HALF_OPEN) this.reopens++;
        const delay = this.retry.delay({ reopens: this.reopens });
        // A custom Retry that answers NaN or a negative number means "no wait".
        this.phase = { state: State.OPEN, retryAt: now + (delay >= 0 ? delay : 0) };
        break;
      }
      case State.HALF_OPEN:
        this.consecutiveFailures = 0;
        this.phase = {
          state: State.HALF_OPEN,
          generation: this.generation,
          inFlight: 1,
          successes: 0,
        };
        break;
      case State.CLOSED:
        this.reopens = 0;
        this.consecutiveFailures = 0;
        this.phase = PLAIN.closed;
        break;
      default:
        this.phase = PLAIN[to];
    }
    const entered = this.phase;
    if (delivery !== undefined && before !== undefined) {
      delivery.transition({
        circuitName: this.name,
        oldState: from,
        newState: to,
        timestamp: now,
        metric: before,
      });
    }
    return entered;
  }
}

function isListener(value: unknown): value is Listener | ListenerFunction {
  return (
    typeof value === 'function' ||
    (typeof value === 'object' &&
      value !== null &&
      typeof (value as Partial<Listener>).onTransition === 'function')
  );
}

/** The tripper's slow thresholds, checked, sorted and without duplicates. */
function slowThresholds(tripper: Tripper): readonly number[] {
  const raw: unknown = typeof tripper.slowThresholds === 'function' ? tripper.slowThresholds() : [];
  if (
    !Array.isArray(raw) ||
    raw.some((t) => typeof t !== 'number' || !(t > 0) || !Number.isFinite(t))
  ) {
    throw new TypeError(
      `tripper.slowThresholds() must return finite numbers > 0, got ${show(raw)}`,
    );
  }
  if (raw.length === 0) return NO_THRESHOLDS;
  return [...new Set(raw as number[])].sort((a, b) => a - b);
}

const NO_THRESHOLDS: readonly number[] = Object.freeze([]);
