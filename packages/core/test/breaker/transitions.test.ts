import {
  AsyncCircuitBreaker,
  CallNotPermittedError,
  CircuitBreaker,
  type Signal,
} from '@fluxgate/core';
import { All } from '@fluxgate/core/permits';
import { Backoff, Cooldown, Never } from '@fluxgate/core/retries';
import { TypeOf } from '@fluxgate/core/trackers';
import { FailureStreak, SlowRate } from '@fluxgate/core/trippers';
import { CountWindow } from '@fluxgate/core/windows';
import { FakeClock } from '../support/fake-clock';
import { RecordingListener } from '../support/recording-listener';
import { sequenceRandom } from '../support/sequence-random';

class Tracked extends Error {}
class Untracked extends Error {}

const fail = (): never => {
  throw new Tracked('down');
};

function attempt<T>(fn: () => T): T | unknown {
  try {
    return fn();
  } catch (error) {
    return error;
  }
}

function streakBreaker(
  clock: FakeClock,
  extra: Partial<ConstructorParameters<typeof CircuitBreaker>[0]> = {},
) {
  const listener = new RecordingListener();
  const breaker = new CircuitBreaker({
    name: 'svc',
    clock,
    tracker: new TypeOf(Tracked),
    tripper: new FailureStreak(2),
    retry: new Cooldown(1_000),
    permit: new All(),
    listeners: [listener],
    ...extra,
  });
  return { breaker, listener };
}

function trip(breaker: CircuitBreaker, times = 2): void {
  for (let i = 0; i < times; i++) expect(() => breaker.call(fail)).toThrow(Tracked);
}

describe('entering open draws the wait once', () => {
  it('retryAt = changedAt + retry.delay({ reopens }), jitter drawn once per entry into open', () => {
    const clock = new FakeClock(5_000);
    const random = sequenceRandom(0, 1 - 2 ** -53, 0.5);
    const { breaker } = streakBreaker(clock, {
      retry: new Cooldown(1_000, { jitterRatio: 0.5, random }),
      tripper: new FailureStreak(1),
    });
    trip(breaker, 1);
    // wait · (1 − j + 2·j·random()) = 1000 · 0.5
    expect(breaker.info()).toMatchObject({ state: 'open', changedAt: 5_000, retryAt: 5_500 });
    for (let i = 0; i < 5; i++) {
      expect(CallNotPermittedError.is(attempt(() => breaker.call(() => 1)))).toBe(true);
      clock.advance(50);
    }
    expect(random.calls).toBe(1);
    expect(breaker.info().retryAt).toBe(5_500);
    clock.set(5_500);
    trip(breaker, 1); // the probe fails: reopen, a new draw
    expect(random.calls).toBe(2);
    expect(breaker.info().retryAt).toBe(5_500 + 1_000 * (0.5 + (1 - 2 ** -53)));
  });

  it('CallNotPermittedError.retryAfter is the time left to retryAt', () => {
    const clock = new FakeClock(0);
    const { breaker } = streakBreaker(clock);
    trip(breaker);
    clock.advance(250);
    const error = attempt(() => breaker.call(() => 1)) as CallNotPermittedError;
    expect(error).toBeInstanceOf(CallNotPermittedError);
    expect(error.state).toBe('open');
    expect(error.retryAfter).toBe(750);
  });

  it('Never: retryAt and retryAfter are Infinity, and only a manual call leaves open', () => {
    const clock = new FakeClock(0);
    const { breaker, listener } = streakBreaker(clock, { retry: new Never() });
    trip(breaker);
    clock.advance(Number.MAX_SAFE_INTEGER);
    const error = attempt(() => breaker.call(() => 1)) as CallNotPermittedError;
    expect(error.retryAfter).toBe(Infinity);
    expect(breaker.info().retryAt).toBe(Infinity);
    breaker.reset();
    expect(breaker.call(() => 'back')).toBe('back');
    expect(listener.transitions).toEqual(['closed>open', 'open>closed']);
  });

  it('Backoff: the wait grows with reopens and resets when the circuit closes', () => {
    const clock = new FakeClock(0);
    const { breaker } = streakBreaker(clock, {
      tripper: new FailureStreak(1),
      retry: new Backoff({ initial: 100, multiplier: 3, maxDuration: 1_000 }),
    });
    trip(breaker, 1);
    const waits: number[] = [];
    for (let i = 0; i < 4; i++) {
      const info = breaker.info();
      waits.push(info.retryAt! - info.changedAt);
      clock.set(info.retryAt!);
      trip(breaker, 1);
    }
    waits.push(breaker.info().retryAt! - breaker.info().changedAt);
    expect(waits).toEqual([100, 300, 900, 1_000, 1_000]);
    expect(breaker.info().reopens).toBe(4);
    clock.set(breaker.info().retryAt!);
    breaker.call(() => 'recovered');
    expect(breaker.info()).toMatchObject({ state: 'closed', reopens: 0, consecutiveFailures: 0 });
    trip(breaker, 1);
    expect(breaker.info().retryAt! - breaker.info().changedAt).toBe(100);
  });

  it('an idle open breaker still reports open after retryAt: no timer moves it', () => {
    const clock = new FakeClock(0);
    const { breaker, listener } = streakBreaker(clock);
    trip(breaker);
    clock.advance(3_600_000);
    expect(breaker.state).toBe('open');
    expect(breaker.info().state).toBe('open');
    expect(listener.transitions).toEqual(['closed>open']);
  });
});

describe('every transition', () => {
  it('resets the window, sets changedAt and sends one signal, manual ones included', () => {
    const clock = new FakeClock(0);
    const { breaker, listener } = streakBreaker(clock, { tripper: new FailureStreak(3) });
    breaker.call(() => 1);
    clock.advance(10);
    expect(() => breaker.call(fail)).toThrow(Tracked);
    expect(breaker.info().metrics.totalCount).toBe(2);
    clock.advance(10);
    const steps: Array<[() => void, string]> = [
      [() => breaker.metricsOnly(), 'metrics_only'],
      [() => breaker.disable(), 'disabled'],
      [() => breaker.forceOpen(), 'forced_open'],
      [() => breaker.reset(), 'closed'],
    ];
    for (const [step, state] of steps) {
      clock.advance(7);
      step();
      expect(breaker.info()).toMatchObject({ state, changedAt: clock.now() });
      expect(breaker.info().metrics.totalCount).toBe(0);
    }
    expect(listener.transitions).toEqual([
      'closed>metrics_only',
      'metrics_only>disabled',
      'disabled>forced_open',
      'forced_open>closed',
    ]);
    expect(listener.signals.map((s) => s.timestamp)).toEqual([27, 34, 41, 48]);
  });

  it('a signal carries the window as it stood just before the transition', () => {
    const clock = new FakeClock(100);
    const { breaker, listener } = streakBreaker(clock, { tripper: new FailureStreak(2) });
    clock.advance(0);
    breaker.call(() => {
      clock.advance(30);
      return 'slow-ish';
    });
    expect(() =>
      breaker.call(() => {
        clock.advance(10);
        return fail();
      }),
    ).toThrow(Tracked);
    expect(() => breaker.call(fail)).toThrow(Tracked);
    const signal = listener.signals[0] as Signal;
    expect(signal).toMatchObject({
      circuitName: 'svc',
      oldState: 'closed',
      newState: 'open',
      timestamp: 140,
    });
    expect(signal.metric).toMatchObject({ totalCount: 3, failureCount: 2, totalDuration: 40 });
    expect(breaker.info().metrics.totalCount).toBe(0);
  });

  it('a manual call to the current state resets the window and counters but sends no signal', () => {
    const clock = new FakeClock(0);
    const { breaker, listener } = streakBreaker(clock, { tripper: new FailureStreak(5) });
    trip(breaker, 3);
    expect(breaker.info()).toMatchObject({ consecutiveFailures: 3 });
    clock.advance(42);
    breaker.reset();
    expect(breaker.info()).toMatchObject({
      state: 'closed',
      changedAt: 42,
      consecutiveFailures: 0,
      reopens: 0,
    });
    expect(breaker.info().metrics.totalCount).toBe(0);
    breaker.forceOpen();
    clock.advance(8);
    breaker.forceOpen();
    expect(breaker.info().changedAt).toBe(50);
    expect(listener.transitions).toEqual(['closed>forced_open']);
  });

  it('entering half_open resets the consecutive-failure count; half_open → open adds one to reopens', () => {
    const clock = new FakeClock(0);
    const { breaker } = streakBreaker(clock, { tripper: new FailureStreak(2), closeAfter: 2 });
    trip(breaker, 2);
    expect(breaker.info()).toMatchObject({ state: 'open', consecutiveFailures: 2, reopens: 0 });
    clock.advance(1_000);
    breaker.call(() => 'probe');
    expect(breaker.info()).toMatchObject({
      state: 'half_open',
      consecutiveFailures: 0,
      reopens: 0,
    });
    trip(breaker, 2);
    expect(breaker.info()).toMatchObject({ state: 'open', consecutiveFailures: 2, reopens: 1 });
  });

  it('entering closed sets reopens and the consecutive-failure count to 0', () => {
    const clock = new FakeClock(0);
    const { breaker } = streakBreaker(clock, { tripper: new FailureStreak(1) });
    trip(breaker, 1);
    clock.advance(1_000);
    trip(breaker, 1);
    expect(breaker.info()).toMatchObject({ reopens: 1, consecutiveFailures: 1 });
    breaker.reset();
    expect(breaker.info()).toMatchObject({ reopens: 0, consecutiveFailures: 0 });
  });
});

describe('outcomes', () => {
  it('an error the tracker does not count passes through untouched and is recorded as neither', () => {
    const clock = new FakeClock(0);
    const { breaker, listener } = streakBreaker(clock);
    expect(() => breaker.call(fail)).toThrow(Tracked);
    const untracked = new Untracked('not ours');
    expect(
      attempt(() =>
        breaker.call(() => {
          throw untracked;
        }),
      ),
    ).toBe(untracked);
    expect(breaker.info()).toMatchObject({ consecutiveFailures: 1 });
    expect(breaker.info().metrics).toMatchObject({ totalCount: 1, failureCount: 1 });
    expect(() => breaker.call(fail)).toThrow(Tracked);
    expect(breaker.state).toBe('open');
    expect(listener.outcomes).toEqual(['closed:failure', 'closed:ignored', 'closed:failure']);
  });

  it('an ignored error in half_open neither counts toward closeAfter nor restarts it', () => {
    const clock = new FakeClock(0);
    const { breaker } = streakBreaker(clock, { tripper: new FailureStreak(1), closeAfter: 2 });
    trip(breaker, 1);
    clock.advance(1_000);
    breaker.call(() => 'one');
    expect(() =>
      breaker.call(() => {
        throw new Untracked();
      }),
    ).toThrow(Untracked);
    expect(breaker.state).toBe('half_open');
    breaker.call(() => 'two');
    expect(breaker.state).toBe('closed');
  });

  it('a recorded failure restarts the closeAfter count', () => {
    const clock = new FakeClock(0);
    const { breaker } = streakBreaker(clock, { tripper: new FailureStreak(2), closeAfter: 2 });
    trip(breaker, 2);
    clock.advance(1_000);
    breaker.call(() => 'one');
    expect(() => breaker.call(fail)).toThrow(Tracked);
    breaker.call(() => 'two');
    expect(breaker.state).toBe('half_open');
    breaker.call(() => 'three');
    expect(breaker.state).toBe('closed');
  });

  it('every recorded call records its real duration, failures included, and is slow at duration >= threshold', () => {
    const clock = new FakeClock(0);
    const breaker = new CircuitBreaker({
      name: 'slow',
      clock,
      window: new CountWindow(10),
      tripper: new SlowRate(0.9, { threshold: 100 }).or(new SlowRate(0.9, { threshold: 50 })),
    });
    const take = (ms: number, ok: boolean) => () => {
      clock.advance(ms);
      if (!ok) throw new Error('late and wrong');
      return ms;
    };
    breaker.call(take(49, true));
    expect(() => breaker.call(take(50, false))).toThrow('late and wrong');
    expect(() => breaker.call(take(100, false))).toThrow('late and wrong');
    breaker.call(take(99, true));
    const metrics = breaker.info().metrics;
    expect(metrics).toMatchObject({ totalCount: 4, failureCount: 2, totalDuration: 298 });
    expect([...metrics.slowCounts]).toEqual([
      [50, 3],
      [100, 1],
    ]);
    expect(metrics.slowRate(50)).toBe(0.75);
    expect(breaker.state).toBe('closed');
  });

  it('isFailureResult: a returned value that counts as a failure is still returned', async () => {
    const clock = new FakeClock(0);
    const listener = new RecordingListener();
    const breaker = new AsyncCircuitBreaker({
      name: 'http',
      clock,
      tripper: new FailureStreak(2),
      isFailureResult: (res: { status: number }) => res.status >= 500,
      listeners: [listener],
    });
    await expect(breaker.call(async () => ({ status: 503 }))).resolves.toEqual({ status: 503 });
    await expect(breaker.call(async () => ({ status: 200 }))).resolves.toEqual({ status: 200 });
    await expect(breaker.call(async () => ({ status: 500 }))).resolves.toEqual({ status: 500 });
    await expect(breaker.call(async () => ({ status: 502 }))).resolves.toEqual({ status: 502 });
    expect(breaker.state).toBe('open');
    expect(listener.outcomes).toEqual([
      'closed:failure',
      'closed:success',
      'closed:failure',
      'closed:failure',
    ]);
  });

  it('an isFailureResult that throws fails the call with its error, counted by the tracker', () => {
    const clock = new FakeClock(0);
    const oops = new Tracked('predicate broke');
    const breaker = new CircuitBreaker({
      name: 'predicate',
      clock,
      tracker: new TypeOf(Tracked),
      isFailureResult: () => {
        throw oops;
      },
    });
    expect(attempt(() => breaker.call(() => 1))).toBe(oops);
    expect(breaker.info().metrics).toMatchObject({ totalCount: 1, failureCount: 1 });
  });
});

describe('the default tripper', () => {
  it('half of the last 100 calls failing opens it; not before 100 calls', () => {
    const breaker = new CircuitBreaker({ name: 'defaults', clock: new FakeClock(0) });
    for (let i = 0; i < 99; i++) expect(() => breaker.call(fail)).toThrow(Tracked);
    expect(breaker.state).toBe('closed');
    expect(() => breaker.call(fail)).toThrow(Tracked);
    expect(breaker.state).toBe('open');
  });

  it('49 failures in 100 calls keep it closed, the 50th opens it', () => {
    const breaker = new CircuitBreaker({ name: 'defaults', clock: new FakeClock(0) });
    for (let i = 0; i < 51; i++) breaker.call(() => i);
    for (let i = 0; i < 49; i++) expect(() => breaker.call(fail)).toThrow(Tracked);
    expect(breaker.state).toBe('closed');
    expect(() => breaker.call(fail)).toThrow(Tracked); // evicts a success: 50 of 100
    expect(breaker.state).toBe('open');
  });

  it('a failed probe reopens it at once (default Cooldown 60 s, default RampUp skipped for the first probe)', () => {
    const clock = new FakeClock(0);
    const breaker = new CircuitBreaker({ name: 'defaults', clock });
    for (let i = 0; i < 100; i++) expect(() => breaker.call(fail)).toThrow(Tracked);
    expect(breaker.info().retryAt).toBe(60_000);
    clock.set(60_000);
    expect(() => breaker.call(fail)).toThrow(Tracked);
    expect(breaker.info()).toMatchObject({ state: 'open', reopens: 1, retryAt: 120_000 });
  });
});
