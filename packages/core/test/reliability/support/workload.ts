/**
 * A deterministic event loop for the reliability tests: many overlapping AsyncCircuitBreaker
 * calls over a FakeClock. Every guarded call returns a promise (a deferred) that the scheduler
 * settles, in an order drawn from a seeded random source, at the time its drawn duration ends;
 * a few throw synchronously or return a plain value. Between settlements the scheduler starts
 * bursts of calls, moves the clock (to `retryAt`, to the half-open timeout, or a little), switches
 * the failure regime and makes manual transitions. After each event every promise callback has
 * run, so a test can check the breaker at that instant.
 *
 * The event choices read only the breaker's public state, so two runs of one seed against
 * breakers that behave alike make the very same calls.
 */
import { type AsyncCircuitBreaker, type State } from '@fluxgate/core';
import { All, Random, RampUp, type Permit } from '@fluxgate/core/permits';
import { Always, Backoff, Cooldown, Never, type Retry } from '@fluxgate/core/retries';
import {
  FailureRate,
  FailureStreak,
  HalfOpened,
  MinRequests,
  SlowRate,
  type Tripper,
} from '@fluxgate/core/trippers';
import { CountWindow, TimeWindow, type Window } from '@fluxgate/core/windows';
import type { FakeClock } from '../../support/fake-clock';
import { drain, type Rng } from './random';

export class TrackedError extends Error {
  override name = 'TrackedError';
}
export class IgnoredError extends Error {
  override name = 'IgnoredError';
}

/** What a guarded call resolves to; `isFailureResult` flags `{ fail: true }`. */
export interface Result {
  readonly fail: boolean;
  readonly id: number;
}

// ---------------------------------------------------------------------------------------------
// Breaker configurations
// ---------------------------------------------------------------------------------------------

export type WindowSpec =
  | { readonly kind: 'count'; readonly size: number }
  | { readonly kind: 'time'; readonly size: number; readonly bucket: number };

export type TripperSpec =
  /** FailureStreak(count) */
  | { readonly kind: 'streak'; readonly count: number }
  /** MinRequests(min).and(FailureRate(ratio)).or(HalfOpened().and(FailureStreak(1))) */
  | { readonly kind: 'rate'; readonly min: number; readonly ratio: number }
  /** MinRequests(min).and(SlowRate(ratio, { threshold })).or(FailureStreak(count)) */
  | {
      readonly kind: 'slow';
      readonly min: number;
      readonly ratio: number;
      readonly threshold: number;
      readonly count: number;
    };

export type RetrySpec =
  | { readonly kind: 'cooldown'; readonly duration: number; readonly jitter: number }
  | {
      readonly kind: 'backoff';
      readonly initial: number;
      readonly multiplier: number;
      readonly maxDuration: number;
      readonly jitter: number;
    }
  | { readonly kind: 'always' }
  | { readonly kind: 'never' };

export type PermitSpec =
  | { readonly kind: 'all' }
  | { readonly kind: 'random'; readonly ratio: number }
  | { readonly kind: 'rampUp'; readonly initial: number; readonly duration: number };

export interface BreakerSpec {
  readonly maxHalfOpenCalls: number;
  readonly halfOpenTimeout: number;
  readonly closeAfter: number;
  readonly window: WindowSpec;
  readonly tripper: TripperSpec;
  readonly retry: RetrySpec;
  readonly permit: PermitSpec;
}

export function randomSpec(rng: Rng): BreakerSpec {
  const window: WindowSpec = rng.chance(0.6)
    ? { kind: 'count', size: rng.pick([1, 3, 10, 50]) }
    : (() => {
        const size = rng.pick([100, 500, 2_000]);
        return { kind: 'time', size, bucket: size / rng.pick([1, 5, 10]) };
      })();
  const tripper: TripperSpec = rng.weighted<TripperSpec>([
    [2, { kind: 'streak', count: rng.int(1, 4) }],
    [3, { kind: 'rate', min: rng.int(1, 10), ratio: rng.pick([0.25, 0.5, 0.75, 1]) }],
    [
      2,
      {
        kind: 'slow',
        min: rng.int(1, 10),
        ratio: rng.pick([0.3, 0.6]),
        threshold: rng.pick([50, 150]),
        count: rng.int(2, 5),
      },
    ],
  ]);
  const jitter = rng.pick([0, 0, 0.5]);
  const initial = rng.pick([5, 20, 100]);
  const retry: RetrySpec = rng.weighted<RetrySpec>([
    [4, { kind: 'cooldown', duration: rng.pick([10, 100, 500]), jitter }],
    [
      4,
      {
        kind: 'backoff',
        initial,
        multiplier: rng.pick([1, 2, 3]),
        maxDuration: initial * rng.pick([1, 4, 16]),
        jitter,
      },
    ],
    [1, { kind: 'always' }],
    [1, { kind: 'never' }],
  ]);
  const permit: PermitSpec = rng.weighted<PermitSpec>([
    [4, { kind: 'all' }],
    [2, { kind: 'random', ratio: rng.pick([0, 0.3, 0.7, 1]) }],
    [2, { kind: 'rampUp', initial: rng.pick([0.1, 0.5]), duration: rng.pick([100, 1_000]) }],
  ]);
  return {
    maxHalfOpenCalls: rng.pick([1, 2, 3, 5, 8]),
    halfOpenTimeout: rng.pick([50, 200, 1_000, Infinity]),
    closeAfter: rng.int(1, 3),
    window,
    tripper,
    retry,
    permit,
  };
}

/** Fresh components for a spec; `rng` feeds the jitter and the permit's draws. */
export function components(
  spec: BreakerSpec,
  rng: Rng,
): { window: Window; tripper: Tripper; retry: Retry; permit: Permit } {
  const w = spec.window;
  const window = w.kind === 'count' ? new CountWindow(w.size) : new TimeWindow(w.size, w);
  const t = spec.tripper;
  const tripper =
    t.kind === 'streak'
      ? new FailureStreak(t.count)
      : t.kind === 'rate'
        ? new MinRequests(t.min)
            .and(new FailureRate(t.ratio))
            .or(new HalfOpened().and(new FailureStreak(1)))
        : new MinRequests(t.min)
            .and(new SlowRate(t.ratio, { threshold: t.threshold }))
            .or(new FailureStreak(t.count));
  const r = spec.retry;
  const random = (): number => rng.next();
  const retry =
    r.kind === 'cooldown'
      ? new Cooldown(r.duration, { jitterRatio: r.jitter, random })
      : r.kind === 'backoff'
        ? new Backoff({ ...r, jitterRatio: r.jitter, random })
        : r.kind === 'always'
          ? new Always()
          : new Never();
  const p = spec.permit;
  const permit =
    p.kind === 'all'
      ? new All()
      : p.kind === 'random'
        ? new Random(p.ratio, { random })
        : new RampUp({ initial: p.initial, final: 1, duration: p.duration, random });
  return { window, tripper, retry, permit };
}

// ---------------------------------------------------------------------------------------------
// Calls
// ---------------------------------------------------------------------------------------------

/** success: resolves; failResult: resolves to a value isFailureResult flags; failure: a tracked error; ignored: an untracked one. */
export type Outcome = 'success' | 'failResult' | 'failure' | 'ignored';

/** deferred: returns a promise the scheduler settles; throw: throws at once; value: returns a plain value. */
export type Behaviour = 'deferred' | 'throw' | 'value';

export type Settlement =
  | { readonly status: 'pending' }
  | { readonly status: 'resolved'; readonly value: unknown }
  | { readonly status: 'rejected'; readonly error: unknown };

export interface Call {
  readonly id: number;
  readonly behaviour: Behaviour;
  readonly outcome: Outcome;
  /** When it was started (the clock, in ms). */
  readonly start: number;
  /** When the scheduler means to settle it (deferred calls). */
  readonly due: number;
  /** What the guarded function returns or throws (a fresh object, to check identity). */
  readonly payload: Result | Error;
  /** Whether the breaker ran the guarded function. */
  admitted: boolean;
  /** Whether its outcome has reached the breaker (set once the promise callbacks have run). */
  delivered: boolean;
  /** What the caller got. */
  result: Settlement;
  settleDeferred?: () => void;
}

export type Manual = 'reset' | 'disable' | 'metricsOnly' | 'forceOpen';

/** The state each manual transition enters. */
export const MANUAL_TARGET: Readonly<Record<Manual, State>> = {
  reset: 'closed',
  disable: 'disabled',
  metricsOnly: 'metrics_only',
  forceOpen: 'forced_open',
};

export interface Hooks {
  /** Right before `breaker.call()`. */
  beforeCall?(call: Call): void;
  /** Right after `breaker.call()` returned: admission is decided, synchronously. */
  afterCall?(call: Call): void;
  /** After a manual transition; `from` is the state before it. */
  afterManual?(to: Manual, from: State): void;
  /** When a call's outcome reached the breaker, in the order the breaker saw them. */
  delivered?(call: Call): void;
}

type Regime = 'healthy' | 'flaky' | 'down' | 'slow';

const OUTCOMES: Record<Regime, ReadonlyArray<readonly [number, Outcome]>> = {
  healthy: [
    [90, 'success'],
    [3, 'failResult'],
    [3, 'failure'],
    [4, 'ignored'],
  ],
  flaky: [
    [50, 'success'],
    [15, 'failResult'],
    [25, 'failure'],
    [10, 'ignored'],
  ],
  down: [
    [8, 'success'],
    [10, 'failResult'],
    [77, 'failure'],
    [5, 'ignored'],
  ],
  slow: [
    [80, 'success'],
    [5, 'failResult'],
    [10, 'failure'],
    [5, 'ignored'],
  ],
};

export type EventKind =
  'burst' | 'settle' | 'advance' | 'toRetryAt' | 'toHalfOpenTimeout' | 'manual' | 'regime';

export interface WorkloadOptions {
  /** Relative weight of manual transitions among events (the others add up to 100). */
  readonly manualWeight?: number;
  /** Above this many calls in flight, the next events settle calls. */
  readonly maxPending?: number;
}

/** Drives one breaker with seeded events; see the file comment. */
export class Workload {
  readonly calls: Call[] = [];
  /** Deferred calls the breaker ran and the scheduler has not settled yet. */
  readonly pending: Call[] = [];
  regime: Regime = 'healthy';
  /** Calls whose outcome reaches the breaker in the coming drain, in order. */
  private readonly queued: Call[] = [];
  private nextId = 0;
  private readonly manualWeight: number;
  private readonly maxPending: number;

  constructor(
    private readonly rng: Rng,
    private readonly clock: FakeClock,
    private readonly breaker: AsyncCircuitBreaker,
    private readonly spec: BreakerSpec,
    private readonly hooks: Hooks = {},
    options: WorkloadOptions = {},
  ) {
    this.manualWeight = options.manualWeight ?? 0.6;
    this.maxPending = options.maxPending ?? 200;
  }

  /** Runs one event (and every promise callback it causes); returns a line for the trace. */
  async step(): Promise<string> {
    const kind: EventKind =
      this.pending.length >= this.maxPending
        ? 'settle'
        : this.rng.weighted<EventKind>([
            [24, 'burst'],
            [56, 'settle'],
            [7, 'advance'],
            [6, 'toRetryAt'],
            [3, 'toHalfOpenTimeout'],
            [1, 'regime'],
            [this.manualWeight, 'manual'],
          ]);
    const line = await this.run(kind);
    await this.settled();
    return `@${this.clock.now()} ${line} => ${this.breaker.state}`;
  }

  /** Lets the promise callbacks run, then reports the outcomes they delivered, in order. */
  private async settled(): Promise<void> {
    await drain();
    for (const call of this.queued.splice(0)) {
      call.delivered = true;
      this.hooks.delivered?.(call);
    }
  }

  /** Settles every call still in flight, one event at a time, in due order. */
  async *drainAll(): AsyncGenerator<string> {
    while (this.pending.length > 0) {
      const line = this.settle(true);
      await this.settled();
      yield `@${this.clock.now()} drain: ${line} => ${this.breaker.state}`;
    }
  }

  private async run(kind: EventKind): Promise<string> {
    const rng = this.rng;
    switch (kind) {
      case 'burst':
        return this.burst(
          rng.weighted([
            [50, 1],
            [35, rng.int(2, 5)],
            [15, rng.int(6, 30)],
          ]),
        );
      case 'settle':
        if (this.pending.length === 0) return this.advance();
        return this.settle(rng.chance(0.85));
      case 'advance':
        return this.advance();
      case 'toRetryAt': {
        const retryAt = this.breaker.info().retryAt;
        if (retryAt === undefined || !Number.isFinite(retryAt)) return this.advance();
        const to = Math.ceil(retryAt) + rng.pick([-1, 0, 0, 1]);
        this.clock.set(Math.max(this.clock.now(), to));
        return `to retryAt ${retryAt} (+${to - retryAt})`;
      }
      case 'toHalfOpenTimeout': {
        const info = this.breaker.info();
        const timeout = this.spec.halfOpenTimeout;
        if (info.state !== 'half_open' || !Number.isFinite(timeout)) return this.advance();
        const to = info.changedAt + timeout + rng.pick([-1, 0, 0, 1]);
        this.clock.set(Math.max(this.clock.now(), to));
        return `to the half-open timeout (${info.changedAt}+${timeout})`;
      }
      case 'regime':
        this.regime = rng.pick<Regime>(['healthy', 'flaky', 'down', 'slow']);
        return `regime ${this.regime}`;
      case 'manual': {
        const to = rng.pick<Manual>(['reset', 'reset', 'disable', 'metricsOnly', 'forceOpen']);
        this.manual(to);
        return `manual ${to}()`;
      }
    }
  }

  private manual(to: Manual): void {
    const from = this.breaker.state;
    this.breaker[to]();
    this.hooks.afterManual?.(to, from);
  }

  private advance(): string {
    const ms = this.rng.int(0, this.rng.pick([5, 50, 500]));
    this.clock.advance(ms);
    return `advance ${ms}`;
  }

  private duration(): number {
    const rng = this.rng;
    const timeout = this.spec.halfOpenTimeout;
    const slow = this.regime === 'slow';
    return rng.weighted<() => number>([
      [slow ? 20 : 60, () => rng.int(0, 20)],
      [25, () => rng.int(20, 200)],
      [slow ? 40 : 10, () => rng.int(200, 2_000)],
      // Hung: far past the half-open timeout.
      [5, () => (Number.isFinite(timeout) ? rng.int(2 * timeout, 6 * timeout) : rng.int(5e3, 2e4))],
    ])();
  }

  private burst(count: number): string {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const call = this.start();
      ids.push(`${call.id}${call.admitted ? '' : 'x'}`);
    }
    return `burst of ${count}: ${ids.join(' ')}`;
  }

  private start(): Call {
    const rng = this.rng;
    const behaviour = rng.weighted<Behaviour>([
      [86, 'deferred'],
      [7, 'throw'],
      [7, 'value'],
    ]);
    const id = this.nextId++;
    const drawn = rng.weighted(OUTCOMES[this.regime]);
    // A synchronous throw is an error, a plain value a result.
    const outcome: Outcome =
      behaviour === 'throw'
        ? drawn === 'ignored'
          ? 'ignored'
          : 'failure'
        : behaviour === 'value'
          ? drawn === 'failResult'
            ? 'failResult'
            : 'success'
          : drawn;
    const now = this.clock.now();
    const payload: Result | Error =
      outcome === 'failure'
        ? new TrackedError(`call ${id}`)
        : outcome === 'ignored'
          ? new IgnoredError(`call ${id}`)
          : { fail: outcome === 'failResult', id };
    const call: Call = {
      id,
      behaviour,
      outcome,
      start: now,
      due: behaviour === 'deferred' ? now + this.duration() : now,
      payload,
      admitted: false,
      delivered: false,
      result: { status: 'pending' },
    };
    this.calls.push(call);
    const fn = (): Promise<Result> | Result => {
      call.admitted = true;
      if (behaviour === 'throw') throw payload;
      if (behaviour === 'value') return payload as Result;
      return new Promise<Result>((resolve, reject) => {
        call.settleDeferred = () =>
          payload instanceof Error ? reject(payload) : resolve(payload as Result);
      });
    };
    this.hooks.beforeCall?.(call);
    this.breaker.call(fn).then(
      (value) => (call.result = { status: 'resolved', value }),
      (error: unknown) => (call.result = { status: 'rejected', error }),
    );
    this.hooks.afterCall?.(call);
    if (call.admitted) {
      if (behaviour === 'throw') {
        // Thrown before the first await: the breaker settled it inside call().
        call.delivered = true;
        this.hooks.delivered?.(call);
      } else if (behaviour === 'value') {
        // A plain value settles one microtask later, after the rest of the burst, in order.
        this.queued.push(call);
      } else {
        this.pending.push(call);
      }
    }
    return call;
  }

  /** Settles one pending call: the earliest due (ties drawn at random), or any when `earliest` is false. */
  private settle(earliest: boolean): string {
    let index: number;
    if (earliest) {
      const due = Math.min(...this.pending.map((c) => c.due));
      const candidates = this.pending.flatMap((c, i) => (c.due === due ? [i] : []));
      index = this.rng.pick(candidates);
      this.clock.set(Math.max(this.clock.now(), due));
    } else {
      index = this.rng.int(0, this.pending.length - 1);
    }
    const [call] = this.pending.splice(index, 1);
    call!.settleDeferred!();
    this.queued.push(call!);
    return `settle ${call!.id} (${call!.outcome}, started @${call!.start})`;
  }
}
