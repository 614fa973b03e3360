/**
 * Example: the `protect()` method decorator.
 *
 * Teaches: `breaker.protect({ fallback })` guards a class method with a TypeScript 5 standard
 * decorator (it works with `experimentalDecorators` too). Every call of the method goes through
 * the breaker; the fallback answers when the method fails or the circuit is open, so callers
 * always get a list.
 *
 * Run: pnpm --filter @fluxgate/examples example protect-decorator
 */
import { AsyncCircuitBreaker, CallNotPermittedError } from '@fluxgate/core';
import { FailureStreak } from '@fluxgate/core/trippers';

const recommendations = new AsyncCircuitBreaker({
  name: 'recommendations_api',
  tripper: new FailureStreak(2),
});

class Storefront {
  calls = 0;

  @recommendations.protect({
    fallback: (error) => {
      const why = CallNotPermittedError.is(error) ? 'circuit open' : (error as Error).message;
      console.log(`  fallback (${why}): best sellers`);
      return ['best seller 1', 'best seller 2'];
    },
  })
  async recommendedFor(userId: string): Promise<string[]> {
    this.calls++;
    throw new Error(`recommendations timed out for ${userId}`);
  }
}

async function main(): Promise<void> {
  const store = new Storefront();
  for (let i = 1; i <= 4; i++) {
    const items = await store.recommendedFor('user-42');
    console.log(`call ${i}: ${items.join(', ')} (circuit ${recommendations.state})`);
  }
  console.log(`the method body ran ${store.calls} times for 4 calls`);
}

void main();
