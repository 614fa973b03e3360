// The breakers under test, behind one small adapter so that every case drives fluxgate, opossum
// and cockatiel the same way: `call()` runs the guarded action once and returns its promise,
// `trip()` opens the breaker through real failures, `forceOpen()` opens it by hand, `dispose()`
// stops whatever the library keeps running (opossum's intervals and timers).
import { AsyncCircuitBreaker, CircuitBreaker } from '@fluxgate/core';
import { CountWindow, TimeWindow } from '@fluxgate/core/windows';
import { Cooldown } from '@fluxgate/core/retries';
import { FailureRate, FailureStreak, HalfOpened, MinRequests } from '@fluxgate/core/trippers';
import Opossum from 'opossum';
import { ConsecutiveBreaker, SamplingBreaker, circuitBreaker, handleAll } from 'cockatiel';

/** The guarded action of every success case: a fresh resolved promise, as an async client gives. */
export const work = () => Promise.resolve(1);
/** The guarded action of the sync cases. */
export const syncWork = () => 1;
/** The one error every failing action rejects with: its creation is not what is measured. */
export const failure = new Error('dependency failed');
export const failing = () => Promise.reject(failure);
export const noop = () => {};

/**
 * An action that fails on every `period`-th call (0: never), deterministically, so that the
 * failure mix is exact and the same for every library.
 */
export function mixed(period) {
  if (period === 0) return work;
  let i = 0;
  return () => (++i % period === 0 ? Promise.reject(failure) : Promise.resolve(1));
}

/** A wait long enough that no tripped breaker moves on during a run. */
const HOUR = 3_600_000;

/**
 * The default tripper's shape with a failure rate of 1: it reads the window and evaluates the
 * same rules after every call, but cannot trip while at most half the calls fail.
 */
export function neverTrips() {
  return new MinRequests(100)
    .and(new FailureRate(1))
    .or(new HalfOpened().and(new FailureStreak(1)));
}

async function failTimes(call, n) {
  for (let i = 0; i < n; i++) await call().then(noop, noop);
}

/** @typedef {{ call(): Promise<unknown>, trip(): Promise<void>, forceOpen(): void, dispose(): void, readonly open: boolean }} Subject */

/** fluxgate's AsyncCircuitBreaker; `options` are its constructor options less `name`. */
export function fluxgate(action = work, options = {}) {
  const breaker = new AsyncCircuitBreaker({ name: 'bench', retry: new Cooldown(HOUR), ...options });
  return {
    breaker,
    call: () => breaker.call(action),
    async trip() {
      await failTimes(() => breaker.call(failing), 100);
    },
    forceOpen: () => breaker.forceOpen(),
    dispose: noop,
    get open() {
      return breaker.state === 'open' || breaker.state === 'forced_open';
    },
  };
}

/** fluxgate's CircuitBreaker (sync). */
export function fluxgateSync(action = syncWork, options = {}) {
  const breaker = new CircuitBreaker({ name: 'bench', ...options });
  return { breaker, call: () => breaker.call(action), dispose: noop };
}

export const fluxgateWindows = {
  count100: () => new CountWindow(100),
  count10k: () => new CountWindow(10_000),
  time60s: () => new TimeWindow(60_000),
};

function opossum(action, options) {
  // opossum binds its action at construction: route it through a variable so that trip() and
  // use() can swap it.
  let current = action;
  const breaker = new Opossum(() => current(), options);
  return {
    breaker,
    call: () => breaker.fire(),
    use(next) {
      current = next;
    },
    async trip() {
      current = failing;
      await failTimes(() => breaker.fire(), 1);
      current = action;
    },
    forceOpen: () => breaker.open(),
    dispose: () => breaker.shutdown(),
    get open() {
      return breaker.opened;
    },
  };
}

function cockatiel(action, breakerFactory) {
  const policy = circuitBreaker(handleAll, { halfOpenAfter: HOUR, breaker: breakerFactory() });
  let isolation;
  return {
    policy,
    call: () => policy.execute(action),
    async trip() {
      await failTimes(() => policy.execute(failing), 200);
    },
    forceOpen() {
      isolation = policy.isolate();
    },
    dispose() {
      isolation?.dispose();
    },
    get open() {
      return policy.state === 1 || policy.state === 3; // Open, Isolated
    },
  };
}

/**
 * The peers, in table order. `neverTrip` asks for options under which the failure mixes of the
 * failure-path cases (at most 50 %) cannot open the breaker.
 */
export const PEERS = [
  {
    id: 'opossum',
    label: 'opossum',
    detail: 'defaults (timeout 10 s)',
    make: (action, { neverTrip = false } = {}) =>
      opossum(action, { resetTimeout: HOUR, ...(neverTrip && { errorThresholdPercentage: 100 }) }),
  },
  {
    id: 'opossum-nt',
    label: 'opossum, timeout: false',
    detail: '`timeout: false`',
    make: (action, { neverTrip = false } = {}) =>
      opossum(action, {
        timeout: false,
        resetTimeout: HOUR,
        ...(neverTrip && { errorThresholdPercentage: 100 }),
      }),
  },
  {
    id: 'cockatiel-consecutive',
    label: 'cockatiel Consecutive',
    detail: '`ConsecutiveBreaker(5)`',
    // Five failures in a row never happen in the deterministic 10 % and 50 % mixes.
    make: (action) => cockatiel(action, () => new ConsecutiveBreaker(5)),
  },
  {
    id: 'cockatiel-sampling',
    label: 'cockatiel Sampling',
    detail: '`SamplingBreaker({ threshold: 0.5, duration: 10_000 })`',
    make: (action, { neverTrip = false } = {}) =>
      cockatiel(
        action,
        () => new SamplingBreaker({ threshold: neverTrip ? 0.99 : 0.5, duration: 10_000 }),
      ),
  },
];
