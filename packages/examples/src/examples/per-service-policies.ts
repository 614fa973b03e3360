/**
 * Example: a policy per service, from one place.
 *
 * Teaches: rules are values. Each dependency gets the policy that suits it (strict for
 * payments, latency-driven for search, lenient for best-effort analytics, a dry run for a new
 * rule), built by one function; then the same incident (40 calls, one in three failing, four in
 * five slow) hits all four, with very different results. The breakers read time from an
 * injected clock, so the incident plays out instantly and the same way every run.
 *
 * Run: pnpm --filter @fluxgate/examples example per-service-policies
 */
import {
  CircuitBreaker,
  type CircuitBreakerOptions,
  type Clock,
  type ListenerFunction,
  type Metric,
} from '@fluxgate/core';
import { Backoff, Cooldown } from '@fluxgate/core/retries';
import {
  FailureRate,
  FailureStreak,
  HalfOpened,
  MinRequests,
  SlowRate,
} from '@fluxgate/core/trippers';
import { CountWindow, TimeWindow } from '@fluxgate/core/windows';

type Service = 'payments' | 'search' | 'analytics' | 'recommendations';

/** The rules of each service, in one table: what a reviewer reads. */
const POLICIES: Record<Service, Omit<CircuitBreakerOptions, 'name' | 'clock'>> = {
  // Money: trip early (20% failures, or 3 in a row), back off on repeated failures.
  payments: {
    window: new CountWindow(50),
    tripper: new FailureStreak(3)
      .or(new MinRequests(10).and(new FailureRate(0.2)))
      .or(new HalfOpened().and(new FailureStreak(1))),
    retry: new Backoff({ initial: 5_000, maxDuration: 120_000 }),
  },
  // A search box: a slow answer is a useless answer. Judge the last 10 seconds by latency.
  search: {
    window: new TimeWindow(10_000),
    tripper: new MinRequests(10).and(new SlowRate(0.5, { threshold: 500 })),
    retry: new Cooldown(10_000),
  },
  // Best effort: only a near-total outage is worth failing fast.
  analytics: {
    window: new CountWindow(100),
    tripper: new MinRequests(30).and(new FailureRate(0.8)),
    retry: new Cooldown(60_000),
  },
  // A new rule on trial: same tripper as payments, but metrics_only below: it never opens.
  recommendations: {
    tripper: new MinRequests(10).and(new FailureRate(0.2)),
  },
};

/** A fake clock: the incident's latency is simulated, not waited for. */
let now = 0;
const clock: Clock = { now: () => now };

function breakerFor(service: Service, listener: ListenerFunction): CircuitBreaker {
  const breaker = new CircuitBreaker({
    name: `${service}_api`,
    clock,
    ...POLICIES[service],
    listeners: [listener],
  });
  if (service === 'recommendations') breaker.metricsOnly(); // record, never trip
  return breaker;
}

const percent = (ratio: number | undefined) =>
  ratio === undefined ? '-' : `${Math.round(ratio * 100)}%`;

for (const service of Object.keys(POLICIES) as Service[]) {
  let call = 0;
  let trip: { call: number; metric: Metric } | undefined;
  const breaker = breakerFor(service, (signal) => {
    if (signal.newState === 'open') trip ??= { call, metric: signal.metric };
  });

  // The incident: every third call fails; four calls in five take 800 ms.
  for (call = 1; call <= 40; call++) {
    try {
      breaker.call(() => {
        now += call % 5 === 0 ? 50 : 800;
        if (call % 3 === 0) throw new Error('upstream error');
      });
    } catch {
      // failures and rejections: the state tells the story
    }
  }

  const seen = trip?.metric ?? breaker.info().metrics;
  const story = trip ? `opened at call ${trip.call}:` : `stayed ${breaker.state} after 40 calls:`;
  // A breaker counts slow calls only for the thresholds its tripper asks about.
  const slow =
    seen.slowCounts.size > 0 ? `${percent(seen.slowRate(500))} slow` : 'latency not judged';
  console.log(
    `${breaker.name.padEnd(20)} ${breaker.state.padEnd(13)} ${story} ` +
      `${percent(seen.failureRate)} failed, ${slow}`,
  );
}
