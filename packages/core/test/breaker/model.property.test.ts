// Model-based property tests: a real breaker and a small reference model, written from SPEC.md
// (the States table and its bullets, "The breakers", "Fine points"), are driven by the same
// random commands and must agree after every one of them.
//
// Reproduce a failure with the seed (and path) fast-check prints:
//   FC_SEED=123 FC_PATH="0:1:2" npx jest packages/core/test/breaker/model
// FC_NUM_RUNS overrides the number of runs.

import fc from 'fast-check';
import {
  AsyncCircuitBreaker,
  CallNotPermittedError,
  CircuitBreaker,
  type CallEvent,
  type Signal,
  type State,
} from '@fluxgate/core';
import { All, Random } from '@fluxgate/core/permits';
import { Backoff, Cooldown, Never, type Retry } from '@fluxgate/core/retries';
import { TypeOf } from '@fluxgate/core/trackers';
import {
  FailureRate,
  FailureStreak,
  HalfOpened,
  MinRequests,
  type Tripper,
} from '@fluxgate/core/trippers';
import { CountWindow } from '@fluxgate/core/windows';
import { FakeClock } from '../support/fake-clock';
import { RecordingListener } from '../support/recording-listener';

// ---------------------------------------------------------------------------------------------
// Parameters and commands
// ---------------------------------------------------------------------------------------------

type TripperParams =
  // MinRequests(k).and(FailureRate(r)), with `.or(HalfOpened().and(FailureStreak(1)))` when probeRule
  | { kind: 'rate'; minRequests: number; ratio: number; probeRule: boolean }
  | { kind: 'streak'; count: number }; // FailureStreak(count)

type RetryParams =
  | { kind: 'backoff'; initial: number; multiplier: number; maxDuration: number; jitter?: number[] }
  | { kind: 'cooldown'; duration: number; jitter?: number[] }
  | { kind: 'never' };

type PermitParams = { kind: 'all' } | { kind: 'random'; ratio: number; draws: number[] };

interface Params {
  windowSize: number;
  tripper: TripperParams;
  retry: RetryParams;
  permit: PermitParams;
  closeAfter: number;
  /** Async only. */
  maxHalfOpenCalls: number;
  /** Async only. */
  halfOpenTimeout: number;
}

/** success: resolves; failure: a tracked error; ignored: an untracked error; failResult: resolves to a value isFailureResult flags. */
type Outcome = 'success' | 'failure' | 'ignored' | 'failResult';
type Manual = 'reset' | 'disable' | 'metricsOnly' | 'forceOpen';

type AsyncCmd =
  | { kind: 'start'; count: number } // `count` calls at the same instant
  // `after` ms pass, then the in-flight call `pick` places from the most recent one settles
  | { kind: 'settle'; pick: number; outcome: Outcome; after: number }
  | { kind: 'advance'; ms: number }
  | { kind: 'toRetryAt'; offset: number }
  | { kind: 'toHalfOpenTimeout'; offset: number }
  | { kind: 'manual'; to: Manual };

type SyncCmd =
  | { kind: 'call'; outcome: Outcome; duration: number }
  | { kind: 'advance'; ms: number }
  | { kind: 'toRetryAt'; offset: number }
  | { kind: 'manual'; to: Manual };

/** The jitter ratio used whenever a retry is jittered: factors 1 − j + 2·j·r stay exact in binary. */
const JITTER = 0.5;

const jitterArb = fc.option(
  fc.array(fc.constantFrom(0, 0.25, 0.5, 0.75), { minLength: 1, maxLength: 4 }),
  { nil: undefined, freq: 3 },
);

const paramsArb: fc.Arbitrary<Params> = fc.record({
  windowSize: fc.integer({ min: 1, max: 5 }),
  tripper: fc.oneof(
    {
      weight: 3,
      arbitrary: fc
        .record({
          minRequests: fc.integer({ min: 1, max: 3 }),
          ratio: fc.constantFrom(0.25, 0.5, 0.75, 1),
          probeRule: fc.constantFrom(true, true, false),
        })
        .map((t): TripperParams => ({ kind: 'rate', ...t })),
    },
    {
      weight: 2,
      arbitrary: fc
        .integer({ min: 1, max: 3 })
        .map((count): TripperParams => ({ kind: 'streak', count })),
    },
  ),
  retry: fc.oneof(
    {
      weight: 3,
      arbitrary: fc
        .record({
          initial: fc.integer({ min: 1, max: 40 }),
          multiplier: fc.integer({ min: 1, max: 3 }),
          maxFactor: fc.integer({ min: 1, max: 8 }),
          jitter: jitterArb,
        })
        .map(({ initial, multiplier, maxFactor, jitter }): RetryParams => ({
          kind: 'backoff',
          initial,
          multiplier,
          maxDuration: initial * maxFactor,
          ...(jitter ? { jitter } : {}),
        })),
    },
    {
      weight: 3,
      arbitrary: fc
        .record({ duration: fc.integer({ min: 1, max: 60 }), jitter: jitterArb })
        .map(({ duration, jitter }): RetryParams => ({
          kind: 'cooldown',
          duration,
          ...(jitter ? { jitter } : {}),
        })),
    },
    { weight: 1, arbitrary: fc.constant<RetryParams>({ kind: 'never' }) },
  ),
  permit: fc.oneof(
    { weight: 1, arbitrary: fc.constant<PermitParams>({ kind: 'all' }) },
    {
      weight: 1,
      arbitrary: fc
        .record({
          ratio: fc.constantFrom(0, 0.25, 0.5, 0.75, 1),
          // Never equal to a ratio, so `random() < ratio` has no boundary to argue about.
          draws: fc.array(fc.constantFrom(0.1, 0.35, 0.6, 0.85), { minLength: 1, maxLength: 8 }),
        })
        .map((p): PermitParams => ({ kind: 'random', ...p })),
    },
  ),
  closeAfter: fc.integer({ min: 1, max: 3 }),
  maxHalfOpenCalls: fc.integer({ min: 1, max: 3 }),
  halfOpenTimeout: fc.integer({ min: 1, max: 80 }),
});

// Half the recorded outcomes are successes: enough failures to trip, enough successes to close.
const outcomeArb = fc.constantFrom<Outcome>(
  'success',
  'success',
  'success',
  'failure',
  'failure',
  'failResult',
  'ignored',
);
// reset twice as likely: disabled, metrics_only and forced_open are left only by a manual call.
const manualArb = fc.constantFrom<Manual>('reset', 'reset', 'disable', 'metricsOnly', 'forceOpen');
const offsetArb = fc.constantFrom(-1, 0, 0, 1);

const asyncCmdArb: fc.Arbitrary<AsyncCmd> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.constantFrom(1, 1, 1, 2, 3).map((count): AsyncCmd => ({ kind: 'start', count })),
  },
  {
    weight: 8,
    arbitrary: fc
      .record({ pick: fc.nat(7), outcome: outcomeArb, after: fc.integer({ min: 0, max: 30 }) })
      .map((c): AsyncCmd => ({ kind: 'settle', ...c })),
  },
  {
    weight: 1,
    arbitrary: fc.integer({ min: 0, max: 100 }).map((ms): AsyncCmd => ({ kind: 'advance', ms })),
  },
  { weight: 3, arbitrary: offsetArb.map((offset): AsyncCmd => ({ kind: 'toRetryAt', offset })) },
  {
    weight: 1,
    arbitrary: offsetArb.map((offset): AsyncCmd => ({ kind: 'toHalfOpenTimeout', offset })),
  },
);
const asyncManualArb = manualArb.map((to): AsyncCmd => ({ kind: 'manual', to }));

const syncCmdArb: fc.Arbitrary<SyncCmd> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc
      .record({ outcome: outcomeArb, duration: fc.integer({ min: 0, max: 20 }) })
      .map((c): SyncCmd => ({ kind: 'call', ...c })),
  },
  {
    weight: 2,
    arbitrary: fc.integer({ min: 0, max: 100 }).map((ms): SyncCmd => ({ kind: 'advance', ms })),
  },
  { weight: 3, arbitrary: offsetArb.map((offset): SyncCmd => ({ kind: 'toRetryAt', offset })) },
);
const syncManualArb = manualArb.map((to): SyncCmd => ({ kind: 'manual', to }));

/**
 * Up to 60 commands. Half the runs have no manual transition, so that the automatic ones get
 * room to happen; in the other half about one command in twenty is one.
 */
function commandsArb<C>(auto: fc.Arbitrary<C>, manual: fc.Arbitrary<C>): fc.Arbitrary<C[]> {
  const length = { minLength: 15, maxLength: 60, size: 'max' } as const;
  return fc.oneof(
    fc.array(auto, length),
    fc.array(fc.oneof({ weight: 19, arbitrary: auto }, { weight: 1, arbitrary: manual }), length),
  );
}

// ---------------------------------------------------------------------------------------------
// The reference model, from SPEC.md
// ---------------------------------------------------------------------------------------------

/** A call the model admitted: the period it belongs to (null: ran while disabled, never recorded). */
interface ModelCall {
  readonly period: number | null;
  readonly ranIn: State;
  readonly start: number;
}

type Admission =
  | { admitted: true; call: ModelCall }
  | { admitted: false; state: State; retryAfter: number | undefined };

/** Reads values from a list in order, starting over at the end. */
function cycle(values: readonly number[]): () => number {
  let i = 0;
  return () => values[i++ % values.length]!;
}

class Model {
  state: State = 'closed';
  changedAt: number;
  retryAt: number | undefined = undefined;
  reopens = 0;
  consecutiveFailures = 0;
  /** The last `windowSize` recorded calls (CountWindow). */
  window: { failure: boolean; duration: number }[] = [];
  /**
   * Bumped by every transition, manual ones to the same state included: an outcome from an
   * earlier period is stale and dropped, and a half-open slot belongs to one period.
   */
  period = 0;
  /** Half-open: calls of this period holding a slot, and recorded successes in a row. */
  slots = 0;
  successes = 0;
  /** What the listener should have seen: call events and signals, in order. */
  readonly log: string[] = [];

  private readonly permitDraw: () => number;
  private readonly retryDraw: () => number;

  constructor(
    private readonly p: Params,
    private readonly limits: { maxHalfOpenCalls: number; halfOpenTimeout: number },
    private readonly t0: number,
  ) {
    this.changedAt = t0;
    this.permitDraw = cycle(p.permit.kind === 'random' ? p.permit.draws : [0]);
    this.retryDraw = cycle(p.retry.kind !== 'never' && p.retry.jitter ? p.retry.jitter : [0]);
  }

  /** Whether a call may run: admits it, rejects it, and moves open → half_open or half_open → open. */
  start(now: number): Admission {
    switch (this.state) {
      case 'closed':
      case 'metrics_only':
        return this.admit(now);
      case 'disabled':
        // Disabled records nothing and reports no call event.
        return { admitted: true, call: { period: null, ranIn: 'disabled', start: now } };
      case 'forced_open':
        return this.reject('forced_open', undefined);
      case 'open':
        if (now < this.retryAt!) return this.reject('open', this.retryAt! - now);
        // The first call at or after retryAt: half_open, and it runs as the first probe (a slot,
        // no permit).
        this.enter('half_open', now);
        this.slots = 1;
        return this.admit(now);
      case 'half_open':
        // Slots first, then the permit.
        if (this.slots >= this.limits.maxHalfOpenCalls) {
          if (now - this.changedAt >= this.limits.halfOpenTimeout) {
            // Hung probes: the refused call reopens the circuit and is rejected as 'open'. Its
            // event comes before the signal of the transition it causes.
            this.event('open', 'not_permitted', 0);
            this.enter('open', now);
            return { admitted: false, state: 'open', retryAfter: this.retryAt! - now };
          }
          return this.reject('half_open', undefined);
        }
        if (!this.permitAllows()) return this.reject('half_open', undefined);
        this.slots++;
        return this.admit(now);
    }
  }

  /** A call's outcome arrives at `now`. */
  settle(call: ModelCall, outcome: Outcome, now: number): void {
    if (call.period === null) return;
    const duration = now - call.start;
    const counted =
      outcome === 'success' ? 'success' : outcome === 'ignored' ? 'ignored' : 'failure';
    this.event(call.ranIn, counted, duration);
    if (call.period !== this.period) return; // stale: dropped, frees no slot of a later period
    if (this.state === 'half_open') this.slots--;
    if (counted === 'ignored') return; // neither success nor failure, streak untouched
    this.record(counted === 'success', duration, now);
  }

  manual(to: Manual, now: number): void {
    const target: Record<Manual, State> = {
      reset: 'closed',
      disable: 'disabled',
      metricsOnly: 'metrics_only',
      forceOpen: 'forced_open',
    };
    this.enter(target[to], now);
  }

  get totalDuration(): number {
    return this.window.reduce((sum, r) => sum + r.duration, 0);
  }

  get failureCount(): number {
    return this.window.filter((r) => r.failure).length;
  }

  private admit(now: number): Admission {
    return { admitted: true, call: { period: this.period, ranIn: this.state, start: now } };
  }

  private reject(state: State, retryAfter: number | undefined): Admission {
    this.event(state, 'not_permitted', 0);
    return { admitted: false, state, retryAfter };
  }

  private permitAllows(): boolean {
    const permit = this.p.permit;
    return permit.kind === 'all' || this.permitDraw() < permit.ratio;
  }

  private record(success: boolean, duration: number, now: number): void {
    this.window.push({ failure: !success, duration });
    if (this.window.length > this.p.windowSize) this.window.shift();
    this.consecutiveFailures = success ? 0 : this.consecutiveFailures + 1;
    if (this.state === 'half_open') this.successes = success ? this.successes + 1 : 0;
    if (this.state === 'metrics_only') return; // records, never trips
    if (this.trips()) this.enter('open', now);
    else if (this.state === 'half_open' && success && this.successes >= this.p.closeAfter) {
      this.enter('closed', now);
    }
  }

  private trips(): boolean {
    const t = this.p.tripper;
    if (t.kind === 'streak') return this.consecutiveFailures >= t.count;
    const total = this.window.length;
    const rate = total >= t.minRequests && this.failureCount / total >= t.ratio;
    return rate || (t.probeRule && this.state === 'half_open' && this.consecutiveFailures >= 1);
  }

  /** The wait drawn once on entering open, from the spec's formulas. */
  private delay(): number {
    const r = this.p.retry;
    if (r.kind === 'never') return Infinity;
    const wait =
      r.kind === 'cooldown'
        ? r.duration
        : Math.min(r.initial * r.multiplier ** this.reopens, r.maxDuration);
    return r.jitter ? wait * (1 - JITTER + 2 * JITTER * this.retryDraw()) : wait;
  }

  private enter(to: State, now: number): void {
    const from = this.state;
    if (from !== to) {
      this.log.push(
        `signal ${from}>${to} @+${now - this.t0} window=${this.window.length}/${this.failureCount}`,
      );
    }
    this.period++;
    this.window = [];
    this.changedAt = now;
    this.state = to;
    this.retryAt = undefined;
    if (to === 'open') {
      if (from === 'half_open') this.reopens++;
      this.retryAt = now + this.delay();
    } else if (to === 'half_open') {
      this.consecutiveFailures = 0;
      this.slots = 0;
      this.successes = 0;
    } else if (to === 'closed') {
      this.reopens = 0;
      this.consecutiveFailures = 0;
    }
  }

  private event(state: State, outcome: CallEvent['outcome'], duration: number): void {
    this.log.push(`call ${state}:${outcome} ${duration}ms`);
  }
}

// ---------------------------------------------------------------------------------------------
// Wiring the real breaker
// ---------------------------------------------------------------------------------------------

class TrackedError extends Error {
  override name = 'TrackedError';
}
class IgnoredError extends Error {
  override name = 'IgnoredError';
}

interface Result {
  readonly fail: boolean;
}

/** What a guarded function returns or throws for an outcome: a fresh object, to check identity. */
function outcomeValue(outcome: Outcome, label: string): Result | Error {
  switch (outcome) {
    case 'success':
      return { fail: false };
    case 'failResult':
      return { fail: true };
    case 'failure':
      return new TrackedError(label);
    case 'ignored':
      return new IgnoredError(label);
  }
}

/** Records signals and call events into one ordered log, in the model's format. */
class OrderedRecorder extends RecordingListener {
  readonly log: string[] = [];

  constructor(private readonly t0: number) {
    super();
  }

  override onTransition(signal: Signal): void {
    super.onTransition(signal);
    const m = signal.metric;
    this.log.push(
      `signal ${signal.oldState}>${signal.newState} @+${signal.timestamp - this.t0} window=${m.totalCount}/${m.failureCount}`,
    );
  }

  override onCall(event: CallEvent): void {
    super.onCall(event);
    this.log.push(`call ${event.state}:${event.outcome} ${event.duration}ms`);
  }
}

function tripperFor(t: TripperParams): Tripper {
  if (t.kind === 'streak') return new FailureStreak(t.count);
  const rate = new MinRequests(t.minRequests).and(new FailureRate(t.ratio));
  return t.probeRule ? rate.or(new HalfOpened().and(new FailureStreak(1))) : rate;
}

function retryFor(r: RetryParams): Retry {
  const jitter =
    r.kind !== 'never' && r.jitter ? { jitterRatio: JITTER, random: cycle(r.jitter) } : {};
  switch (r.kind) {
    case 'never':
      return new Never();
    case 'cooldown':
      return new Cooldown(r.duration, jitter);
    case 'backoff':
      return new Backoff({
        initial: r.initial,
        multiplier: r.multiplier,
        maxDuration: r.maxDuration,
        ...jitter,
      });
  }
}

function commonOptions(p: Params, clock: FakeClock, listener: OrderedRecorder) {
  return {
    name: 'model',
    window: new CountWindow(p.windowSize),
    tracker: new TypeOf(TrackedError),
    tripper: tripperFor(p.tripper),
    retry: retryFor(p.retry),
    permit:
      p.permit.kind === 'all'
        ? new All()
        : new Random(p.permit.ratio, { random: cycle(p.permit.draws) }),
    closeAfter: p.closeAfter,
    isFailureResult: (r: Result) => r.fail,
    listeners: [listener],
    clock,
  };
}

/** What a caller gets back. */
type Settlement =
  | { status: 'pending' }
  | { status: 'resolved'; value: unknown }
  | { status: 'rejected'; error: unknown };

function describeError(e: unknown): string {
  if (CallNotPermittedError.is(e))
    return `CallNotPermittedError(state=${e.state}, retryAfter=${e.retryAfter})`;
  if (e instanceof Error) return `${e.name}(${e.message})`;
  return fc.stringify(e);
}

function describeSettlement(s: Settlement): string {
  if (s.status === 'pending') return 'pending';
  if (s.status === 'resolved') return `resolved ${fc.stringify(s.value)}`;
  return `rejected ${describeError(s.error)}`;
}

/** Collects disagreements; `done()` throws them all, with the trace so far, in one readable error. */
class Checker {
  private diffs: string[] = [];
  readonly trace: string[] = [];

  constructor(
    private readonly params: Params,
    /** The listener's log and the model's, for the report. */
    private readonly logs: () => { breaker: readonly string[]; model: readonly string[] },
  ) {}

  eq(what: string, actual: unknown, expected: unknown): void {
    if (!Object.is(actual, expected)) {
      this.diffs.push(`${what}: breaker ${fc.stringify(actual)}, model ${fc.stringify(expected)}`);
    }
  }

  ok(what: string, cond: boolean): void {
    if (!cond) this.diffs.push(what);
  }

  done(step: number, cmd: unknown): void {
    if (this.diffs.length === 0) return;
    const message = [
      `breaker and model disagree after command #${step} ${fc.stringify(cmd)}:`,
      ...this.diffs.map((d) => `  - ${d}`),
      `params: ${fc.stringify(this.params)}`,
      'trace (command => model state after it):',
      ...this.trace.map((t) => `  ${t}`),
      ...tail('listener log, breaker', this.logs().breaker),
      ...tail('listener log, model', this.logs().model),
    ].join('\n');
    this.diffs = [];
    throw new Error(message);
  }
}

function tail(title: string, lines: readonly string[], n = 12): string[] {
  const from = Math.max(0, lines.length - n);
  return [
    `${title} (lines ${from}..${lines.length - 1}):`,
    ...lines.slice(from).map((l) => `  ${l}`),
  ];
}

/** Checks state, info(), the listener's log and the signal chain against the model. */
function compare(
  c: Checker,
  breaker: CircuitBreaker | AsyncCircuitBreaker,
  model: Model,
  listener: OrderedRecorder,
): void {
  const info = breaker.info();
  c.eq('state', breaker.state, model.state);
  c.eq('info().state', info.state, model.state);
  c.eq('info().name', info.name, 'model');
  c.eq('info().changedAt', info.changedAt, model.changedAt);
  c.eq('info().retryAt', info.retryAt, model.retryAt);
  c.eq('info().reopens', info.reopens, model.reopens);
  c.eq('info().consecutiveFailures', info.consecutiveFailures, model.consecutiveFailures);
  c.eq('metrics.totalCount', info.metrics.totalCount, model.window.length);
  c.eq('metrics.failureCount', info.metrics.failureCount, model.failureCount);
  c.eq('metrics.totalDuration', info.metrics.totalDuration, model.totalDuration);
  const log = listener.log;
  const n = Math.max(log.length, model.log.length);
  for (let i = 0; i < n; i++) {
    if (log[i] !== model.log[i]) {
      c.eq(`listener log line ${i}`, log[i], model.log[i]);
      break;
    }
  }
  // The signal chain: each oldState is the previous newState, starting from closed, and no
  // signal for a manual call to the current state.
  const signals = listener.signals;
  let previous: State = 'closed';
  for (const [i, s] of signals.entries()) {
    c.ok(
      `signal ${i} starts from ${s.oldState}, but the breaker was ${previous}`,
      s.oldState === previous,
    );
    c.ok(`signal ${i} ${s.oldState}>${s.newState} changes nothing`, s.oldState !== s.newState);
    c.eq(`signal ${i} circuitName`, s.circuitName, 'model');
    previous = s.newState;
  }
  c.eq('last signalled state', previous, breaker.state);
}

const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function numRuns(fallback: number): number {
  const n = Number(process.env.FC_NUM_RUNS);
  return Number.isInteger(n) && n > 0 ? n : fallback;
}

function replay(): { seed?: number; path?: string } {
  const seed = Number(process.env.FC_SEED);
  return {
    ...(Number.isInteger(seed) ? { seed } : {}),
    ...(process.env.FC_PATH ? { path: process.env.FC_PATH } : {}),
  };
}

// ---------------------------------------------------------------------------------------------
// The async breaker
// ---------------------------------------------------------------------------------------------

interface InFlight {
  readonly id: number;
  readonly resolve: (value: Result) => void;
  readonly reject: (error: unknown) => void;
  readonly settlement: { current: Settlement };
  readonly model: ModelCall;
  /** Observed on the real breaker right after admission: to count half-open calls per period. */
  readonly stateAtStart: State;
  readonly signalsAtStart: number;
}

async function runAsync(params: Params, cmds: readonly AsyncCmd[]): Promise<void> {
  const clock = new FakeClock();
  const t0 = clock.now();
  const listener = new OrderedRecorder(t0);
  const breaker = new AsyncCircuitBreaker({
    ...commonOptions(params, clock, listener),
    maxHalfOpenCalls: params.maxHalfOpenCalls,
    halfOpenTimeout: params.halfOpenTimeout,
  });
  const model = new Model(params, params, t0);
  const c = new Checker(params, () => ({ breaker: listener.log, model: model.log }));
  const inFlight: InFlight[] = [];
  let nextId = 0;

  for (const [step, cmd] of cmds.entries()) {
    let note = '';
    switch (cmd.kind) {
      case 'start': {
        const started = [];
        for (let i = 0; i < cmd.count; i++) {
          const id = nextId++;
          const settlement: { current: Settlement } = { current: { status: 'pending' } };
          let resolve!: (value: Result) => void;
          let reject!: (error: unknown) => void;
          const promise = new Promise<Result>((res, rej) => {
            resolve = res;
            reject = rej;
          });
          breaker
            .call(() => promise)
            .then(
              (value) => (settlement.current = { status: 'resolved', value }),
              (error: unknown) => (settlement.current = { status: 'rejected', error }),
            );
          const stateAtStart = breaker.state;
          const signalsAtStart = listener.signals.length;
          started.push({ id, resolve, reject, settlement, stateAtStart, signalsAtStart });
        }
        await flush();
        const notes = [];
        for (const { id, resolve, reject, settlement, stateAtStart, signalsAtStart } of started) {
          const expected = model.start(clock.now());
          const got = settlement.current;
          if (expected.admitted) {
            notes.push(`call ${id} admitted`);
            c.ok(
              `call ${id}: expected it admitted and pending, got ${describeSettlement(got)}`,
              got.status === 'pending',
            );
            const call = { id, resolve, reject, settlement, stateAtStart, signalsAtStart };
            inFlight.push({ ...call, model: expected.call });
          } else {
            notes.push(
              `call ${id} rejected (${expected.state}, retryAfter ${expected.retryAfter})`,
            );
            if (got.status === 'rejected' && CallNotPermittedError.is(got.error)) {
              c.eq(`call ${id}: CallNotPermittedError.state`, got.error.state, expected.state);
              c.eq(
                `call ${id}: CallNotPermittedError.retryAfter`,
                got.error.retryAfter,
                expected.retryAfter,
              );
              c.eq(`call ${id}: CallNotPermittedError.circuitName`, got.error.circuitName, 'model');
            } else {
              c.ok(
                `call ${id}: expected a CallNotPermittedError(${expected.state}), got ${describeSettlement(got)}`,
                false,
              );
            }
          }
        }
        note = notes.join(', ');
        break;
      }
      case 'settle': {
        clock.advance(cmd.after);
        if (inFlight.length === 0) {
          note = 'no call in flight';
          break;
        }
        const [call] = inFlight.splice(inFlight.length - 1 - (cmd.pick % inFlight.length), 1);
        const value = outcomeValue(cmd.outcome, `call ${call!.id}`);
        if (value instanceof Error) call!.reject(value);
        else call!.resolve(value);
        await flush();
        model.settle(call!.model, cmd.outcome, clock.now());
        note = `call ${call!.id} settled`;
        // The caller gets the value or the very same error, untouched.
        const got = call!.settlement.current;
        const passedThrough =
          value instanceof Error
            ? got.status === 'rejected' && got.error === value
            : got.status === 'resolved' && got.value === value;
        c.ok(
          `call ${call!.id}: the caller should get ${cmd.outcome === 'success' || cmd.outcome === 'failResult' ? 'the value' : 'the same error'}, got ${describeSettlement(got)}`,
          passedThrough,
        );
        break;
      }
      case 'advance':
        clock.advance(cmd.ms);
        break;
      case 'toRetryAt': {
        const delta = model.state === 'open' ? model.retryAt! - clock.now() + cmd.offset : NaN;
        if (Number.isFinite(delta) && delta > 0) clock.advance(delta);
        break;
      }
      case 'toHalfOpenTimeout': {
        const delta =
          model.state === 'half_open'
            ? model.changedAt + params.halfOpenTimeout - clock.now() + cmd.offset
            : NaN;
        if (Number.isFinite(delta) && delta > 0) clock.advance(delta);
        break;
      }
      case 'manual':
        breaker[cmd.to]();
        model.manual(cmd.to, clock.now());
        break;
    }
    await flush();

    c.trace.push(
      `#${step} ${fc.stringify(cmd)} => ${model.state} @+${clock.now() - t0}` +
        (model.state === 'half_open' ? ` slots=${model.slots} successes=${model.successes}` : '') +
        (model.state === 'open' ? ` retryAt=+${model.retryAt! - t0}` : '') +
        ` reopens=${model.reopens} streak=${model.consecutiveFailures} window=${model.window.length}/${model.failureCount}` +
        (note ? ` (${note})` : ''),
    );
    compare(c, breaker, model, listener);
    // Half-open calls in flight, as observed on the real breaker: admitted while half_open and
    // with no signal since (a half-open period cannot be re-entered without one).
    if (breaker.state === 'half_open') {
      const holding = inFlight.filter(
        (f) => f.stateAtStart === 'half_open' && f.signalsAtStart === listener.signals.length,
      ).length;
      c.ok(
        `${holding} half-open calls in flight, more than maxHalfOpenCalls ${params.maxHalfOpenCalls}`,
        holding <= params.maxHalfOpenCalls,
      );
    }
    c.ok(
      `model: ${model.slots} slots taken`,
      model.slots >= 0 && model.slots <= params.maxHalfOpenCalls,
    );
    c.done(step, cmd);
  }

  // Drain: settle whatever is still in flight, so no promise is left pending.
  for (const call of inFlight) call.resolve({ fail: false });
  await flush();
}

// ---------------------------------------------------------------------------------------------
// The sync breaker
// ---------------------------------------------------------------------------------------------

function runSync(params: Params, cmds: readonly SyncCmd[]): void {
  const clock = new FakeClock();
  const t0 = clock.now();
  const listener = new OrderedRecorder(t0);
  const breaker = new CircuitBreaker(commonOptions(params, clock, listener));
  // The sync breaker has no slots and no halfOpenTimeout.
  const model = new Model(params, { maxHalfOpenCalls: Infinity, halfOpenTimeout: Infinity }, t0);
  const c = new Checker(params, () => ({ breaker: listener.log, model: model.log }));

  for (const [step, cmd] of cmds.entries()) {
    let note = '';
    switch (cmd.kind) {
      case 'call': {
        const value = outcomeValue(cmd.outcome, `call #${step}`);
        const start = clock.now();
        let got: Settlement;
        try {
          got = {
            status: 'resolved',
            value: breaker.call(() => {
              clock.advance(cmd.duration);
              if (value instanceof Error) throw value;
              return value;
            }),
          };
        } catch (error) {
          got = { status: 'rejected', error };
        }
        const expected = model.start(start);
        if (expected.admitted) {
          model.settle(expected.call, cmd.outcome, start + cmd.duration);
          note = 'admitted';
          const passedThrough =
            value instanceof Error
              ? got.status === 'rejected' && got.error === value
              : got.status === 'resolved' && got.value === value;
          c.ok(
            `call #${step}: expected it admitted with ${value instanceof Error ? 'its error' : 'its value'} passed through, got ${describeSettlement(got)}`,
            passedThrough,
          );
        } else {
          note = `rejected (${expected.state}, retryAfter ${expected.retryAfter})`;
          if (got.status === 'rejected' && CallNotPermittedError.is(got.error)) {
            c.eq(`call #${step}: CallNotPermittedError.state`, got.error.state, expected.state);
            c.eq(
              `call #${step}: CallNotPermittedError.retryAfter`,
              got.error.retryAfter,
              expected.retryAfter,
            );
          } else {
            c.ok(
              `call #${step}: expected a CallNotPermittedError(${expected.state}), got ${describeSettlement(got)}`,
              false,
            );
          }
        }
        break;
      }
      case 'advance':
        clock.advance(cmd.ms);
        break;
      case 'toRetryAt': {
        const delta = model.state === 'open' ? model.retryAt! - clock.now() + cmd.offset : NaN;
        if (Number.isFinite(delta) && delta > 0) clock.advance(delta);
        break;
      }
      case 'manual':
        breaker[cmd.to]();
        model.manual(cmd.to, clock.now());
        break;
    }
    c.trace.push(
      `#${step} ${fc.stringify(cmd)} => ${model.state} @+${clock.now() - t0}` +
        (model.state === 'half_open' ? ` successes=${model.successes}` : '') +
        (model.state === 'open' ? ` retryAt=+${model.retryAt! - t0}` : '') +
        ` reopens=${model.reopens} streak=${model.consecutiveFailures} window=${model.window.length}/${model.failureCount}` +
        (note ? ` (${note})` : ''),
    );
    compare(c, breaker, model, listener);
    c.ok(
      `model: ${model.slots} slots taken after a sync call`,
      model.slots === 0 || model.state !== 'half_open',
    );
    c.done(step, cmd);
  }
}

// ---------------------------------------------------------------------------------------------

describe('breaker vs. a reference model of SPEC.md', () => {
  it('AsyncCircuitBreaker agrees with the model under random calls, settlements, time and manual transitions', async () => {
    await fc.assert(
      fc.asyncProperty(
        paramsArb,
        commandsArb(asyncCmdArb, asyncManualArb),
        async (params, cmds) => {
          await runAsync(params, cmds);
        },
      ),
      { numRuns: numRuns(300), ...replay() },
    );
  }, 120_000);

  it('CircuitBreaker agrees with the model under random calls, time and manual transitions', () => {
    fc.assert(
      fc.property(paramsArb, commandsArb(syncCmdArb, syncManualArb), (params, cmds) => {
        runSync(params, cmds);
      }),
      { numRuns: numRuns(300), ...replay() },
    );
  }, 120_000);
});
