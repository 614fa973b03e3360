import { AsyncCircuitBreaker, CallNotPermittedError, CircuitBreaker, State } from '@fluxgate/core';
import { All } from '@fluxgate/core/permits';
import { Cooldown } from '@fluxgate/core/retries';
import { FailureStreak, Tripper, type TripContext } from '@fluxgate/core/trippers';
import { deferred, settle } from '../support/deferred';
import { FakeClock } from '../support/fake-clock';
import { RecordingListener } from '../support/recording-listener';

// The SPEC's state table, one row per state: whether calls run, whether outcomes are recorded,
// and what leaves the state.

const fail = (): never => {
  throw new Error('boom');
};

function syncBreaker(clock: FakeClock, tripper = new FailureStreak(2)) {
  const listener = new RecordingListener();
  const breaker = new CircuitBreaker({
    name: 'table',
    clock,
    tripper,
    retry: new Cooldown(1_000),
    permit: new All(),
    listeners: [listener],
  });
  return { breaker, listener };
}

/** Puts a sync breaker into `state` the way a user would get there. */
function enter(breaker: CircuitBreaker, clock: FakeClock, state: State): void {
  switch (state) {
    case State.CLOSED:
      return;
    case State.OPEN:
      expect(() => breaker.call(fail)).toThrow('boom');
      expect(() => breaker.call(fail)).toThrow('boom');
      return;
    case State.HALF_OPEN: {
      // closeAfter 3 keeps the breaker half_open after the first successful probe.
      enter(breaker, clock, State.OPEN);
      clock.advance(1_000);
      expect(breaker.call(() => 'probe')).toBe('probe');
      return;
    }
    case State.METRICS_ONLY:
      return breaker.metricsOnly();
    case State.DISABLED:
      return breaker.disable();
    case State.FORCED_OPEN:
      return breaker.forceOpen();
  }
}

describe('state table: calls and recording', () => {
  it.each([
    { state: State.CLOSED, runs: true, records: true },
    { state: State.OPEN, runs: false, records: false },
    { state: State.HALF_OPEN, runs: true, records: true },
    { state: State.METRICS_ONLY, runs: true, records: true },
    { state: State.DISABLED, runs: true, records: false },
    { state: State.FORCED_OPEN, runs: false, records: false },
  ])('$state: calls run = $runs, outcomes recorded = $records', ({ state, runs, records }) => {
    const clock = new FakeClock();
    const breaker = new CircuitBreaker({
      name: 'table',
      clock,
      tripper: new FailureStreak(2),
      retry: new Cooldown(1_000),
      permit: new All(),
      closeAfter: 3,
    });
    enter(breaker, clock, state);
    expect(breaker.state).toBe(state);
    const before = breaker.info().metrics.totalCount;
    let ran = false;
    const outcome = (() => {
      try {
        return breaker.call(() => {
          ran = true;
          return 'ok';
        });
      } catch (error) {
        return error;
      }
    })();
    expect(ran).toBe(runs);
    if (runs) expect(outcome).toBe('ok');
    else {
      expect(CallNotPermittedError.is(outcome)).toBe(true);
      expect((outcome as CallNotPermittedError).state).toBe(state);
    }
    expect(breaker.info().metrics.totalCount - before).toBe(records ? 1 : 0);
    expect(breaker.state).toBe(state);
  });
});

describe('state table: leaving each state', () => {
  it('closed: after any recorded call, tripper true → open (on a failure)', () => {
    const clock = new FakeClock();
    const { breaker, listener } = syncBreaker(clock);
    expect(() => breaker.call(fail)).toThrow('boom');
    expect(breaker.state).toBe('closed');
    expect(() => breaker.call(fail)).toThrow('boom');
    expect(breaker.state).toBe('open');
    expect(listener.transitions).toEqual(['closed>open']);
  });

  it('closed: after any recorded call, tripper true → open (on a success)', () => {
    // A tripper reading the metric is asked after successes too.
    class AfterTwoCalls extends Tripper {
      shouldTrip(ctx: TripContext): boolean {
        return ctx.metric.totalCount >= 2;
      }
    }
    const breaker = new CircuitBreaker({
      name: 'success-trips',
      clock: new FakeClock(),
      tripper: new AfterTwoCalls(),
    });
    expect(breaker.call(() => 1)).toBe(1);
    expect(breaker.state).toBe('closed');
    expect(breaker.call(() => 2)).toBe(2);
    expect(breaker.state).toBe('open');
  });

  it('open: the first call at or after retryAt → half_open, and runs as the first probe', () => {
    const clock = new FakeClock();
    const { breaker, listener } = syncBreaker(clock);
    enter(breaker, clock, State.OPEN);
    clock.advance(999);
    expect(() => breaker.call(() => 'early')).toThrow(CallNotPermittedError);
    expect(breaker.state).toBe('open');
    clock.advance(1);
    let stateDuringProbe: State | undefined;
    expect(
      breaker.call(() => {
        stateDuringProbe = breaker.state;
        return 'probe';
      }),
    ).toBe('probe');
    expect(stateDuringProbe).toBe('half_open');
    expect(listener.transitions).toEqual(['closed>open', 'open>half_open', 'half_open>closed']);
  });

  it('open: the first probe is not subject to the permit', () => {
    const clock = new FakeClock();
    const breaker = new CircuitBreaker({
      name: 'permit',
      clock,
      tripper: new FailureStreak(1),
      retry: new Cooldown(1_000),
      permit: { allows: () => false },
      closeAfter: 2,
    });
    expect(() => breaker.call(fail)).toThrow('boom');
    clock.advance(1_000);
    expect(breaker.call(() => 'first probe')).toBe('first probe');
    expect(breaker.state).toBe('half_open');
    const second = (() => {
      try {
        return breaker.call(() => 'second');
      } catch (error) {
        return error;
      }
    })();
    expect(CallNotPermittedError.is(second)).toBe(true);
    expect((second as CallNotPermittedError).state).toBe('half_open');
    expect((second as CallNotPermittedError).retryAfter).toBeUndefined();
  });

  it('half_open: after a recorded call, tripper true → open', () => {
    const clock = new FakeClock();
    const { breaker, listener } = syncBreaker(clock, new FailureStreak(1));
    expect(() => breaker.call(fail)).toThrow('boom');
    clock.advance(1_000);
    expect(() => breaker.call(fail)).toThrow('boom');
    expect(breaker.state).toBe('open');
    expect(listener.transitions).toEqual(['closed>open', 'open>half_open', 'half_open>open']);
  });

  it.each([1, 2, 3])(
    'half_open: after a recorded success, tripper false and closeAfter=%i successes in a row → closed',
    (closeAfter) => {
      const clock = new FakeClock();
      const breaker = new CircuitBreaker({
        name: 'close-after',
        clock,
        tripper: new FailureStreak(1),
        retry: new Cooldown(1_000),
        permit: new All(),
        closeAfter,
      });
      expect(() => breaker.call(fail)).toThrow('boom');
      clock.advance(1_000);
      for (let i = 1; i < closeAfter; i++) {
        breaker.call(() => i);
        expect(breaker.state).toBe('half_open');
      }
      breaker.call(() => 'last');
      expect(breaker.state).toBe('closed');
    },
  );

  it('metrics_only: never trips; only manual calls leave it', () => {
    const clock = new FakeClock();
    const { breaker, listener } = syncBreaker(clock, new FailureStreak(1));
    breaker.metricsOnly();
    for (let i = 0; i < 5; i++) expect(() => breaker.call(fail)).toThrow('boom');
    expect(breaker.state).toBe('metrics_only');
    expect(breaker.info().metrics.failureCount).toBe(5);
    expect(breaker.info().consecutiveFailures).toBe(5);
    breaker.reset();
    expect(listener.transitions).toEqual(['closed>metrics_only', 'metrics_only>closed']);
  });

  it('disabled: runs every call, records nothing, leaves only by a manual call', () => {
    const clock = new FakeClock();
    const { breaker, listener } = syncBreaker(clock, new FailureStreak(1));
    breaker.disable();
    for (let i = 0; i < 3; i++) expect(() => breaker.call(fail)).toThrow('boom');
    expect(breaker.state).toBe('disabled');
    expect(breaker.info().metrics.totalCount).toBe(0);
    expect(breaker.info().consecutiveFailures).toBe(0);
    breaker.forceOpen();
    expect(listener.transitions).toEqual(['closed>disabled', 'disabled>forced_open']);
  });

  it('forced_open: rejects every call, even long after, and leaves only by a manual call', () => {
    const clock = new FakeClock();
    const { breaker, listener } = syncBreaker(clock);
    breaker.forceOpen();
    clock.advance(10 * 365 * 24 * 3_600_000);
    const error = (() => {
      try {
        return breaker.call(() => 1);
      } catch (e) {
        return e;
      }
    })() as CallNotPermittedError;
    expect(error.state).toBe('forced_open');
    expect(error.retryAfter).toBeUndefined();
    expect(breaker.state).toBe('forced_open');
    breaker.reset();
    expect(breaker.call(() => 1)).toBe(1);
    expect(listener.transitions).toEqual(['closed>forced_open', 'forced_open>closed']);
  });

  it.each(State.ALL.filter((s) => s !== 'open' && s !== 'half_open'))(
    'async breaker, %s: same rows as the sync one',
    async (state) => {
      const clock = new FakeClock();
      const breaker = new AsyncCircuitBreaker({ name: 'async-table', clock });
      if (state === 'metrics_only') breaker.metricsOnly();
      if (state === 'disabled') breaker.disable();
      if (state === 'forced_open') breaker.forceOpen();
      const result = await breaker.call(async () => 'ok').catch((e: unknown) => e);
      if (state === 'forced_open') expect(CallNotPermittedError.is(result)).toBe(true);
      else expect(result).toBe('ok');
      const recorded = state === 'closed' || state === 'metrics_only' ? 1 : 0;
      expect(breaker.info().metrics.totalCount).toBe(recorded);
    },
  );

  it('async breaker: half_open runs a call while a slot is free and rejects past maxHalfOpenCalls', async () => {
    const clock = new FakeClock();
    const breaker = new AsyncCircuitBreaker({
      name: 'slots',
      clock,
      tripper: new FailureStreak(1),
      retry: new Cooldown(1_000),
      permit: new All(),
      maxHalfOpenCalls: 2,
    });
    await expect(breaker.call(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    clock.advance(1_000);
    const first = deferred<string>();
    const second = deferred<string>();
    const p1 = breaker.call(() => first.promise);
    const p2 = breaker.call(() => second.promise);
    expect(breaker.state).toBe('half_open');
    const third = await breaker.call(async () => 'third').catch((e: unknown) => e);
    expect(CallNotPermittedError.is(third)).toBe(true);
    expect((third as CallNotPermittedError).state).toBe('half_open');
    first.resolve('a');
    second.resolve('b');
    await expect(Promise.all([p1, p2])).resolves.toEqual(['a', 'b']);
    await settle();
    expect(breaker.state).toBe('closed');
  });
});
