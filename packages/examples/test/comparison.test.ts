/**
 * The evidence for the comparison table of the root README: the same situation put to fluxgate,
 * opossum 10 and cockatiel 3, and what each one does. Each `describe` is one row of the table.
 */
import { spawnSync } from 'node:child_process';
import { AsyncCircuitBreaker, CallNotPermittedError, CircuitBreaker } from '@fluxgate/core';
import { All } from '@fluxgate/core/permits';
import { Cooldown } from '@fluxgate/core/retries';
import { FailureStreak } from '@fluxgate/core/trippers';
import { ConsecutiveBreaker, circuitBreaker, handleAll } from 'cockatiel';
import Opossum from 'opossum';
import { PACKAGE } from './support/processes';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const down = () => Promise.reject(new Error('dependency down'));

/** How a promise ends within `ms`: its value, `rejected: <message>`, or `pending`. */
async function outcome(promise: Promise<unknown>, ms = 200): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<string>((resolve) => (timer = setTimeout(() => resolve('pending'), ms)));
  try {
    return await Promise.race([
      promise.then(
        (value) => `resolved: ${String(value)}`,
        (error: unknown) => `rejected: ${(error as Error).message}`,
      ),
      late,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

describe('guarding a synchronous function', () => {
  it('fluxgate: CircuitBreaker returns the value itself', () => {
    const breaker = new CircuitBreaker({ name: 'sync' });
    expect(breaker.call(() => 42)).toBe(42);
  });

  it('opossum and cockatiel: a promise, whatever the function', async () => {
    // opossum's own types only take functions that return a promise.
    const opossum = new Opossum((() => 42) as unknown as () => Promise<number>, {
      timeout: false,
    });
    const cockatiel = circuitBreaker(handleAll, {
      halfOpenAfter: 30_000,
      breaker: new ConsecutiveBreaker(5),
    });
    const fromOpossum: unknown = opossum.fire();
    const fromCockatiel: unknown = cockatiel.execute(() => 42);
    expect(fromOpossum).toBeInstanceOf(Promise);
    expect(fromCockatiel).toBeInstanceOf(Promise);
    await Promise.all([fromOpossum, fromCockatiel]);
    opossum.shutdown();
  });
});

describe('a state-change listener that throws', () => {
  const bug = new Error('listener bug');

  it('fluxgate: the call gets its own outcome; the error goes to onListenerError', async () => {
    const reported: unknown[] = [];
    const breaker = new AsyncCircuitBreaker({
      name: 'listener',
      tripper: new FailureStreak(1),
      listeners: [
        () => {
          throw bug;
        },
      ],
      onListenerError: (error) => reported.push(error),
    });
    expect(await outcome(breaker.call(down))).toBe('rejected: dependency down');
    expect(breaker.state).toBe('open');
    expect(reported).toEqual([bug]);
  });

  it("opossum: the caller's promise never settles, and the error is an unhandled rejection", () => {
    // In a process of its own: the unhandled rejection is the point, and would crash jest's.
    const script = `
      const Opossum = require('opossum');
      const seen = [];
      process.on('unhandledRejection', (error) => seen.push(error.message));
      const breaker = new Opossum(() => Promise.reject(new Error('dependency down')), {
        timeout: false, volumeThreshold: 0, errorThresholdPercentage: 1,
      });
      breaker.on('open', () => { throw new Error('listener bug'); });
      let call = 'pending';
      breaker.fire().then(() => (call = 'resolved'), (e) => (call = 'rejected: ' + e.message));
      setTimeout(() => {
        console.log(JSON.stringify({ call, unhandled: seen }));
        breaker.shutdown();
      }, 200);
    `;
    const run = spawnSync(process.execPath, ['-e', script], { cwd: PACKAGE, encoding: 'utf8' });
    expect(JSON.parse(run.stdout)).toEqual({ call: 'pending', unhandled: ['listener bug'] });
  });

  it("cockatiel: the call rejects with the listener's error instead of its own", async () => {
    const policy = circuitBreaker(handleAll, {
      halfOpenAfter: 30_000,
      breaker: new ConsecutiveBreaker(1),
    });
    policy.onBreak(() => {
      throw bug;
    });
    expect(await outcome(policy.execute(down))).toBe('rejected: listener bug');
  });
});

describe('half-open: five calls at once while the circuit probes', () => {
  /** A call that takes 50 ms. */
  const slowOk = async () => {
    await sleep(50);
    return 'ok';
  };
  const summary = (results: PromiseSettledResult<unknown>[]) =>
    results.map((r) => (r.status === 'fulfilled' ? 'ran' : 'rejected'));

  it('fluxgate: up to maxHalfOpenCalls run at once (here 3), the others are rejected', async () => {
    const breaker = new AsyncCircuitBreaker({
      name: 'probes',
      tripper: new FailureStreak(1),
      retry: new Cooldown(20),
      permit: new All(),
      maxHalfOpenCalls: 3,
      closeAfter: 3,
    });
    await breaker.call(down).catch(() => undefined);
    await sleep(30);
    const results = await Promise.allSettled(Array.from({ length: 5 }, () => breaker.call(slowOk)));
    expect(summary(results)).toEqual(['ran', 'ran', 'ran', 'rejected', 'rejected']);
    expect(breaker.state).toBe('closed');
  });

  it('opossum: one call runs, the others are rejected', async () => {
    const breaker = new Opossum(slowOk, { timeout: false, resetTimeout: 20 });
    breaker.open();
    await sleep(40);
    expect(breaker.halfOpen).toBe(true);
    const results = await Promise.allSettled(Array.from({ length: 5 }, () => breaker.fire()));
    expect(summary(results)).toEqual(['ran', 'rejected', 'rejected', 'rejected', 'rejected']);
    breaker.shutdown();
  });

  it('cockatiel: one call runs, the others wait for it, then all run', async () => {
    const policy = circuitBreaker(handleAll, {
      halfOpenAfter: 20,
      breaker: new ConsecutiveBreaker(1),
    });
    await policy.execute(down).catch(() => undefined);
    await sleep(30);
    const started = Date.now();
    const finished: number[] = [];
    const results = await Promise.allSettled(
      Array.from({ length: 5 }, () =>
        policy.execute(async () => {
          await slowOk();
          finished.push(Date.now() - started);
        }),
      ),
    );
    expect(summary(results)).toEqual(['ran', 'ran', 'ran', 'ran', 'ran']);
    // The probe first; the four others only after it (they queued behind it).
    expect(Math.min(...finished.slice(1))).toBeGreaterThanOrEqual(2 * 50 - 10);
  });
});

describe('the rejection while open says when to try again', () => {
  it('fluxgate: CallNotPermittedError.retryAfter, in milliseconds', async () => {
    const breaker = new AsyncCircuitBreaker({
      name: 'open',
      tripper: new FailureStreak(1),
      retry: new Cooldown(30_000),
    });
    await breaker.call(down).catch(() => undefined);
    const error: unknown = await breaker.call(() => 1).catch((e: unknown) => e);
    expect(CallNotPermittedError.is(error)).toBe(true);
    expect((error as CallNotPermittedError).retryAfter).toBeGreaterThan(29_000);
  });

  /** The error's own properties that could hold a time: none is a number. */
  const numbers = (error: unknown) =>
    Object.entries(error as object).filter(([, value]) => typeof value === 'number');

  it('opossum: an Error with code EOPENBREAKER and no time', async () => {
    const breaker = new Opossum(() => Promise.resolve(1), { timeout: false, resetTimeout: 30_000 });
    breaker.open();
    const error: unknown = await breaker.fire().catch((e: unknown) => e);
    expect((error as { code?: string }).code).toBe('EOPENBREAKER');
    expect(numbers(error)).toEqual([]);
    breaker.shutdown();
  });

  it('cockatiel: a BrokenCircuitError and no time', async () => {
    const policy = circuitBreaker(handleAll, {
      halfOpenAfter: 30_000,
      breaker: new ConsecutiveBreaker(1),
    });
    await policy.execute(down).catch(() => undefined);
    const error: unknown = await policy.execute(() => 1).catch((e: unknown) => e);
    expect((error as Error).constructor.name).toBe('BrokenCircuitError');
    expect(numbers(error)).toEqual([]);
  });
});
