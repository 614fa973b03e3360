/**
 * Example: a synchronous breaker.
 *
 * Teaches: `CircuitBreaker` guards plain (non-async) functions; the three states in order:
 * closed (calls run), open (calls are rejected at once with `CallNotPermittedError`, the function
 * is not even called), half_open (after the retry wait, one call probes the dependency); and how
 * to tell a rejection from the function's own error.
 *
 * Run: pnpm --filter @fluxgate/examples example sync-breaker
 */
import { CallNotPermittedError, CircuitBreaker } from '@fluxgate/core';
import { LogListener } from '@fluxgate/core/listeners';
import { Cooldown } from '@fluxgate/core/retries';
import { FailureStreak, HalfOpened } from '@fluxgate/core/trippers';

// A config store that is down until we say otherwise.
let storeUp = false;
let reads = 0;
function readSetting(key: string): string {
  reads++;
  if (!storeUp) throw new Error('config store unavailable');
  return `${key}=on`;
}

const log = (line: string) => console.log(line);

const breaker = new CircuitBreaker({
  name: 'config_store',
  // Three failures in a row open it; a failed probe reopens it.
  tripper: new FailureStreak(3).or(new HalfOpened().and(new FailureStreak(1))),
  retry: new Cooldown(200), // wait 200 ms before probing
  // One line per transition. Any logger with debug/info/warn/error works (console, pino,
  // winston); this one prints every level on stdout, so that the story reads in order.
  listeners: [new LogListener({ logger: { debug: log, info: log, warn: log, error: log } })],
});

function attempt(label: string): void {
  try {
    console.log(`${label}: ok, ${breaker.call(readSetting, 'dark_mode')}`);
  } catch (error) {
    if (CallNotPermittedError.is(error)) {
      console.log(`${label}: rejected without calling the store (retry in ${error.retryAfter} ms)`);
    } else {
      console.log(`${label}: failed: ${(error as Error).message}`);
    }
  }
}

async function main(): Promise<void> {
  for (let i = 1; i <= 5; i++) attempt(`call ${i}`);
  console.log(`the store was called ${reads} times for 5 calls`);

  await new Promise((resolve) => setTimeout(resolve, 250));
  storeUp = true;
  attempt('call 6 (after the wait: the probe)');
  attempt('call 7');
  console.log(`final state: ${breaker.state}`);
}

void main();
