import {
  AsyncCircuitBreaker,
  CallNotPermittedError,
  type AsyncCircuitBreakerOptions,
} from '@fluxgate/core';
import { All, Permit } from '@fluxgate/core/permits';
import { Cooldown } from '@fluxgate/core/retries';
import { TypeOf } from '@fluxgate/core/trackers';
import { FailureStreak } from '@fluxgate/core/trippers';
import { deferred, settle, type Deferred } from '../support/deferred';
import { FakeClock } from '../support/fake-clock';
import { RecordingListener } from '../support/recording-listener';

class Tracked extends Error {}
class Untracked extends Error {}

function setup(options: Partial<AsyncCircuitBreakerOptions> = {}) {
  const clock = new FakeClock(0);
  const listener = new RecordingListener();
  const breaker = new AsyncCircuitBreaker({
    name: 'async',
    clock,
    tracker: new TypeOf(Tracked),
    tripper: new FailureStreak(1),
    retry: new Cooldown(1_000),
    permit: new All(),
    maxHalfOpenCalls: 2,
    halfOpenTimeout: 5_000,
    listeners: [listener],
    ...options,
  });
  return { clock, listener, breaker };
}

async function tripAndWait(breaker: AsyncCircuitBreaker, clock: FakeClock): Promise<void> {
  await expect(breaker.call(() => Promise.reject(new Tracked('down')))).rejects.toThrow(Tracked);
  expect(breaker.state).toBe('open');
  clock.advance(1_000);
}

/** Starts a call that settles when the returned deferred is settled. */
function hold(breaker: AsyncCircuitBreaker): { gate: Deferred<string>; result: Promise<unknown> } {
  const gate = deferred<string>();
  const result = breaker.call(() => gate.promise).catch((error: unknown) => error);
  return { gate, result };
}

async function rejection(promise: Promise<unknown>): Promise<CallNotPermittedError> {
  const outcome = await promise.catch((error: unknown) => error);
  expect(CallNotPermittedError.is(outcome)).toBe(true);
  return outcome as CallNotPermittedError;
}

describe('half-open slots', () => {
  it('maxHalfOpenCalls: extra calls are rejected at once, not queued', async () => {
    const { breaker, clock } = setup({ closeAfter: 3 });
    await tripAndWait(breaker, clock);
    const a = hold(breaker);
    const b = hold(breaker);
    let ran = false;
    const refused = await rejection(
      breaker.call(async () => {
        ran = true;
      }),
    );
    expect(ran).toBe(false);
    expect(refused.state).toBe('half_open');
    expect(refused.retryAfter).toBeUndefined();
    a.gate.resolve('a');
    b.gate.resolve('b');
    await expect(Promise.all([a.result, b.result])).resolves.toEqual(['a', 'b']);
  });

  it.each([
    ['a success', (gate: Deferred<string>) => gate.resolve('ok')],
    ['a tracked failure', (gate: Deferred<string>) => gate.reject(new Tracked('x'))],
    ['an ignored error', (gate: Deferred<string>) => gate.reject(new Untracked('x'))],
  ])('every settled call frees its slot: %s', async (_, settleIt) => {
    // FailureStreak(5) keeps a failure from reopening, closeAfter 5 keeps successes from closing.
    const { breaker, clock } = setup({ tripper: new FailureStreak(1), closeAfter: 5 });
    await tripAndWait(breaker, clock);
    const a = hold(breaker);
    const b = hold(breaker);
    await rejection(breaker.call(async () => 'full'));
    settleIt(a.gate);
    await a.result;
    if (breaker.state === 'half_open') {
      const c = hold(breaker);
      await rejection(breaker.call(async () => 'full again'));
      c.gate.resolve('c');
      await expect(c.result).resolves.toBe('c');
    } else {
      // The tracked failure reopened the circuit: the slot went with the period.
      expect(breaker.state).toBe('open');
    }
    b.gate.resolve('b');
    await b.result;
  });

  it('the async breaker checks the slots first, then the permit', async () => {
    let asked = 0;
    class Counting extends Permit {
      allows(): boolean {
        asked++;
        return true;
      }
    }
    const { breaker, clock } = setup({
      permit: new Counting(),
      closeAfter: 5,
      maxHalfOpenCalls: 2,
    });
    await tripAndWait(breaker, clock);
    const first = hold(breaker); // the first probe: no permit asked
    expect(asked).toBe(0);
    const second = hold(breaker);
    expect(asked).toBe(1);
    await rejection(breaker.call(async () => 'no slot'));
    expect(asked).toBe(1);
    first.gate.resolve('1');
    second.gate.resolve('2');
    await Promise.all([first.result, second.result]);
  });

  it('a permit that refuses rejects with state half_open', async () => {
    const { breaker, clock } = setup({ permit: { allows: () => false }, closeAfter: 5 });
    await tripAndWait(breaker, clock);
    const probe = hold(breaker);
    const refused = await rejection(breaker.call(async () => 'x'));
    expect(refused.state).toBe('half_open');
    probe.gate.resolve('done');
    await probe.result;
  });

  it('slots belong to one half-open period: a call still in flight from an earlier period holds none', async () => {
    const { breaker, clock, listener } = setup({
      maxHalfOpenCalls: 1,
      closeAfter: 1,
      tripper: new FailureStreak(1),
    });
    await tripAndWait(breaker, clock);
    const oldProbe = hold(breaker); // takes the only slot of period 1
    breaker.forceOpen();
    breaker.reset();
    await expect(breaker.call(() => Promise.reject(new Tracked('again')))).rejects.toThrow(Tracked);
    clock.advance(1_000);
    const newProbe = hold(breaker); // period 2's only slot: free, although oldProbe is still in flight
    await rejection(breaker.call(async () => 'full'));
    oldProbe.gate.resolve('late'); // stale: frees nothing of period 2, closes nothing
    await oldProbe.result;
    await settle();
    expect(breaker.state).toBe('half_open');
    await rejection(breaker.call(async () => 'still full'));
    newProbe.gate.resolve('fresh');
    await expect(newProbe.result).resolves.toBe('fresh');
    expect(breaker.state).toBe('closed');
    expect(listener.transitions).toEqual([
      'closed>open',
      'open>half_open',
      'half_open>forced_open',
      'forced_open>closed',
      'closed>open',
      'open>half_open',
      'half_open>closed',
    ]);
  });
});

describe('halfOpenTimeout: hung probes', () => {
  it('a call refused for a slot after halfOpenTimeout moves the breaker to open and is rejected with the new retryAfter', async () => {
    const { breaker, clock, listener } = setup({ maxHalfOpenCalls: 1 });
    await tripAndWait(breaker, clock);
    const hung = hold(breaker);
    clock.advance(4_999);
    const early = await rejection(breaker.call(async () => 'x'));
    expect(early.state).toBe('half_open');
    expect(breaker.state).toBe('half_open');
    clock.advance(1);
    const refused = await rejection(breaker.call(async () => 'x'));
    expect(refused.state).toBe('open');
    expect(refused.retryAfter).toBe(1_000);
    expect(breaker.info()).toMatchObject({
      state: 'open',
      reopens: 1,
      retryAt: clock.now() + 1_000,
    });
    expect(listener.transitions).toEqual(['closed>open', 'open>half_open', 'half_open>open']);
    expect(listener.outcomes.slice(-2)).toEqual(['half_open:not_permitted', 'open:not_permitted']);
    hung.gate.resolve('finally'); // stale now: dropped
    await expect(hung.result).resolves.toBe('finally');
    expect(breaker.state).toBe('open');
  });

  it('halfOpenTimeout: Infinity never reopens on hung probes', async () => {
    const { breaker, clock } = setup({ maxHalfOpenCalls: 1, halfOpenTimeout: Infinity });
    await tripAndWait(breaker, clock);
    const hung = hold(breaker);
    clock.advance(1e12);
    expect((await rejection(breaker.call(async () => 'x'))).state).toBe('half_open');
    expect(breaker.state).toBe('half_open');
    hung.gate.resolve('ok');
    await hung.result;
  });

  it('is measured from entering half_open, not from the hung call', async () => {
    const { breaker, clock } = setup({ maxHalfOpenCalls: 2, closeAfter: 9 });
    await tripAndWait(breaker, clock);
    const first = hold(breaker);
    clock.advance(4_000);
    const second = hold(breaker);
    clock.advance(1_000);
    expect((await rejection(breaker.call(async () => 'x'))).state).toBe('open');
    first.gate.resolve('1');
    second.gate.resolve('2');
    await Promise.all([first.result, second.result]);
  });
});

describe('stale outcomes are dropped', () => {
  it('an outcome arriving after the breaker changed state never lands in the new window', async () => {
    const { breaker, clock, listener } = setup({ tripper: new FailureStreak(1) });
    const slow = hold(breaker);
    await expect(breaker.call(() => Promise.reject(new Tracked('down')))).rejects.toThrow(Tracked);
    expect(breaker.state).toBe('open');
    clock.advance(1_000);
    breaker.reset();
    slow.gate.reject(new Tracked('late failure'));
    await expect(slow.result).resolves.toBeInstanceOf(Tracked);
    expect(breaker.state).toBe('closed');
    expect(breaker.info().metrics.totalCount).toBe(0);
    expect(breaker.info().consecutiveFailures).toBe(0);
    expect(listener.transitions).toEqual(['closed>open', 'open>closed']);
    // The stale call is still reported, with the state it ran in.
    expect(listener.outcomes).toEqual(['closed:failure', 'closed:failure']);
  });

  it('a manual reset to the current state makes in-flight outcomes stale', async () => {
    const { breaker, listener } = setup({ tripper: new FailureStreak(1) });
    const inFlight = hold(breaker);
    breaker.reset();
    inFlight.gate.reject(new Tracked('would trip'));
    await inFlight.result;
    expect(breaker.state).toBe('closed');
    expect(breaker.info().metrics.totalCount).toBe(0);
    expect(listener.transitions).toEqual([]);
  });
});

describe('the async breaker guards plain values and sync throws too', () => {
  it('a function returning a plain value resolves to it and is recorded', async () => {
    const { breaker } = setup();
    await expect(breaker.call((x: number) => x * 2, 21)).resolves.toBe(42);
    expect(breaker.info().metrics).toMatchObject({ totalCount: 1, failureCount: 0 });
  });

  it('a function throwing synchronously rejects the promise and is recorded', async () => {
    const { breaker } = setup({ tripper: new FailureStreak(2) });
    const call = breaker.call(() => {
      throw new Tracked('sync');
    });
    await expect(call).rejects.toThrow('sync');
    expect(breaker.info().metrics).toMatchObject({ totalCount: 1, failureCount: 1 });
  });

  it('rejections while open are settled promises, never sync throws', async () => {
    const { breaker, clock } = setup();
    await tripAndWait(breaker, clock);
    breaker.forceOpen();
    let thrown = false;
    let promise: Promise<unknown> | undefined;
    try {
      promise = breaker.call(async () => 1);
    } catch {
      thrown = true;
    }
    expect(thrown).toBe(false);
    expect((await rejection(promise!)).state).toBe('forced_open');
  });
});
