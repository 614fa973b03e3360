/**
 * Example: fallbacks, for a failed call and for an open circuit.
 *
 * Teaches: three ways to answer something useful when a call fails or the circuit is open:
 * `callWithFallback` for one call, `wrap(fn, { fallback })` for a function you call everywhere,
 * and a fallback that looks at the error: serve the cached value when the circuit is open, but
 * rethrow a mistake of the caller's (a bad argument is not an outage).
 *
 * Run: pnpm --filter @fluxgate/examples example fallbacks
 */
import { AsyncCircuitBreaker, CallNotPermittedError } from '@fluxgate/core';
import { TypeOf } from '@fluxgate/core/trackers';
import { FailureStreak } from '@fluxgate/core/trippers';

class UpstreamError extends Error {}

const lastKnownPrices = new Map([['ACME', 41.5]]);
let upstreamCalls = 0;

/** The price service: down, and strict about its input. */
async function fetchPrice(symbol: string): Promise<number> {
  if (!/^[A-Z]+$/.test(symbol)) throw new RangeError(`bad symbol '${symbol}'`);
  upstreamCalls++;
  throw new UpstreamError('price service unavailable');
}

const prices = new AsyncCircuitBreaker({
  name: 'price_api',
  tracker: new TypeOf(UpstreamError), // a RangeError is the caller's fault: not counted
  tripper: new FailureStreak(2),
});

/** Cached price when the service fails or the circuit is open; the caller's mistakes rethrown. */
function cachedPrice(symbol: string) {
  return (error: unknown): number => {
    if (!(error instanceof UpstreamError) && !CallNotPermittedError.is(error)) throw error;
    const why = CallNotPermittedError.is(error) ? 'circuit open' : 'upstream failed';
    console.log(`  ${symbol}: ${why}, serving the cached price`);
    return lastKnownPrices.get(symbol) ?? NaN;
  };
}

async function main(): Promise<void> {
  // 1. One call with a fallback: the service fails, the cached price is served.
  const first = await prices.callWithFallback(fetchPrice, cachedPrice('ACME'), 'ACME');
  console.log(`callWithFallback: ${first}`);

  // 2. The fallback rethrows what is not an outage (and the tracker does not count it).
  try {
    await prices.callWithFallback(fetchPrice, cachedPrice('acme!'), 'acme!');
  } catch (error) {
    console.log(`a bad symbol is rethrown: ${(error as Error).name}: ${(error as Error).message}`);
  }

  // 3. A guarded function with the same signature as fetchPrice.
  const getPrice = prices.wrap(fetchPrice, { fallback: cachedPrice('ACME') });
  console.log(`wrap, call 1: ${await getPrice('ACME')} (circuit ${prices.state})`);
  console.log(`wrap, call 2: ${await getPrice('ACME')} (circuit ${prices.state})`);
  console.log(`the price service was called ${upstreamCalls} times for 4 calls`);
}

void main();
