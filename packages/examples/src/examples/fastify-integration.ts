/**
 * Example: a breaker in a Fastify application, answering 503 with `Retry-After` while open.
 *
 * Teaches: guard the route's call to its dependency with the breaker, and turn the breaker's
 * `CallNotPermittedError` into an HTTP 503 in one error handler, with `Retry-After` (in seconds)
 * from `error.retryAfter` (in milliseconds), so that clients back off for as long as the circuit
 * will stay open. Other errors stay 502s.
 *
 * Run: pnpm --filter @fluxgate/examples example fastify-integration
 */
import Fastify from 'fastify';
import { AsyncCircuitBreaker, CallNotPermittedError } from '@fluxgate/core';
import { Cooldown } from '@fluxgate/core/retries';
import { FailureStreak } from '@fluxgate/core/trippers';

// The dependency: a quote service that is down.
async function fetchQuote(symbol: string): Promise<{ symbol: string; price: number }> {
  throw new Error(`quote service timed out for ${symbol}`);
}

const quotes = new AsyncCircuitBreaker({
  name: 'quote_api',
  tripper: new FailureStreak(2),
  retry: new Cooldown(30_000),
});

const app = Fastify();

app.get<{ Params: { symbol: string } }>('/quotes/:symbol', (request) =>
  quotes.call(fetchQuote, request.params.symbol),
);

app.setErrorHandler((error, _request, reply) => {
  if (CallNotPermittedError.is(error)) {
    if (error.retryAfter !== undefined && Number.isFinite(error.retryAfter)) {
      void reply.header('retry-after', Math.max(1, Math.ceil(error.retryAfter / 1_000)));
    }
    return reply.code(503).send({ error: 'quote service unavailable, try again later' });
  }
  return reply.code(502).send({ error: (error as Error).message });
});

async function main(): Promise<void> {
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  for (let i = 1; i <= 4; i++) {
    const response = await fetch(`${address}/quotes/ACME`);
    const retryAfter = response.headers.get('retry-after');
    console.log(
      `GET /quotes/ACME → ${response.status}${retryAfter ? ` Retry-After: ${retryAfter}` : ''} ${await response.text()}`,
    );
  }
  await app.close();
}

void main();
