/**
 * Example: an async breaker around `fetch`, where a 5xx answer is a failure.
 *
 * Teaches: `fetch` resolves on a 500, so no error is thrown; `isFailureResult` makes the breaker
 * count such a response as a failure (the response is still returned to you). Once the failure
 * rate trips it, calls fail fast and the struggling service gets no more traffic until the
 * retry wait is over; then one probe finds it healthy again and the circuit closes.
 *
 * Run: pnpm --filter @fluxgate/examples example async-fetch
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AsyncCircuitBreaker, CallNotPermittedError } from '@fluxgate/core';
import { Cooldown } from '@fluxgate/core/retries';
import { FailureRate, FailureStreak, HalfOpened, MinRequests } from '@fluxgate/core/trippers';

async function main(): Promise<void> {
  // A loopback service that answers 500 until it is "fixed".
  let fixed = false;
  let hits = 0;
  const server = createServer((_request, response) => {
    hits++;
    response.writeHead(fixed ? 200 : 500, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ ok: fixed }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;

  const breaker = new AsyncCircuitBreaker({
    name: 'inventory_api',
    tripper: new MinRequests(4)
      .and(new FailureRate(0.5))
      .or(new HalfOpened().and(new FailureStreak(1))),
    retry: new Cooldown(300),
    isFailureResult: (response: Response) => response.status >= 500,
    listeners: [(s) => console.log(`  [${s.circuitName}] ${s.oldState} → ${s.newState}`)],
  });

  async function getStock(label: string): Promise<void> {
    try {
      const response = await breaker.call(() => fetch(url));
      await response.body?.cancel();
      console.log(`${label}: HTTP ${response.status}`);
    } catch (error) {
      if (!CallNotPermittedError.is(error)) throw error;
      console.log(`${label}: rejected (circuit ${error.state}), no request sent`);
    }
  }

  for (let i = 1; i <= 6; i++) await getStock(`request ${i}`);
  console.log(`the service saw ${hits} of 6 requests`);

  fixed = true;
  await new Promise((resolve) => setTimeout(resolve, 350));
  await getStock('request 7 (probe)');
  await getStock('request 8');
  console.log(`final state: ${breaker.state}`);
  server.close();
}

void main();
